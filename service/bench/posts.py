"""The benchmark's posts, for the Python load generator (post.lua makes the same for wrk)."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

# The letters the posts' tags are written in: no vowel, and none of c, f, k, l, r, s, t, y, so
# that no tag spells a word (in a-z, tags reached "cunt" and "fuck" on a fast machine, and a
# post tagged "cunt" scores abuse 0.41, over the hold).
ALPHABET = "bdghjmnpqvwxz"


def letters(n: int) -> str:
    """A number in the letters of ALPHABET (0 is "b", 13 is "db"), as post.lua writes it:
    digits in the text would change it (five or more in a row read as a phone number, a spam
    sign), and so would a tag that spells a word."""
    out = ""
    while True:
        n, digit = divmod(n, len(ALPHABET))
        out = ALPHABET[digit] + out
        if n == 0:
            return out


def run_id() -> str:
    """A new run's tag, in the letters of ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(10))


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
