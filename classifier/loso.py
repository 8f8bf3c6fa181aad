"""Leave-one-source-out: train without a source, score that source; ours against the reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import FeatureUnion, Pipeline

from classifier.datasets import SOURCES, Corpus
from classifier.labels import Row, Task
from classifier.train import (
    Progress,
    Settings,
    as_input,
    fit_members,
    head_labels,
    head_rows,
    new_featuriser,
)


def reference_pipeline() -> Pipeline:
    """The plain baseline: TF-IDF of word 1-2 grams and char_wb 2-5 grams, logistic regression."""
    union = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2))),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
        ]
    )
    return Pipeline([("tfidf", union), ("lr", LogisticRegression(max_iter=1000))])


def ours_held_out(
    train_rows: Sequence[Row],
    held: Sequence[Row],
    task: Task,
    sources: Sequence[str],
    settings: Settings,
) -> NDArray[np.float64]:
    """Logits of our model, trained as ``train`` trains it but without the held-out source."""
    featuriser = new_featuriser(settings)
    featuriser.fit([as_input(r) for r in train_rows])
    chosen = head_rows(train_rows, task, sources, settings)
    x = featuriser.transform([as_input(r) for r in chosen])
    head = fit_members(x, head_labels(chosen, task), settings, task)
    return head.decision(featuriser.transform([as_input(r) for r in held]))


def reference_held_out(
    train_rows: Sequence[Row], held: Sequence[Row], task: Task, sources: Sequence[str]
) -> NDArray[np.float64]:
    """Scores of the reference trained on the task's other sources only."""
    own = [r for r in train_rows if r.dataset in sources]
    model = reference_pipeline().fit([r.text for r in own], [r.label for r in own])
    return np.asarray(model.decision_function([r.text for r in held]), dtype=np.float64)


def held_out_sets(corpus: Corpus, without: Sequence[str] = ()) -> list[tuple[Task, str, list[str]]]:
    """(task, held-out source, training sources) for every row of the table; datasets left
    out of training (``Settings.without``) are trained on by none, and a source is held out
    only where the head keeps another to train on."""
    table = []
    for task, names in SOURCES.items():
        for held in names:
            sources = [s for s in names if s != held and s not in without]
            if sources:
                table.append((task, held, sources))
    return table


def run(
    corpus: Corpus, settings: Settings, say: Progress, with_reference: bool = True
) -> dict[str, dict[str, Any]]:
    """The leave-one-source-out table: ROC-AUC and AP of ours and of the reference per source.
    Only training rows are used; the held-out source's test rows stay unseen."""
    table: dict[str, dict[str, Any]] = {}
    for task, held_name, sources in held_out_sets(corpus, settings.without):
        held = corpus.train_rows([held_name])
        train_rows = [r for r in settings.kept(corpus.train) if r.dataset != held_name]
        y = np.array([r.label for r in held])
        say(f"leave-one-source-out: {task.value} without {held_name} ({len(held)} rows)")
        ours = ours_held_out(train_rows, held, task, sources, settings)
        row: dict[str, Any] = {
            "task": task.value,
            "trained_on": "+".join(sources),
            "n": len(y),
            "positives": int(y.sum()),
            "roc_auc": float(roc_auc_score(y, ours)),
            "average_precision": float(average_precision_score(y, ours)),
        }
        if with_reference:
            ref = reference_held_out(train_rows, held, task, sources)
            row["reference_roc_auc"] = float(roc_auc_score(y, ref))
            row["reference_average_precision"] = float(average_precision_score(y, ref))
            row["better"] = row["roc_auc"] > row["reference_roc_auc"]
        table[f"{held_name} (held out)"] = row
    return table
