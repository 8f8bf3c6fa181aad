"""Does a more strongly regularised spam head carry its chat sources less into a comment site?

    python -m classifier.experiments.spam_regularisation [PLAIN,NB ...]   (C of the two members)

For each pair of C values: the spam head trained on one spam source (with Davidson and OLID as
negatives and no Wikipedia rows), scored on the other source (its leave-one-source-out row) and
on that source's spam against the talk-page comments it never saw, as the length experiment
does, with the share of those comments scoring at or above the median of the spam's scores
("flagged"). Training rows only; the test rows are never read. classifier/README.md has the
table and what was decided (about 100 s a variant).
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import roc_auc_score

from classifier.datasets import Corpus, default_datasets_dir
from classifier.experiments.length_signal import SMS, TALK, TWEETS, YOUTUBE, spam_decisions
from classifier.train import Settings


def settings_for(variant: str, base: Settings | None = None) -> Settings:
    """``base`` (the shipped settings) with the spam members' C as ``PLAIN,NB`` says."""
    base = base or Settings()
    try:
        plain, nb = (float(v) for v in variant.split(","))
    except ValueError:
        raise ValueError(f"{variant!r} is not PLAIN,NB (two C values)") from None
    if plain <= 0 or nb <= 0:
        raise ValueError(f"{variant!r}: C must be positive")
    return dataclasses.replace(
        base, members={**base.members, "spam": (("plain", plain), ("nb", nb))}
    )


def run(corpus: Corpus, settings: Settings) -> dict[str, float]:
    """The six figures of one variant."""
    out = {}
    talk = [r for r in corpus.train if r.dataset == TALK and r.label == 0]
    for held, other in ((YOUTUBE, SMS), (SMS, YOUTUBE)):
        rows = [r for r in corpus.train if r.dataset == held]
        y = np.array([r.label for r in rows], dtype=np.int64)
        scores = spam_decisions(corpus, settings, (other, *TWEETS, TALK), rows)
        out[f"{held} out of source"] = float(roc_auc_score(y, scores))
        spam = [r for r in rows if r.label == 1]
        scores = spam_decisions(corpus, settings, (other, *TWEETS), spam + talk)
        y = np.array([1] * len(spam) + [0] * len(talk), dtype=np.int64)
        out[f"{held} spam vs unseen talk pages"] = float(roc_auc_score(y, scores))
        median = float(np.median(scores[: len(spam)]))
        out[f"{held}: talk pages flagged"] = float(np.mean(scores[len(spam) :] >= median))
    return out


def main(argv: Sequence[str]) -> int:
    corpus = Corpus(default_datasets_dir())
    for variant in argv or ["32,16", "2,1"]:
        started = time.monotonic()
        figures = run(corpus, settings_for(variant))
        shown = ", ".join(f"{k} {v:.4f}" for k, v in figures.items())
        print(f"{variant}: {shown} ({time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
