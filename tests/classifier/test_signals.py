"""Form signals: links, author, website, e-mail shape, capitals, length."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifier import spamphrases
from classifier.pipeline import Featuriser
from classifier.signals import (
    SIGNAL_NAMES,
    CommentInput,
    Findings,
    describe,
    phrase_hits,
    signals,
)
from classifier.spamphrases import SPAM_PHRASES
from classifier.text import normalise


def _row(item: CommentInput) -> dict[str, float]:
    values = signals([item], [normalise(item.comment)])[0]
    return dict(zip(SIGNAL_NAMES, values.tolist(), strict=True))


def test_signals_of_a_spammy_form() -> None:
    item = CommentInput(
        "BUY NOW http://a.com http://b.com!!!",
        author="cheap-pills.com",
        email="x12345@mail.ru",
        url="http://a.com",
    )
    row = _row(item)
    assert row["links"] > 0
    assert row["link in author name"] == 1.0
    assert row["website field filled"] == 1.0
    assert row["e-mail with a long number"] == 1.0
    assert row["capital letters"] > 0.2
    assert row["exclamation marks"] > 0


def test_signals_of_a_plain_form() -> None:
    row = _row(CommentInput("I disagree with the council's plan.", author="Ann", email="a@b.org"))
    assert row["links"] == 0
    assert row["link in author name"] == row["website field filled"] == 0
    assert row["e-mail with a long number"] == 0
    assert 0 < row["length"] <= 1


def test_abusive_words_are_counted_with_the_list_and_zero_without() -> None:
    words = frozenset({"idiot", "moron"})
    item = CommentInput("You idiot, you absolute moron.")
    row = dict(zip(SIGNAL_NAMES, signals([item], [normalise(item.comment)], words)[0], strict=True))
    assert 0 < row["abusive words"] <= 1
    assert row["share of abusive words"] == pytest.approx(2 / 5)
    plain = dict(zip(SIGNAL_NAMES, signals([item], [normalise(item.comment)])[0], strict=True))
    assert plain["abusive words"] == plain["share of abusive words"] == 0
    assert describe("abusive words", 0.5, item, normalise(item.comment), words) == (
        "signal: 2 abusive words (idiot, moron)"
    )
    assert describe("share of abusive words", 0.4, item, normalise(item.comment), words) == (
        "signal: abusive words 2 of 5 (idiot, moron)"
    )


def test_no_abusive_words_is_said_so_once_per_signal() -> None:
    # The two signals name themselves differently, so an explanation never lists one line twice.
    item = CommentInput("Thanks for the report.")
    words = frozenset({"idiot"})
    count = describe("abusive words", 0.0, item, normalise(item.comment), words)
    share = describe("share of abusive words", 0.0, item, normalise(item.comment), words)
    assert count == "signal: no abusive words"
    assert share == "signal: abusive words 0 of 4"


def test_the_website_field_and_a_link_in_the_name_count_as_links() -> None:
    # The page links the author's name to the website field, so a filled field is a link the
    # comment publishes: it shares the weight the links signal learnt from links in the text.
    bare = CommentInput("Great post, thanks.", author="Ann")
    website = CommentInput("Great post, thanks.", author="Ann", url="http://a.example")
    both = CommentInput("See http://b.com", author="cheap-pills.com", url="http://a.example")
    assert _row(bare)["links"] == 0
    assert _row(website)["links"] == _row(CommentInput("See http://b.com"))["links"] > 0
    assert _row(both)["links"] > _row(website)["links"]
    assert describe("links", 0.0, bare, "") == "signal: 0 links"
    assert describe("links", 0.0, CommentInput("See http://b.com"), "") == "signal: 1 link"
    assert describe("links", 0.0, both, "") == (
        "signal: 3 links (1 in text, 1 in author name, website field)"
    )


def test_spam_phrases_are_counted_with_the_list_and_zero_without() -> None:
    item = CommentInput("Great post! Thanks for sharing. Visit my site for cheap SEO.")
    text = normalise(item.comment)
    row = dict(
        zip(SIGNAL_NAMES, signals([item], [text], frozenset(), SPAM_PHRASES)[0], strict=True)
    )
    assert row["spam phrases"] == pytest.approx(np.log1p(3) / 2)
    assert _row(item)["spam phrases"] == 0  # no list, no signal
    assert describe("spam phrases", 0.7, item, text, frozenset(), SPAM_PHRASES) == (
        'signal: 3 spam phrases ("great post", "thanks for sharing", "visit my")'
    )
    plain = CommentInput("The council's plan will cost money and the deal is not free.")
    assert describe(
        "spam phrases", 0.0, plain, normalise(plain.comment), frozenset(), SPAM_PHRASES
    ) == ("signal: no spam phrases")


def test_spam_phrases_are_looked_for_in_the_author_name_and_website_when_asked() -> None:
    # Blog spam signs with the goods it sells and links to them: "Nice article" says nothing.
    item = CommentInput(
        "Nice article, thanks.",
        author="Cheap NFL Jerseys",
        url="http://www.example.com/Cheap-Jerseys_from-China/",
    )
    text = normalise(item.comment)
    assert phrase_hits(item, text, SPAM_PHRASES) == (
        ["nice article"],
        ["nfl jerseys"],
        ["cheap jerseys"],  # "jerseys from china" overlaps it and starts later
    )
    with_fields = signals([item], [text], frozenset(), SPAM_PHRASES, fields=True)[0]
    without = signals([item], [text], frozenset(), SPAM_PHRASES, fields=False)[0]
    at = SIGNAL_NAMES.index("spam phrases")
    assert with_fields[at] == pytest.approx(np.log1p(3) / 2)
    assert without[at] == pytest.approx(np.log1p(1) / 2)  # the comment alone, as models before
    assert describe("spam phrases", 0.7, item, text, frozenset(), SPAM_PHRASES, True) == (
        'signal: 3 spam phrases ("nice article"; author name: "nfl jerseys"; '
        'website: "cheap jerseys")'
    )
    # A reader's name and site add nothing.
    reader = CommentInput("I agree.", author="Dave Smith", url="https://davesmith.example.net/")
    assert phrase_hits(reader, normalise(reader.comment), SPAM_PHRASES) == ([], [], [])
    assert phrase_hits(item, text, SPAM_PHRASES, fields=False) == (["nice article"], [], [])
    # The fields are normalised as the model's comments are: with or without unmasking.
    masked = CommentInput("x", author="Bulls**t Detector", url="https://example.com/bulls**t")
    assert phrase_hits(masked, "x", ("bullshit",)) == ([], ["bullshit"], [])
    assert phrase_hits(masked, "x", ("bullshit",), unmask=False) == ([], [], [])


def test_a_featuriser_stored_before_the_switches_reads_as_it_was_trained() -> None:
    stored = Featuriser(spam_phrases=SPAM_PHRASES, phrases_in_fields=True, unmask=True).to_data()
    back = Featuriser.from_data(stored)
    assert back.phrases_in_fields
    assert back.unmask
    del stored["phrases_in_fields"], stored["unmask"]  # as artifacts made before them have it
    back = Featuriser.from_data(stored)
    assert not back.phrases_in_fields  # the comment alone
    assert not back.unmask  # the masks left in the text
    item = CommentInput("What a b*tch")
    assert back.fit([item]).rows([item]).texts == ["what a b*tch"]
    assert Featuriser(unmask=True).fit([item]).rows([item]).texts == ["what a bitch"]


def test_spam_phrases_match_whole_words_and_the_longest_phrase() -> None:
    assert spamphrases.found("earn money online today", SPAM_PHRASES) == ["earn money online"]
    assert spamphrases.found("the myblog of clickhere", SPAM_PHRASES) == []
    # Words with a plain sense in news comments count only inside spam's own phrases.
    assert spamphrases.found("she won the nobel prize and congratulations", SPAM_PHRASES) == []
    assert spamphrases.found("claim your cash prize", SPAM_PHRASES) == ["claim your", "cash prize"]
    assert spamphrases.found("click here", ()) == []


def test_the_phrase_list_is_written_as_normalise_writes_text() -> None:
    # An entry that normalisation would change (case, an identity word dropped, punctuation)
    # could never match a normalised comment.
    for phrase in SPAM_PHRASES:
        assert normalise(phrase) == phrase, phrase
    assert len(set(SPAM_PHRASES)) == len(SPAM_PHRASES)
    assert len(spamphrases.digest(SPAM_PHRASES)) == 64


def _by_regex(text: str, phrases: tuple[str, ...]) -> list[str]:
    # The plain statement of what ``found`` does: whole words, leftmost, longest first.
    ordered = sorted(phrases, key=len, reverse=True)
    return re.findall(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b", text)


_PIECES = [*SPAM_PHRASES, "earn", "money", "online", "my", "x", "_", "1", "é", " ", ",", "!"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.lists(st.sampled_from(["", " "])))
def test_found_is_what_a_regular_expression_of_the_phrases_finds(
    pieces: list[str], gaps: list[str]
) -> None:
    joined = "".join(p + (gaps[i] if i < len(gaps) else " ") for i, p in enumerate(pieces))
    assert spamphrases.found(joined, SPAM_PHRASES) == _by_regex(joined, SPAM_PHRASES)


def test_exclamation_marks_are_counted_in_words_that_agree() -> None:
    one, three = CommentInput("Great post!"), CommentInput("Wow!!!")
    assert describe("exclamation marks", 0.1, one, normalise(one.comment)) == (
        "signal: 1 exclamation mark"
    )
    assert describe("exclamation marks", 0.3, three, normalise(three.comment)) == (
        "signal: 3 exclamation marks"
    )


def test_every_spam_phrase_is_written_as_normalise_writes_it() -> None:
    # A phrase is looked for in normalised text: one that normalise changes is never found
    # ("my old room mate" reads "my room mate", since age words are dropped).
    assert [p for p in SPAM_PHRASES if normalise(p) != p] == []
    assert len(set(SPAM_PHRASES)) == len(SPAM_PHRASES)


_FORMS = [
    CommentInput(
        "Buy cheap viagra online now!!! http://pills.example.com and www.deals.example.net",
        author="Cheap NFL Jerseys http://seo.example",
        email="bob12345@example.org",
        url="https://example.com/buy-cialis-online",
    ),
    CommentInput("You are a stupid idiot and a moron, shut up", author="Ann"),
    CommentInput("Thanks for the clear report on the council vote.", author="Maria Lopez"),
    CommentInput("", author="", url=" "),
    CommentInput("Earn money online from home, work from home and earn money online today"),
]
_WORDS = frozenset({"idiot", "moron", "stupid", "shut up"})


@pytest.mark.parametrize("words", [_WORDS, frozenset()])
@pytest.mark.parametrize("phrases", [SPAM_PHRASES, ()])
@pytest.mark.parametrize("fields", [True, False])
def test_what_the_signals_found_describes_them_as_looking_again_does(
    words: frozenset[str], phrases: tuple[str, ...], fields: bool
) -> None:
    texts = [normalise(item.comment) for item in _FORMS]
    findings: list[Findings] = []
    kept = signals(_FORMS, texts, words, phrases, fields, True, findings)
    assert np.array_equal(kept, signals(_FORMS, texts, words, phrases, fields, True))
    assert len(findings) == len(_FORMS)
    assert (findings[0].words is None) == (not words)
    assert (findings[0].phrases is None) == (not phrases)
    described = 0
    for item, text, row, seen in zip(_FORMS, texts, kept, findings, strict=True):
        for name, value in zip(SIGNAL_NAMES, row, strict=True):
            again = describe(name, value, item, text, words, phrases, fields, True)
            assert describe(name, value, item, text, words, phrases, fields, True, seen) == again
            described += again != f"signal: {name}"
    assert described > 3 * len(_FORMS)  # the descriptions say what was found, not only a name
