"""How far can the abuse head go on Davidson's own tweets, and what holds it back?

    python -m classifier.experiments.davidson_in_source [base identity c2x ...]

Davidson is the one abuse set where alt-profanity-check ranks the test rows better than the
abuse head (see the model card). This scores Davidson's training rows in four stratified folds:
each fold by an abuse head trained as ``train`` trains it on every other abuse training row, for
each variant of the settings; beside it, alt-profanity-check on the same rows, and both on the
rows without an identity word. Training rows only; the test rows are never read.
classifier/README.md has the table and what was decided.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from unittest import mock

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

import classifier.text as text_module
import classifier.train as train_module
from classifier.datasets import ABUSE_SOURCES, Corpus, default_datasets_dir
from classifier.labels import Row, Task
from classifier.lexicon import load_words
from classifier.loso import ours_held_out
from classifier.train import Settings

DAVIDSON = "davidson-hate-offensive"
FOLDS = 4
_WORD = re.compile(r"[a-z]+")
IDENTITY_PLACEHOLDER = "xidentity"
# Slurs for ethnic groups and disabled or transgender people that the list lacks, seen among
# the abusive Davidson training rows the head ranked lowest ("raghead", "towel heads", "honkies").
SLURS = frozenset((
    "raghead", "ragheads", "towelhead", "towelheads", "honkies", "beaner", "beaners",
    "halfbreed", "halfbreeds", "mongoloid", "mongoloids", "tranny", "trannies", "teabagger",
    "teabaggers", "sandnigger", "chinaman", "zipperhead", "gringo", "gringos", "wigga", "nicca",
    "niccas", "cholo",
))  # fmt: skip


def _members(settings: Settings, abuse: tuple[tuple[str, float], ...]) -> Settings:
    return dataclasses.replace(settings, members={**settings.members, "abuse": abuse})


# What each variant changes in how the abuse head is trained; "identity" and "davidson2x" are
# handled in ``run`` (the identity words are a property of normalisation, not of the settings).
VARIANTS: dict[str, Callable[[Settings], Settings]] = {
    "base": lambda s: s,
    "identity": lambda s: s,  # identity words kept in the text
    "c2x": lambda s: _members(s, (("plain", 8.0), ("nb", 4.0))),  # half the regularisation
    "balanced": lambda s: dataclasses.replace(s, balanced=("abuse",)),
    "three": lambda s: _members(s, (("plain", 4.0), ("nb", 2.0), ("nb", 8.0))),
    "davidson2x": lambda s: s,  # Davidson's rows counted twice
    "placeholder": lambda s: s,  # every identity word replaced by one placeholder word
    "slurs": lambda s: s,  # SLURS added to the abusive-word list
}


def _identity_placeholder(text: str) -> str:
    words = text_module.IDENTITY_WORDS
    if words.isdisjoint(_WORD.findall(text)):
        return text
    return _WORD.sub(lambda m: IDENTITY_PLACEHOLDER if m.group(0) in words else m.group(0), text)


@contextlib.contextmanager
def identity_words_kept(keep: bool) -> Iterator[None]:
    """Normalisation without dropping identity words, for the duration."""
    dropped = text_module.IDENTITY_WORDS
    if keep:
        text_module.IDENTITY_WORDS = frozenset()
    try:
        yield
    finally:
        text_module.IDENTITY_WORDS = dropped


@contextlib.contextmanager
def variant_patches(variant: str) -> Iterator[None]:
    """What a variant changes outside the settings, for the duration: normalisation or the
    abusive-word list."""
    # The list as normalisation writes it now: read under the placeholder, its identity
    # entries would come out as the placeholder word, and count as abusive.
    words = load_words() | (SLURS if variant == "slurs" else frozenset())
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(train_module, "load_words", return_value=words))
        stack.enter_context(identity_words_kept(variant == "identity"))
        if variant == "placeholder":
            stack.enter_context(
                mock.patch.object(text_module, "_drop_identity", _identity_placeholder)
            )
        yield


def has_identity_word(rows: Sequence[Row]) -> NDArray[np.bool_]:
    """Whether each row's text names an identity (the words normalisation drops)."""
    words = text_module.IDENTITY_WORDS
    return np.fromiter(
        (not words.isdisjoint(_WORD.findall(r.text.lower())) for r in rows), bool, len(rows)
    )


def _auc(y: NDArray[np.int64], scores: NDArray[np.float64]) -> float:
    return float(roc_auc_score(y, scores)) if 0 < y.sum() < len(y) else float("nan")


def out_of_fold(
    corpus: Corpus, variant: str, folds: int = FOLDS, base: Settings | None = None
) -> NDArray[np.float64]:
    """Each Davidson training row's abuse logit from a head trained without its fold."""
    settings = VARIANTS[variant](base or Settings())
    rows = corpus.train_rows([DAVIDSON])
    y = np.array([r.label for r in rows], dtype=np.int64)
    logits = np.zeros(len(rows))
    split = StratifiedKFold(folds, shuffle=True, random_state=settings.seed)
    with variant_patches(variant):
        for _, held_idx in split.split(np.zeros(len(y)), y):
            held_ids = {id(rows[i]) for i in held_idx}
            train_rows = [r for r in corpus.train if id(r) not in held_ids]
            if variant == "davidson2x":
                train_rows += [r for r in train_rows if r.dataset == DAVIDSON]
            held = [rows[i] for i in held_idx]
            logits[held_idx] = ours_held_out(train_rows, held, Task.ABUSE, ABUSE_SOURCES, settings)
    return logits


def figures(y: NDArray[np.int64], scores: NDArray[np.float64], named: NDArray[np.bool_]) -> str:
    """ROC-AUC on all rows and on the rows without an identity word."""
    return f"{_auc(y, scores):.4f} (without identity words {_auc(y[~named], scores[~named]):.4f})"


def main(argv: Sequence[str]) -> int:
    corpus = Corpus(default_datasets_dir())
    rows = corpus.train_rows([DAVIDSON])
    y = np.array([r.label for r in rows], dtype=np.int64)
    named = has_identity_word(rows)
    print(f"{len(rows)} Davidson training rows, {int(named.sum())} with an identity word")
    try:
        from profanity_check import predict_prob
    except ImportError:
        print("alt-profanity-check: not installed (pip install 'replyguard[train]')")
    else:
        # Trained on all of Davidson's tweets: these rows were in its training data.
        scores = np.asarray(predict_prob([r.text for r in rows]), dtype=np.float64)
        print(f"alt-profanity-check: {figures(y, scores, named)}", flush=True)
    for variant in argv or list(VARIANTS):
        if variant not in VARIANTS:
            print(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}", file=sys.stderr)
            return 2
        started = time.monotonic()
        logits = out_of_fold(corpus, variant)
        took = time.monotonic() - started
        print(f"{variant}: {figures(y, logits, named)} ({took:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
