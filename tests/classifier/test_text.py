"""The shared normalisation folds the tricks spammers and abusers use."""

import random
import re

import pytest

from classifier import text as text_module
from classifier.text import _TLDS, MASKED_WORDS, normalise, text_links


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hello   World", "hello world"),
        ("f4ck y0u", "fack you"),
        ("id1ot", "idiot"),
        ("sooooo gooood", "soo good"),
        ("ｆｒｅｅ", "free"),  # full-width letters (NFKC)
        ("fr\u200bee", "free"),  # zero-width space
        ("p\u043ern", "porn"),  # Cyrillic o
        ("caf\u00e9", "cafe"),
        ("Tom &amp; Jerry &lt;3", "tom & jerry <3"),
        ("a<br />b", "a b"),
        ("mail joe.x@gmail.com", "mail xemail"),
        ("@USER you", "xuser you"),
        ("call 08001234567 or 12", "call xnumlong or 12"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_links_stay_and_are_counted() -> None:
    assert normalise("see https://www.YouTube.com/x now") == "see https://www.youtube.com/x now"
    assert normalise('<a href="http://pills.ru/buy">here</a>') == "http://pills.ru/buy here"
    assert text_links("a http://x.org/p b www.y.net c mysite.com d ask.me") == [
        "http://x.org/p",
        "www.y.net",
        "mysite.com",
    ]


def test_byte_order_marks_vanish() -> None:
    assert normalise("great song\ufeff") == normalise("great song")


def test_identity_words_are_dropped() -> None:
    assert normalise("I am a proud Gay man") == "i am a proud man"
    assert normalise("Being Muslim is fine") == normalise("Being Jewish is fine")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Shut the f*** up", "shut the fuck up"),
        ("What a b*tch.", "what a bitch."),
        ("You are an a**hole", "you are an asshole"),
        ("This is bulls**t, pure and simple", "this is bullshit, pure and simple"),
        ("The mayor is a f@#$ing disgrace", "the mayor is a fucking disgrace"),
        ("f***king hell", "fucking hell"),  # three masks for two letters
        ("Go f-ck yourself (f-ck!)", "go fuck yourself (fuck!)"),
        ("s**t happens", "shit happens"),
        ("sh!t and a$$", "shit and ass"),  # leetspeak, as before
    ],
)
def test_masked_swear_words_are_restored(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "a well-known co-op in the x-ray room",  # hyphens where no word fits
        "t-shirt, e-mail, re-do, so-so",
        "a-s-s",  # one hyphen at most
        "*hits the gym* *-*",  # a masked word starts with a letter
        "#maga, c# and f# minor",  # a hashtag; one letter and a mask
        "50% of $5 and snake_case",
    ],
)
def test_what_only_looks_masked_stays(raw: str) -> None:
    assert normalise(raw) == " ".join(raw.lower().split())


def test_masks_stay_when_asked_as_models_before_unmasking_were_trained() -> None:
    assert normalise("What a b*tch", unmask=False) == "what a b*tch"


def test_replacing_a_word_agrees_with_the_regular_expression_it_replaces() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choices("ab- _*.", k=rng.randint(0, 14)))
        word = "".join(rng.choices("ab-_*", k=rng.randint(1, 3)))
        expected = re.sub(rf"(?<![a-z-]){re.escape(word)}(?![a-z-])", "X", text)
        assert text_module._replace_word(text, word, "X") == expected, (text, word)


def test_spelling_a_word_out_of_runs_agrees_with_the_regular_expression() -> None:
    rng = random.Random(6)
    pieces = ["f", "u", "ck", "sh", "t", "b", "tch", "a", "ss", "ing", "mo", "er", "1", "é", ""]
    for _ in range(3_000):
        runs = [rng.choice(pieces) for _ in range(rng.randint(2, 4))]
        pattern = "[a-z]{1,4}".join(map(re.escape, runs))
        for word in MASKED_WORDS:
            assert text_module._spells(runs, word) == bool(re.fullmatch(pattern, word)), runs


def test_a_repeated_hyphened_word_is_restored_in_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    passes: list[str] = []
    replace = text_module._replace_word

    def counted(text: str, word: str, new: str) -> str:
        passes.append(word)
        return replace(text, word, new)

    monkeypatch.setattr(text_module, "_replace_word", counted)
    # 13,000 of them took 17 s when each one made a pass over the whole text.
    assert normalise("sh-t " * 5_000) == " ".join(["shit"] * 5_000)
    assert passes == ["sh-t"]


def test_a_text_restores_at_most_sixteen_distinct_hyphened_words() -> None:
    # Words with one letter hyphened out that restore on their own ("f-ck" -> "fuck").
    alone = []
    for word in MASKED_WORDS:
        for at in range(1, len(word) - 1):
            token = word[:at] + "-" + word[at + 1 :]
            if normalise(token) == word and token not in alone:
                alone.append(token)
                break
    assert len(alone) > 20
    restored = normalise(" ".join(alone[:20])).split()
    assert restored[:16] == [normalise(t) for t in alone[:16]]
    assert all("-" not in word for word in restored[:16])
    assert restored[16:] == alone[16:20]


_TAG_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]+)[^>]*>""", re.IGNORECASE)


def test_link_tags_read_as_the_single_expression_read_them() -> None:
    # The expression _link_tags replaces: the same text, without its time growing with the
    # square of the length where an "<a " had no ">" after it.
    rng = random.Random(8)
    pieces = ["<a ", "<A\t", "<a", "href", "HREF", "=", " = ", "'", '"', ">", "<", "x", " ", "/"]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 14)))
        assert text_module._link_tags(text) == _TAG_HREF.sub(r" \1 ", text), text
    long = "<a " * 20_000 + "href=x.example>" + "<a " * 20_000
    assert text_module._link_tags(long) == " x.example " + "<a " * 20_000


_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>\"']+"
    rf"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLDS}\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


def test_links_are_found_as_the_single_expression_found_them() -> None:
    # The expression text_links replaces, whose time grew with the square of a run of dotted
    # labels; the pieces include what IGNORECASE folds into [a-z] ("ſ" is an "s").
    rng = random.Random(9)
    pieces = ["a", "1", "-", ".", "..", ".com", ".RU", ".site", ".ſite", "www.", "http://"]
    pieces += ["ftp://", "/x", " ", "_", "é", "İ", "K", "'", "<", "x.y", "-."]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 16)))
        assert text_links(text) == _URL.findall(text), text
    dotted = " ".join(["a." * 500] * 60) + " x.com http://y.org"
    assert text_links(dotted) == ["x.com", "http://y.org"]


def test_addresses_are_replaced_as_the_single_expression_replaced_them() -> None:
    # _replace_emails replaces _EMAIL.sub, whose time grew with the square of a run of dotted
    # labels before an "@".
    rng = random.Random(10)
    pieces = ["a", "1", "_", ".", "..", "+", "-", "@", "b.com", ".org", " ", "\u00e9", "x@y.z"]
    pieces += ["'", "-@", "@-", ".@", "@."]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 16)))
        expected = text_module._EMAIL.sub(f" {text_module.EMAIL_TOKEN} ", text)
        assert text_module._replace_emails(text) == expected, text
    dotted = " ".join(["a." * 500] * 60) + " mail me@example.org @"
    assert normalise(dotted).endswith("mail xemail @")


def test_only_short_tokens_are_remembered() -> None:
    # A masked token can be a whole comment; remembering 1,024 of those held 130 MB.
    remembered = text_module._unmasked_remembered
    remembered.cache_clear()
    assert normalise("what a b*tch") == "what a bitch"
    assert remembered.cache_info().currsize == 1
    long = "b*tch" + "qrstuvwxyz" * 6_500
    assert normalise(long) == long  # no word fits: left as it is, and not remembered
    assert remembered.cache_info().currsize == 1
