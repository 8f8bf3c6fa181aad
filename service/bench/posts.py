"""The benchmark's posts, for the Python load generator (post.lua makes the same for wrk)."""

from __future__ import annotations

from urllib.parse import urlencode


def post_body(run: str, slot: int, n: int, token: str) -> tuple[str, str]:
    """A distinct benign post and a distinct client address for one request."""
    tag = f"{run}-{slot}-{n}"
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
