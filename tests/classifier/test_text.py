"""The shared normalisation folds the tricks spammers and abusers use."""

import pytest

from classifier.text import normalise, text_links


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
