"""Threshold choice by recall and by precision at a base rate."""

import numpy as np

from classifier.metrics import Curve, at_hold, threshold_for_precision, threshold_for_recall

Y = np.array([0, 0, 0, 0, 1, 0, 1, 1, 1, 1])
P = np.linspace(0.05, 0.95, 10)


def test_threshold_for_recall_keeps_recall() -> None:
    t = threshold_for_recall(Y, P, 0.8)
    assert ((t <= P) & (Y == 1)).sum() / Y.sum() >= 0.8
    assert t > P[4]  # the highest such threshold skips the first positive


def test_precision_at_a_low_base_rate_needs_a_higher_threshold() -> None:
    balanced = threshold_for_precision(Y, P, 0.9, base_rate=0.5)
    rare = threshold_for_precision(Y, P, 0.9, base_rate=0.05)
    assert rare >= balanced


def test_curve_rates() -> None:
    curve = Curve.of(Y, P)
    assert curve.tpr[-1] == curve.fpr[-1] == 1.0
    assert np.all(np.diff(curve.tpr) >= 0)


def test_at_hold_counts_what_a_moderator_would_see() -> None:
    # P = 0.05, 0.15, ..., 0.95: a hold at 0.45 flags the last six (0.45 itself included)
    figures = at_hold(Y, P, float(P[4]))
    assert figures["recall_at_hold"] == 1.0  # all five positives: 0.45, 0.65 ... 0.95
    assert figures["benign_held"] == 0.2  # one of five benign rows: 0.55
    higher = at_hold(Y, P, 0.7)
    assert higher["recall_at_hold"] == 0.6  # 0.75, 0.85, 0.95
    assert higher["benign_held"] == 0.0
    assert np.isnan(at_hold(np.zeros(3, dtype=np.int64), P[:3], 0.1)["recall_at_hold"])
