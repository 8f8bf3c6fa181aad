"""content_html: what a site may publish, whether the sanitiser had to parse the text or not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.sanitize import clean, content_html, sanitise


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Plain words.", "<p>Plain words.</p>"),
        ("One\nTwo", "<p>One<br />\nTwo</p>"),
        ("First\n\n\nSecond", "<p>First</p><p>Second</p>"),
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("<b>bold</b> <script>x()</script>", "<p><b>bold</b></p>"),
        (
            '<a href="http://x.org" onclick="y()">x</a>',
            '<p><a href="http://x.org" rel="nofollow ugc">x</a></p>',
        ),
        ('<a href="javascript:alert(1)">x</a>', '<p><a rel="nofollow ugc">x</a></p>'),
    ],
)
def test_content_html(text: str, html: str) -> None:
    assert content_html(text) == html


@given(st.text(max_size=300))
def test_the_shortcut_agrees_with_the_sanitiser(text: str) -> None:
    """Text the sanitiser is not asked to parse is exactly what it would have returned."""
    assert clean(text) == sanitise(text)
