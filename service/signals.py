"""Rule signals read off a comment before any decision is made."""

from __future__ import annotations

import re

from .draft import Draft
from .formtoken import TokenCheck
from .policy import Signals
from .rules import RuleSet

_ANCHOR_START = re.compile(r"<a\s", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)


def count_links(text: str) -> int:
    """Links in a comment: each <a href> anchor, plus each plain URL that is not an anchor's."""
    if "<" not in text and "://" not in text and "www." not in text.lower():
        return 0  # neither pattern can match: most comments, at a fraction of their cost
    return _count_links(text)


def anchor_hrefs(text: str) -> list[str]:
    """The href value of each <a> anchor, left to right: from "<a" and a space, the first href
    before the next ">" (or the end); after one is found, the next anchor may start right
    after its value. Single regular expressions did this (the tests keep them, and compare)
    by trying every "<a " again up to the next ">", or to the end where none followed: time
    that grew with the square of the length (65 kB of "<a <a ..." took seconds)."""
    hrefs: list[str] = []
    at = 0
    close = -1  # the first ">" at or after the anchor being read (the length: none)
    while (start := _ANCHOR_START.search(text, at)) is not None:
        if close < start.start():
            close = text.find(">", start.start())
            close = len(text) if close < 0 else close
        href = _HREF.search(text, start.end(), close)
        if href is None:
            at = close  # no anchor that starts before this ">" has an href before it
        else:
            hrefs.append(href.group(1))
            at = href.end()
    return hrefs


def without_tags(text: str) -> str:
    """Each tag, "<" to the next ">", replaced by a space; the text after the last ">" holds no
    tag and is kept as it is, so no "<" is read again up to the end of the text."""
    end = text.rfind(">") + 1
    return _TAG.sub(" ", text[:end]) + text[end:]


def _count_links(text: str) -> int:
    hrefs = [href.rstrip("/").lower() for href in anchor_hrefs(text)]
    bare = _BARE_URL.findall(without_tags(text))
    extra = [url for url in bare if url.rstrip("/.,;:!?)").lower() not in hrefs]
    return len(hrefs) + len(extra)


def read_signals(
    draft: Draft,
    rules: RuleSet,
    token: TokenCheck,
    *,
    trusted_author: bool,
    post_moderated: bool,
) -> Signals:
    """Every rule signal of one comment. Keys are matched as WordPress does, against the
    author, e-mail, URL, content, IP address and user agent."""
    fields = {
        "author": draft.author,
        "email": draft.email,
        "url": draft.url,
        "content": draft.content,
        "ip": draft.ip,
        "user_agent": draft.user_agent,
    }
    return Signals(
        links=count_links(draft.content),
        honeypot=bool(draft.honeypot(rules.config.honeypot_field).strip()),
        token=token.state,
        token_age=token.age,
        moderation_key=rules.moderation.first_match(fields),
        disallowed_key=rules.disallowed.first_match(fields),
        trusted_author=trusted_author,
        post_moderated=post_moderated,
    )
