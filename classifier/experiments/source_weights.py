"""Would the abuse head carry further if its sources weighed differently in training?

    python -m classifier.experiments.source_weights [base dav0.5 dav0.25 wiki2 ...]

Davidson's tweets are three quarters offensive, so a word common on Twitter ("damn", "worst")
reads as abuse there far more often than in Wikipedia's talk pages, the nearest source here to a
news site's comments. Each variant weights every training row of the abuse head by its source
(then scales the weights to a mean of 1, so that the regularisation keeps its strength) and is
scored as the leave-one-source-out table scores the head: trained without OLID scored on OLID,
without Wikipedia on Wikipedia. (Without Davidson the Davidson weight has nothing to weigh.)
Training rows only; the test rows are never read. classifier/README.md has the table and what
was decided.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from unittest import mock

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

import classifier.train as train_module
from classifier.datasets import ABUSE_SOURCES, Corpus, default_datasets_dir
from classifier.labels import Row, Task
from classifier.train import Settings, as_input, fit_members, head_labels, head_rows, new_featuriser

DAVIDSON, OLID, WIKI = ABUSE_SOURCES
HELD_OUT = (OLID, WIKI)
VARIANTS: dict[str, dict[str, float]] = {
    "base": {},
    "dav0.5": {DAVIDSON: 0.5},
    "dav0.25": {DAVIDSON: 0.25},
    "wiki2": {WIKI: 2.0},
    "olid2": {OLID: 2.0},
}


def row_weights(rows: Sequence[Row], weights: Mapping[str, float]) -> NDArray[np.float64]:
    """Each row's weight by its source (1 unless named), scaled to a mean of 1."""
    w = np.array([weights.get(r.dataset, 1.0) for r in rows], dtype=np.float64)
    return np.asarray(w * (len(w) / w.sum()), dtype=np.float64)


@contextlib.contextmanager
def weighted_fits(weights: NDArray[np.float64]) -> Iterator[None]:
    """Every logistic regression that training fits on exactly these rows gets these weights."""

    class Weighted(LogisticRegression):  # type: ignore[misc]
        def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Weighted:  # noqa: N803
            if sample_weight is None and X.shape[0] == len(weights):
                sample_weight = weights
            super().fit(X, y, sample_weight=sample_weight)
            return self

    with mock.patch.object(train_module, "LogisticRegression", Weighted):
        yield


def held_out(
    corpus: Corpus, held_name: str, variant: str, settings: Settings | None = None
) -> float:
    """ROC-AUC on ``held_name``'s training rows of an abuse head trained, weighted as
    ``variant`` says, on the other abuse sources (the leave-one-source-out row)."""
    settings = settings or Settings()
    held = corpus.train_rows([held_name])
    train_rows = [r for r in corpus.train if r.dataset != held_name]
    sources = [s for s in ABUSE_SOURCES if s != held_name]
    featuriser = new_featuriser(settings)
    featuriser.fit([as_input(r) for r in train_rows])
    chosen = head_rows(train_rows, Task.ABUSE, sources, settings)
    x = featuriser.transform([as_input(r) for r in chosen])
    with weighted_fits(row_weights(chosen, VARIANTS[variant])):
        head = fit_members(x, head_labels(chosen, Task.ABUSE), settings, Task.ABUSE)
    y = np.array([r.label for r in held])
    return float(roc_auc_score(y, head.decision(featuriser.transform([as_input(r) for r in held]))))


def main(argv: Sequence[str]) -> int:
    corpus = Corpus(default_datasets_dir())
    for variant in argv or list(VARIANTS):
        if variant not in VARIANTS:
            print(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}", file=sys.stderr)
            return 2
        started = time.monotonic()
        figures = [f"{name} {held_out(corpus, name, variant):.4f}" for name in HELD_OUT]
        took = time.monotonic() - started
        print(f"{variant}: {', '.join(figures)} ({took:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
