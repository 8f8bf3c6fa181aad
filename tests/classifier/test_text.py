"""The shared normalisation folds the tricks spammers and abusers use."""

import pytest

from classifier.text import normalise


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
        ("Tom &amp; Jerry &lt;3", "tom & jerry < xnum"),
        ("a<br />b", "a b"),
        ("mail joe.x@gmail.com", "mail xemail"),
        ("@USER you", "xuser you"),
        ("call 08001234567 or 12", "call xnumlong or xnum"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_links_become_placeholder_and_site_name() -> None:
    assert normalise("see https://www.youtube.com/watch?v=x now") == "see xurl youtube now"
    assert normalise('<a href="http://pills.ru/buy">here</a>') == "xurl pills here"
    assert normalise("visit mysite.com") == "visit xurl mysite"


def test_byte_order_marks_vanish() -> None:
    assert normalise("great song\ufeff") == normalise("great song")
