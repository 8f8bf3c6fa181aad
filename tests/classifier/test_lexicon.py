"""The abusive-word list: read from its package as normalise writes words, found in text."""

import importlib.metadata
import re

import pytest

from classifier import lexicon
from classifier.lexicon import EXTRA_WORDS, LexiconError, digest, found, load_words
from classifier.text import IDENTITY_WORDS, normalise


def test_the_list_holds_the_package_words_and_the_insults_it_lacks() -> None:
    words = load_words()
    assert 500 < len(words) < 2000
    assert {"bitch", "asshole", "shit"} <= words  # "sh!t" and "sh1t" read as "shit"
    assert set(EXTRA_WORDS) <= words
    assert all(re.fullmatch(r"[a-z]{3,}", w) for w in words)


def test_identity_words_topics_and_misread_entries_are_left_out() -> None:
    words = load_words()
    assert not words & IDENTITY_WORDS
    assert not words & lexicon.NOT_ABUSIVE
    # news comments discuss these; they are not abuse by themselves
    assert not words & {"murder", "rape", "hiv", "nazi", "god", "drunk", "sex", "slope"}
    # "he11" and "she male" would read as common words; repeats cut make "xxx" "xx"
    assert not words & {"he", "she", "sh", "xx", "kk", "hit", "the"}


def test_entries_are_read_as_normalise_writes_them() -> None:
    got = lexicon._words_of(["B!tch", "gay", "he11", "two words", "xxx", "Id1ot", "ok"])
    assert got == {"bitch", "idiot"}


def test_found_counts_words_and_lets_a_plural_off() -> None:
    words = frozenset({"idiot", "hoe", "bitch"})
    hits, tokens = found(normalise("You idiots! A h0e and a b!tch, idiot."), words)
    assert hits == ("idiots", "hoe", "bitch", "idiot")
    assert tokens == 8
    assert found(normalise("Thanks for the report"), words) == ((), 4)
    assert found("hoes", frozenset({"hoe"}))[0] == ("hoes",)
    assert found("was", frozenset({"wa"}))[0] == ()  # short words keep their s


def test_digest_names_the_list_whatever_its_order() -> None:
    assert digest(["b", "a"]) == digest(("a", "b"))
    assert digest(["a"]) != digest(["a", "b"])


def test_a_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    with pytest.raises(LexiconError, match=r"replyguard\[train\]"):
        lexicon.source_version()
