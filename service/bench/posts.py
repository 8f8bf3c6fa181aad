"""The benchmark's posts, for the Python load generator (post.lua makes the same for wrk)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode


def letters(n: int) -> str:
    """A number in letters (0 is "a", 26 is "ba"), as post.lua writes it: digits in the text
    would change it (five or more in a row read as a phone number, a spam sign)."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out = chr(97 + digit) + out
        if n == 0:
            return out


def run_id() -> str:
    """A new run's tag, in letters only."""
    return uuid.uuid4().hex[:10].translate(_HEX_LETTERS)


_HEX_LETTERS = str.maketrans("0123456789", "ghijklmnop")


def post_body(run: str, slot: int, n: int, token: str) -> tuple[str, str]:
    """A distinct benign post and a distinct client address for one request."""
    tag = f"{run}-{letters(slot)}-{letters(n)}"
    body = urlencode(
        {
            "comment": f"Thanks for the clear report on the council vote ({tag}). Will the new "
            "bridge have a cycle lane, and who pays for the upkeep?",
            "author": f"Reader {tag}",
            "email": f"reader.{tag}@example.org",
            "url": "",
            "comment_post_ID": "4127",
            "comment_parent": "0",
            "wp-comment-cookies-consent": "yes",
            "rg_token": token,
        }
    )
    run_hash = sum(ord(c) * 31**i for i, c in enumerate(run)) % 65536
    return body, f"fd{slot % 256:02x}:{run_hash:x}:{n >> 16:x}::{n & 0xFFFF:x}"
