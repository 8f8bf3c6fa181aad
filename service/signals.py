"""Rule signals read off the submitted form, before any decision is made."""

from __future__ import annotations

import re

from .policy import Signals
from .schemas import CommentForm

_ANCHOR = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)


def count_links(text: str) -> int:
    """Links in a comment: each <a href> anchor, plus each plain URL that is not an anchor's."""
    hrefs = [m.group(1).rstrip("/").lower() for m in _ANCHOR.finditer(text)]
    bare = _BARE_URL.findall(_TAG.sub(" ", text))
    extra = [url for url in bare if url.rstrip("/.,;:!?)").lower() not in hrefs]
    return len(hrefs) + len(extra)


def read_signals(form: CommentForm) -> Signals:
    """Every signal of one submission."""
    return Signals(links=count_links(form.comment))
