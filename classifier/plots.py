"""ROC and precision-recall curves per dataset as PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import precision_recall_curve, roc_curve

Pair = tuple[NDArray[np.int64], NDArray[np.float64]]


def write_curves(curves: dict[str, dict[str, Pair]], out: Path) -> list[Path]:
    """One ROC and one PR figure per dataset, a line per model; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = sorted({name for per_model in curves.values() for name in per_model})
    written = []
    for dataset in datasets:
        for kind in ("roc", "pr"):
            fig, ax = plt.subplots(figsize=(5, 4.5), dpi=100)
            for model, per_model in curves.items():
                if dataset not in per_model:
                    continue
                y, p = per_model[dataset]
                if kind == "roc":
                    fpr, tpr, _ = roc_curve(y, p)
                    ax.plot(fpr, tpr, label=model)
                else:
                    prec, rec, _ = precision_recall_curve(y, p)
                    ax.plot(rec, prec, label=model)
            if kind == "roc":
                ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
                ax.set(xlabel="false-positive rate", ylabel="true-positive rate")
            else:
                ax.set(xlabel="recall", ylabel="precision", ylim=(0, 1.02))
            ax.set_title(f"{dataset} ({kind.upper()}, test rows)")
            ax.legend(loc="lower right" if kind == "roc" else "lower left")
            fig.tight_layout()
            path = out / f"{dataset}-{kind}.png"
            fig.savefig(path)
            plt.close(fig)
            written.append(path)
    return written
