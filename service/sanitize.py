"""The HTML a site may publish for a comment: WordPress's allowed comment tags, and no more."""

from __future__ import annotations

import re

import nh3

# WordPress's $allowedtags, the markup any commenter may use.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "acronym",
    "b",
    "blockquote",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "q",
    "s",
    "strike",
    "strong",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "acronym": {"title"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "q": {"cite"},
}
_PARAGRAPHS = re.compile(r"\n\s*\n")
# Text without these characters comes out of the sanitiser unchanged: skip the parse.
_MARKUP = re.compile("[<>&\xa0\r\x00]")


def content_html(text: str) -> str:
    """The comment as safe HTML: disallowed markup removed, links marked nofollow ugc, blank
    lines made paragraphs and single line breaks <br>, as WordPress shows comments."""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(clean(text)) if p.strip()]
    return "".join(f"<p>{p.replace(chr(10), '<br />' + chr(10))}</p>" for p in paragraphs)


def clean(text: str) -> str:
    """The text with only WordPress's allowed comment markup left (Ammonia, through nh3)."""
    if not _MARKUP.search(text):
        return text
    return sanitise(text)


def sanitise(text: str) -> str:
    """Always through the sanitiser (``clean`` skips it when it would change nothing)."""
    return nh3.clean(
        text.replace("\r\n", "\n"),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc",
        strip_comments=True,
    )
