"""The abusive-word list behind the "abusive words" signals.

Training reads it from better_profanity's word list (PyPI, MIT licence) plus the common insults
that list lacks, written the way ``normalise`` writes text, less the identity words that
normalisation drops anyway. The trained artifact carries the words it was trained with, so
scoring never reads the package: the list cannot drift from the model.

One shared weight for "this comment has abusive words" carries to words that are rare in the
training data, and to sources that use other ones: it raised every leave-one-source-out row of
the abuse head (see the model card), where the n-gram weights alone know only the words seen.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from collections.abc import Iterable
from pathlib import Path

from classifier.text import IDENTITY_WORDS, normalise

SOURCE_PACKAGE = "better-profanity"
SOURCE_FILE = "better_profanity/profanity_wordlist.txt"

# Insults and slurs common in comments that the profanity list does not have.
# fmt: off
EXTRA_WORDS = (
    "idiot", "idiotic", "moron", "moronic", "stupid", "stupidity", "dumb", "dumbest", "imbecile",
    "cretin", "loser", "scum", "scumbag", "pathetic", "worthless", "retard", "retarded", "hoe",
    "thot", "skank", "trashy", "disgusting", "clown", "freak", "creep", "hypocrite", "coward",
    "liar", "ignorant", "stfu", "gtfo", "kys",
)
# fmt: on

_TOKEN = re.compile(r"[a-z]+")
_WORD = _TOKEN


class LexiconError(Exception):
    """The word list cannot be read (the training extra is not installed)."""


def _words_of(entries: Iterable[str]) -> frozenset[str]:
    """Single-word entries as ``normalise`` writes them: an entry must come out as one whole
    word of 3 letters or more ("sh!t" is "shit"; "he11" and "she male" are left out, not read
    as "he" and "she"); identity words are left out."""
    words = set()
    for entry in entries:
        if entry.split() != [entry.strip()]:
            continue
        word = normalise(entry)
        if _WORD.fullmatch(word) and len(word) >= 3 and word not in IDENTITY_WORDS:
            words.add(word)
    return frozenset(words)


def source_version() -> str:
    """The installed version of the package the list comes from."""
    try:
        return importlib.metadata.version(SOURCE_PACKAGE)
    except importlib.metadata.PackageNotFoundError as exc:
        raise LexiconError(
            f"training needs the {SOURCE_PACKAGE} package for its word list: "
            "pip install 'replyguard[train]' (or make setup-dev)"
        ) from exc


@functools.cache
def load_words() -> frozenset[str]:
    """The abusive-word list for training: the package's list and ``EXTRA_WORDS``."""
    source_version()
    path = Path(str(importlib.metadata.distribution(SOURCE_PACKAGE).locate_file(SOURCE_FILE)))
    text = path.read_text(encoding="utf-8")
    return _words_of([*text.splitlines(), *EXTRA_WORDS])


def digest(words: Iterable[str]) -> str:
    """SHA-256 of the sorted list, one word per line: names the list in the model card."""
    return hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _forms(words: frozenset[str]) -> frozenset[str]:
    """The words and their plurals in "s" (for words of 3 letters or more)."""
    return words | {w + "s" for w in words if len(w) >= 3}


def found(normalised: str, words: frozenset[str]) -> tuple[list[str], int]:
    """The listed words in a normalised text (a plural "s" is let off), and its word count."""
    tokens = _TOKEN.findall(normalised)
    forms = _forms(words)
    if forms.isdisjoint(tokens):
        return [], len(tokens)
    return [t for t in tokens if t in forms], len(tokens)
