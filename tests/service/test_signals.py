"""Link counting: anchors and plain URLs, each link once."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.signals import _count_links, count_links


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("No links at all, just an opinion.", 0),
        ("See https://example.com for details", 1),
        ("www.cheap-pills.example and http://spam.example/x", 2),
        ('<a href="https://a.example">click</a>', 1),
        ('<a href="https://a.example/">https://a.example/</a>', 1),
        ("<A HREF='http://a.example'>a</A> <a class=x href=http://b.example>b</a>", 2),
        ('<a href="http://a.example">a</a> and http://c.example.', 2),
        ("email me at someone@example.com", 0),
        ("WWW.SHOUTED.EXAMPLE is a link too", 1),
        ("<a\thref=x.example>tabbed</a>", 1),
    ],
)
def test_count_links(text: str, links: int) -> None:
    assert count_links(text) == links


# Pieces of links and tags, so that the random texts often hold one and often nearly do.
_PIECES = st.sampled_from(
    [
        "<a href=",
        "<A HREF='",
        "http",
        "https",
        "://",
        "www.",
        "WwW.",
        "<",
        ">",
        "</a>",
        '"',
        "'",
        "/",
        ".",
        "x.example",
        " ",
        "\n",
        "é",
    ]
)


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_the_quick_look_never_misses_a_link(text: str) -> None:
    assert count_links(text) == _count_links(text)
