"""How many hashed columns should the n-grams have?

    python -m classifier.experiments.hash_bits [CHAR,WORD[,SPAM_CHAR_FOLD,SPAM_WORD_FOLD] ...]

e.g. ``20,18,2,1`` (as shipped until the spam head got word columns of its own) or
``20,20,2,3``; both heads read one word block here. The training rows hold about 437,000 distinct
word n-grams and 411,000 character n-grams; at 2^18 word columns four in five n-grams of an
unseen text fall on a column that some training n-gram gave a weight. Each variant is scored as
the leave-one-source-out table scores the heads (each source held out, the head trained on the
others of its task). Training rows only; the test rows are never read. classifier/README.md has
the table and what was decided.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import roc_auc_score

from classifier.datasets import SOURCES, Corpus, default_datasets_dir
from classifier.loso import ours_held_out
from classifier.train import Settings


def settings_for(spec: str) -> Settings:
    """``CHAR,WORD`` column bits, optionally with the spam head's fold ``,C,W`` (by default
    the one that keeps its shipped 2^18 and 2^17 columns)."""
    try:
        values = [int(v) for v in spec.split(",")]
    except ValueError:
        values = []
    if len(values) == 2:
        values += [values[0] - 18, values[1] - 17]
    if len(values) != 4 or min(values[2:]) < 0:
        raise ValueError(f"not CHAR,WORD[,C,W]: {spec!r}")
    char_bits, word_bits, fold_c, fold_w = values
    # One word block for both heads, the spam head's folded from it, as when the table was
    # measured (the shipped model gives the spam head words of its own: Settings.own_words).
    return Settings(
        char_bits=char_bits,
        word_bits=word_bits,
        own_words={},
        fold={"spam": (fold_c, fold_w)},
    )


def table(corpus: Corpus, settings: Settings) -> dict[str, float]:
    """ROC-AUC of every leave-one-source-out row under ``settings``."""
    figures = {}
    for task, names in SOURCES.items():
        for held_name in names:
            held = corpus.train_rows([held_name])
            train_rows = [r for r in corpus.train if r.dataset != held_name]
            sources = [s for s in names if s != held_name]
            y = np.array([r.label for r in held])
            scores = ours_held_out(train_rows, held, task, sources, settings)
            figures[held_name] = float(roc_auc_score(y, scores))
    return figures


def main(argv: Sequence[str]) -> int:
    corpus = Corpus(default_datasets_dir())
    for spec in argv or ["20,18,2,1", "20,20,2,3"]:
        try:
            settings = settings_for(spec)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        started = time.monotonic()
        figures = table(corpus, settings)
        took = time.monotonic() - started
        row = ", ".join(f"{name} {value:.4f}" for name, value in figures.items())
        print(f"{spec}: {row} ({took:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
