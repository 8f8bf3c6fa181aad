"""Bias checks read the evaluation files as laid out and report per identity term."""

from pathlib import Path

import numpy as np

from classifier import fairness
from classifier.signals import CommentInput


def _keyword_model(items: list[CommentInput]) -> np.ndarray:
    return np.array([float("stupid" in c.comment or "idiot" in c.comment) for c in items])


def test_identity_terms_keep_multiword_terms_first(tiny_datasets: Path) -> None:
    rows = fairness._rows(tiny_datasets / fairness.BIAS / "bias_madlibs_77k.csv")
    terms = fairness.identity_terms(rows)
    assert terms[0] == "middle eastern"
    assert set(terms) == {"gay", "muslim", "black", "middle eastern"}


def test_madlibs_false_positives_per_term(tiny_datasets: Path) -> None:
    thresholds = {"abuse_hold": 0.5, "abuse_reject": 0.9}
    result = fairness.madlibs(_keyword_model, tiny_datasets, thresholds)
    assert result["overall"]["fpr_at_hold"] == 0.0
    assert result["per_term"]["gay"]["n_non_toxic"] == 3
    assert result["per_term"]["gay"]["roc_auc"] == 1.0


def test_identity_auc_and_gap(tiny_datasets: Path) -> None:
    result = fairness.identity_auc(_keyword_model, tiny_datasets)
    assert result["gap"] == 0.0
    assert result["nonfuzzed_roc_auc"] > 0.5
