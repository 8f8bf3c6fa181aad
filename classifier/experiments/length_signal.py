"""Does the spam head's length signal carry to a long-form comment site?

    python -m classifier.experiments.length_signal [base|nolen|capN ...]

For each variant of the length signal: the spam head trained on one spam source (with Davidson
and OLID as negatives and no Wikipedia rows), scored on the other source (its leave-one-source-
out row) and on that source's spam against the talk-page comments it never saw. Training rows
only; the test rows are never read. classifier/README.md has the table and what was decided.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score

import classifier.pipeline as pipeline
from classifier import signals as signals_module
from classifier.datasets import Corpus, default_datasets_dir
from classifier.labels import Row, Task
from classifier.signals import SIGNAL_NAMES, CommentInput, Findings
from classifier.train import Settings, as_input, fit_members, head_labels, new_featuriser

YOUTUBE, SMS = "youtube-spam-collection", "sms-spam-collection"
TWEETS, TALK = ("davidson-hate-offensive", "olid-train"), "wiki-toxicity-cat"
LENGTH = SIGNAL_NAMES.index("length")
_original = signals_module.signals
SignalsFunction = Callable[
    [Sequence[CommentInput], Sequence[str], frozenset[str], tuple[str, ...]], NDArray[np.float64]
]


def length_variant(name: str) -> SignalsFunction:
    """The signals function with the length column as ``name`` says: base, nolen or capN."""

    def compute(
        items: Sequence[CommentInput],
        normalised: Sequence[str],
        words: frozenset[str] = frozenset(),
        phrases: tuple[str, ...] = (),
        fields: bool = False,
        unmask: bool = True,
        findings: list[Findings] | None = None,
    ) -> NDArray[np.float64]:
        out = _original(items, normalised, words, phrases, fields, unmask, findings)
        if name == "nolen":
            out[:, LENGTH] = 0.0
        elif name.startswith("cap"):
            lengths = np.fromiter((len(i.comment) for i in items), np.float64, len(items))
            out[:, LENGTH] = np.log1p(np.minimum(lengths, float(name[3:]))) / 8.0
        return out

    return compute


def spam_decisions(
    corpus: Corpus, settings: Settings, sources: Sequence[str], rows: list[Row]
) -> NDArray[np.float64]:
    """The logits of a spam head trained on the training rows of ``sources``, for ``rows``."""
    chosen = [r for r in corpus.train if r.dataset in sources]
    featuriser = new_featuriser(settings)
    featuriser.fit([as_input(r) for r in chosen])
    head = fit_members(
        featuriser.transform([as_input(r) for r in chosen]),
        head_labels(chosen, Task.SPAM),
        settings,
        Task.SPAM,
    )
    return head.decision(featuriser.transform([as_input(r) for r in rows]))


def _auc(
    corpus: Corpus, train_sources: Sequence[str], rows: list[Row], y: NDArray[np.int64]
) -> float:
    return float(roc_auc_score(y, spam_decisions(corpus, Settings(), train_sources, rows)))


def run(corpus: Corpus, variant: str) -> dict[str, float]:
    """The four figures of one variant."""
    # The featuriser calls pipeline's own name for the signals function: swap it for the run.
    vars(pipeline)["signals"] = length_variant(variant)
    try:
        out = {}
        talk = [r for r in corpus.train if r.dataset == TALK and r.label == 0]
        for held, other in ((YOUTUBE, SMS), (SMS, YOUTUBE)):
            rows = [r for r in corpus.train if r.dataset == held]
            y = np.array([r.label for r in rows], dtype=np.int64)
            out[f"{held} out of source"] = _auc(corpus, (other, *TWEETS, TALK), rows, y)
            spam = [r for r in rows if r.label == 1]
            y = np.array([1] * len(spam) + [0] * len(talk), dtype=np.int64)
            out[f"{held} spam vs unseen talk pages"] = _auc(
                corpus, (other, *TWEETS), spam + talk, y
            )
        return out
    finally:
        vars(pipeline)["signals"] = _original


def main(argv: Sequence[str]) -> int:
    corpus = Corpus(default_datasets_dir())
    for variant in argv or ["base", "nolen"]:
        started = time.monotonic()
        figures = run(corpus, variant)
        shown = ", ".join(f"{k} {v:.4f}" for k, v in figures.items())
        print(f"{variant}: {shown} ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
