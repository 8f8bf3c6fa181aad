"""Identity-term bias checks on wiki-toxicity-bias-eval (never trained on) and the Jigsaw sample."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

from classifier.datasets import DatasetError
from classifier.signals import CommentInput

AbuseFn = Callable[[Sequence[CommentInput]], NDArray[np.float64]]  # abuse probability per item
BIAS = "wiki-toxicity-bias-eval"
JIGSAW = "jigsaw-toxic-sample"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DatasetError(f"missing dataset file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _auc(y: NDArray[np.int64], p: NDArray[np.float64]) -> float:
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


def identity_auc(abuse: AbuseFn, root: Path) -> dict[str, Any]:
    """ROC-AUC on the identity-term comments and on their fuzzed copy, and the gap."""
    out: dict[str, Any] = {}
    for name in ("nonfuzzed", "fuzzed"):
        rows = _rows(root / BIAS / f"toxicity_{name}_testset.csv")
        y = np.array([r["toxic"] == "True" for r in rows], dtype=np.int64)
        p = abuse([CommentInput(r["comment"].replace("NEWLINE_TOKEN", "\n")) for r in rows])
        out[f"{name}_roc_auc"] = _auc(y, p)
    out["gap"] = abs(out["nonfuzzed_roc_auc"] - out["fuzzed_roc_auc"])
    return out


def identity_terms(rows: Sequence[dict[str, str]]) -> list[str]:
    """The identity terms of the Madlibs ``name_adj`` template ("<name> is a <adj> <term>")."""
    terms = {
        r["Text"].split(" is a ", 1)[1].split(" ", 1)[1]
        for r in rows
        if r["Template"] == "name_adj" and " is a " in r["Text"]
    }
    return sorted(terms, key=lambda t: (-len(t), t))


def madlibs(abuse: AbuseFn, root: Path, thresholds: dict[str, float]) -> dict[str, Any]:
    """Per identity term: false-positive rate of non-toxic sentences at the hold and reject
    thresholds, and ROC-AUC; plus the same over all sentences."""
    rows = _rows(root / BIAS / "bias_madlibs_77k.csv")
    terms = identity_terms(rows)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")\b", re.IGNORECASE)
    y = np.array([r["Label"] == "BAD" for r in rows], dtype=np.int64)
    p = abuse([CommentInput(r["Text"]) for r in rows])
    found = [pattern.search(r["Text"]) for r in rows]
    term_of = np.array([m.group(1).lower() if m else "" for m in found])
    hold, reject = thresholds["abuse_hold"], thresholds["abuse_reject"]

    def stats(mask: NDArray[np.bool_]) -> dict[str, float]:
        clean = mask & (y == 0)
        return {
            "n_non_toxic": int(clean.sum()),
            "fpr_at_hold": float((p[clean] >= hold).mean()),
            "fpr_at_reject": float((p[clean] >= reject).mean()),
            "roc_auc": _auc(y[mask], p[mask]),
        }

    per_term = {t: stats(term_of == t) for t in terms if (term_of == t).any()}
    overall = stats(np.ones(len(y), dtype=np.bool_))
    worst = max(per_term.values(), key=lambda s: s["fpr_at_hold"])["fpr_at_hold"]
    return {"overall": overall, "worst_term_fpr_at_hold": worst, "per_term": per_term}


def jigsaw_sample(abuse: AbuseFn, root: Path) -> dict[str, float]:
    """ROC-AUC on the 101-row Jigsaw sample (a smoke check: lower-cased, tiny)."""
    rows = _rows(root / JIGSAW / "test_examples.csv")
    y = np.array([r["toxic"] == "1" for r in rows], dtype=np.int64)
    p = abuse([CommentInput(r["comment_text"]) for r in rows])
    return {"n": len(rows), "positives": int(y.sum()), "roc_auc": _auc(y, p)}
