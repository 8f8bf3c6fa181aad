"""Link counting: anchors and plain URLs, each link once."""

import pytest

from service.signals import count_links


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
    ],
)
def test_count_links(text: str, links: int) -> None:
    assert count_links(text) == links
