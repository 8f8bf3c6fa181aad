"""Rule signals read off a comment before any decision is made."""

from __future__ import annotations

import re

from .draft import Draft
from .formtoken import TokenCheck
from .policy import Signals
from .rules import RuleSet

_ANCHOR = re.compile(r"""<a\s[^>]*?href\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)


def count_links(text: str) -> int:
    """Links in a comment: each <a href> anchor, plus each plain URL that is not an anchor's."""
    if "<" not in text and "://" not in text and "www." not in text.lower():
        return 0  # neither pattern can match: most comments, at a fraction of their cost
    return _count_links(text)


def _count_links(text: str) -> int:
    hrefs = [m.group(1).rstrip("/").lower() for m in _ANCHOR.finditer(text)]
    bare = _BARE_URL.findall(_TAG.sub(" ", text))
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
