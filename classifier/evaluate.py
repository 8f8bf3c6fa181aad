"""Evaluation of a model on the held-back test rows of every source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classifier.datasets import SOURCES, Corpus
from classifier.labels import Task
from classifier.metrics import at_hold, summary
from classifier.signals import CommentInput
from classifier.train import as_input

ScoreFn = Callable[[Sequence[CommentInput]], NDArray[np.float64]]  # (n, 2): spam, abuse
HEAD = {Task.SPAM: 0, Task.ABUSE: 1}


def batched(score: ScoreFn, items: Sequence[CommentInput], size: int = 2048) -> NDArray[np.float64]:
    """Score in batches to bound memory."""
    parts = [score(items[i : i + size]) for i in range(0, len(items), size)]
    return np.vstack(parts) if parts else np.zeros((0, 2))


def test_scores(
    score: ScoreFn, corpus: Corpus
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]]:
    """Per source: (labels, that task's probabilities) on its held-back test rows."""
    out = {}
    for task, names in SOURCES.items():
        for name in names:
            rows = corpus.test_rows(name)
            probs = batched(score, [as_input(r) for r in rows])[:, HEAD[task]]
            out[name] = (np.array([r.label for r in rows], dtype=np.int64), probs)
    return out


def test_metrics(
    score: ScoreFn, corpus: Corpus, thresholds: dict[str, float]
) -> dict[str, dict[str, Any]]:
    """ROC-AUC, AP, F1 at the outright-decision threshold and P@90 % recall per source, F1,
    recall and the benign rows held at the hold threshold, with the mean ROC-AUC per task."""
    table: dict[str, dict[str, Any]] = {}
    scores = test_scores(score, corpus)
    for task, names in SOURCES.items():
        cut = thresholds["spam" if task is Task.SPAM else "abuse_reject"]
        hold = thresholds["spam_hold" if task is Task.SPAM else "abuse_hold"]
        for name in names:
            y, p = scores[name]
            row = summary(y, p, cut)
            row["f1_at_hold"] = summary(y, p, hold)["f1"]
            row.update(at_hold(y, p, hold))
            table[name] = {"task": task.value, **row}
        aucs = [table[n]["roc_auc"] for n in names]
        table[f"mean ({task.value})"] = {"task": task.value, "roc_auc": float(np.mean(aucs))}
    return table
