"""Every metric of a model in one place: for the model card (``train``) and ``evaluate``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classifier import fairness, loso
from classifier.card import markdown_tables
from classifier.datasets import ABUSE_SOURCES, Corpus
from classifier.evaluate import ScoreFn, test_metrics, test_scores
from classifier.metrics import summary
from classifier.scorer import Scorer
from classifier.signals import CommentInput
from classifier.train import Progress, Settings, as_input, stderr_progress

Curves = dict[str, dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]]]


def profanity_check() -> ScoreFn | None:
    """alt-profanity-check as a score function (abuse column only), if it is installed."""
    try:
        from profanity_check import predict_prob
    except ImportError:
        return None

    def score(items: Sequence[CommentInput]) -> NDArray[np.float64]:
        p = np.asarray(predict_prob([c.comment for c in items]), dtype=np.float64)
        return np.stack([np.zeros_like(p), p], axis=1)

    return score


def compare_abuse(ours: ScoreFn, theirs: ScoreFn, corpus: Corpus, cut: float) -> dict[str, Any]:
    """Ours and alt-profanity-check on each abuse source's test rows, in the same run."""
    table: dict[str, Any] = {}
    for name in ABUSE_SOURCES:
        rows = corpus.test_rows(name)
        y = np.array([r.label for r in rows], dtype=np.int64)
        items = [as_input(r) for r in rows]
        mine = summary(y, ours(items)[:, 1], cut)
        other = summary(y, theirs(items)[:, 1], 0.5)
        table[name] = {
            "roc_auc": mine["roc_auc"],
            "profanity_check_roc_auc": other["roc_auc"],
            "average_precision": mine["average_precision"],
            "profanity_check_average_precision": other["average_precision"],
            "f1": mine["f1"],
            "profanity_check_f1_at_0.5": other["f1"],
            "better": mine["roc_auc"] > other["roc_auc"],
        }
    return table


def collect(
    score: ScoreFn,
    root: Path,
    thresholds: dict[str, float],
    settings: Settings | None,
    say: Progress,
    corpus: Corpus | None = None,
) -> dict[str, Any]:
    """All tables; the leave-one-source-out runs only when ``settings`` is given."""
    corpus = corpus or Corpus(root)
    say("metrics on the held-back test rows")
    metrics: dict[str, Any] = {"test rows": test_metrics(score, corpus, thresholds)}
    if settings is not None:
        metrics["leave-one-source-out vs TF-IDF + LR reference"] = loso.run(corpus, settings, say)
    theirs = profanity_check()
    if theirs is not None:
        say("alt-profanity-check on the abuse test rows")
        metrics["abuse vs alt-profanity-check (test rows)"] = compare_abuse(
            score, theirs, corpus, thresholds["abuse_reject"]
        )
    bias_dir = root / fairness.BIAS
    if bias_dir.is_dir():
        say("fairness checks")

        def abuse(items: Sequence[CommentInput]) -> NDArray[np.float64]:
            return score(items)[:, 1]

        metrics["fairness: identity comments"] = fairness.identity_auc(abuse, root)
        madlibs = fairness.madlibs(abuse, root, thresholds)
        metrics["fairness: madlibs overall"] = {
            **madlibs["overall"],
            "worst_term_fpr_at_hold": madlibs["worst_term_fpr_at_hold"],
        }
        metrics["fairness: madlibs per identity term"] = madlibs["per_term"]
        metrics["jigsaw sample"] = fairness.jigsaw_sample(abuse, root)
    return metrics


def run_evaluation(scorer: Scorer, root: Path, out: Path, quick: bool) -> None:
    """Measure ``scorer``: tables to stdout and ``out`` (JSON, Markdown), ROC and PR plots."""
    say = stderr_progress()
    corpus = Corpus(root)
    settings = None if quick else Settings.from_data(scorer.card.get("settings", {}))
    metrics = collect(scorer.probabilities, root, dict(scorer.thresholds), settings, say, corpus)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    text = f"# Evaluation of model {scorer.version}\n\n" + markdown_tables(metrics)
    (out / "metrics.md").write_text(text, encoding="utf-8")
    curves: Curves = {"replyguard": test_scores(scorer.probabilities, corpus)}
    theirs = profanity_check()
    if theirs is not None:
        curves["alt-profanity-check"] = {
            name: pair
            for name, pair in test_scores(theirs, corpus).items()
            if name in ABUSE_SOURCES
        }
    from classifier.plots import write_curves

    for path in write_curves(curves, out):
        say(f"wrote {path}")
    print(text)
