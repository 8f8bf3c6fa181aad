"""Ranking metrics and the choice of decision thresholds at a realistic base rate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score, f1_score, precision_recall_curve, roc_auc_score

Labels = NDArray[np.int64]
Scores = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Curve:
    """Recall, false-positive rate and threshold at every distinct score, highest first."""

    thresholds: Scores
    tpr: Scores
    fpr: Scores

    @classmethod
    def of(cls, y: Labels, p: Scores) -> Curve:
        order = np.argsort(-p, kind="stable")
        ps, ys = p[order], y[order]
        last = np.r_[np.flatnonzero(np.diff(ps)), len(ps) - 1]
        tp = np.cumsum(ys)[last]
        fp = np.cumsum(1 - ys)[last]
        return cls(ps[last], tp / max(ys.sum(), 1), fp / max(len(ys) - ys.sum(), 1))

    def precision(self, base_rate: float) -> Scores:
        """Precision at each threshold if positives made up ``base_rate`` of the traffic."""
        hits = base_rate * self.tpr
        return np.asarray(hits / np.maximum(hits + (1 - base_rate) * self.fpr, 1e-12))


def threshold_for_recall(y: Labels, p: Scores, recall: float) -> float:
    """The highest threshold whose recall (score >= threshold) reaches ``recall``."""
    curve = Curve.of(y, p)
    index = int(np.searchsorted(curve.tpr, recall, side="left"))
    return float(curve.thresholds[min(index, len(curve.thresholds) - 1)])


def threshold_for_precision(
    y: Labels, p: Scores, precision: float, base_rate: float, min_recall: float = 0.05
) -> float:
    """The lowest threshold whose precision at ``base_rate`` reaches ``precision``; where none
    does with some recall left, the threshold of the best precision reachable."""
    curve = Curve.of(y, p)
    prec = curve.precision(base_rate)
    usable = curve.tpr >= min_recall
    good = np.flatnonzero(usable & (prec >= precision))
    if len(good):
        return float(curve.thresholds[good[-1]])
    candidates = np.flatnonzero(usable)
    best = candidates[int(np.argmax(prec[candidates]))] if len(candidates) else 0
    return float(curve.thresholds[best])


def precision_at_recall(y: Labels, p: Scores, recall: float = 0.9) -> float:
    """Best precision among thresholds that keep at least ``recall``."""
    prec, rec, _ = precision_recall_curve(y, p)
    return float(prec[rec >= recall].max())


def at_hold(y: Labels, p: Scores, hold: float) -> dict[str, float]:
    """What a hold threshold means to a moderator: the share of positives it holds (or
    decides outright) and the share of the benign rows it holds too, the queue's false alarms
    (a comment scoring exactly ``hold`` is held, as the service holds it)."""
    flagged = p >= hold
    positives, benign = y == 1, y == 0
    return {
        "recall_at_hold": float(flagged[positives].mean()) if positives.any() else float("nan"),
        "benign_held": float(flagged[benign].mean()) if benign.any() else float("nan"),
    }


def summary(y: Labels, p: Scores, threshold: float) -> dict[str, float]:
    """ROC-AUC, average precision, F1 at ``threshold`` and precision at 90 % recall."""
    both = len(set(y.tolist())) == 2
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "average_precision": float(average_precision_score(y, p)) if both else float("nan"),
        "f1": float(f1_score(y, p >= threshold, zero_division=0)),
        "precision_at_90_recall": precision_at_recall(y, p) if both else float("nan"),
    }
