"""The abusive-word list: read from its package as normalise writes words, found in text."""

import importlib.metadata
import re

import pytest

from classifier import lexicon
from classifier.lexicon import (
    EXTRA_PHRASES,
    EXTRA_WORDS,
    LexiconError,
    digest,
    found,
    load_words,
)
from classifier.text import IDENTITY_WORDS, normalise


def test_the_list_holds_the_package_words_and_the_insults_it_lacks() -> None:
    words = load_words()
    assert 500 < len(words) < 2000
    assert {"bitch", "asshole", "shit"} <= words  # "sh!t" and "sh1t" read as "shit"
    assert set(EXTRA_WORDS) <= words
    assert set(EXTRA_PHRASES) <= words
    assert all(re.fullmatch(r"[a-z]{3,}|[a-z]+(?: [a-z]+)+", w) for w in words)


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


def test_phrases_are_kept_only_as_normalise_writes_them() -> None:
    got = lexicon._phrases_of(["hope you die", "Hope You Die", "gay people out", "room 101 now"])
    assert got == {"hope you die"}  # capitals, an identity word, a number: not as written


def test_found_counts_a_phrase_as_one_word_after_the_words() -> None:
    words = frozenset({"idiot", "waste of oxygen", "should be shot"})  # not the shipped list
    text = normalise("You idiots should be shot, you waste of oxygen. Idiot!")
    assert found(text, words) == (("idiots", "idiot", "should be shot", "waste of oxygen"), 10)
    # whole words only, and the words of a phrase alone are nothing
    assert found(normalise("The shoulder be shot? A waste of oxygenated water."), words)[0] == ()
    assert found(normalise("What a waste. Oxygen is short."), words)[0] == ()


def test_phrases_with_a_harmless_sense_in_news_are_left_out() -> None:
    words = load_words()
    texts = [
        "The patient was declared brain dead on Friday.",
        "Low life expectancy in the north is a scandal.",
        "The new car park is a waste of space.",
        "I will find you a copy of the report.",
        "Don't kill yourself over the overtime.",
        "The dog could choke on it, so keep the bones away.",
        "The council should be shot of this contract by May.",
    ]
    for text in texts:
        assert found(normalise(text), words)[0] == (), text
