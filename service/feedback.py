"""`replyguard feedback`: export the moderators' corrections as training data.

The feedback stream holds every correction of the model's call: a moderator's `spam`, `reject`
or `approve` on a comment it decided otherwise, and Akismet clients' submit-spam and submit-ham.
The export writes one JSON line per corrected comment, with the form's fields and the label, in
the layout ``replyguard train --feedback`` reads: a site's own corrections are the only
training data that has its website, e-mail and author fields, so only they can teach the model
what those fields say.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from redis.exceptions import RedisError

from classifier.cli import reader_gone

from .consume import redis_to_read
from .keys import Keys
from .redisclient import as_str
from .settings import Settings, load_settings

LABELS = ("spam", "abuse", "ham")
_PAGE = 1000
_AKISMET = "akismet "  # the key of an Akismet submission (a comment id has no space)


def register(subparsers: Any) -> None:
    """Add ``feedback`` to an argparse subparsers object."""
    p = subparsers.add_parser(
        "feedback",
        help="export the moderators' corrections as JSON lines for `replyguard train --feedback`",
        description="Writes one JSON line per corrected comment: comment, author, email, url, "
        "label (spam, abuse or ham), at, by; where a comment was corrected more than once, the "
        "last correction counts. Reads REPLYGUARD_REDIS_URL, else the embedded Redis of a "
        "`replyguard serve` running on the same REPLYGUARD_DATA_DIR. The lines hold the "
        "commenters' names and e-mail addresses: keep the file as you keep the comments.",
    )
    p.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    p.set_defaults(func=_export)


def entry_line(fields: Mapping[str, str]) -> tuple[str, dict[str, str]] | None:
    """A feedback stream entry as (the comment it is about, the exported line); None when the
    entry has no label or no text."""
    label = fields.get("label", "")
    if label not in LABELS:
        return None
    try:
        stored = orjson.loads(fields.get("comment") or "{}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(stored, dict):
        return None
    # A moderator's action holds the stored comment record; an Akismet submit-spam or
    # submit-ham the same fields of the comment it was sent.
    text, author = stored.get("content", ""), stored.get("author", "")
    email, url = stored.get("email", ""), stored.get("url", "")
    key = fields.get("id") or _AKISMET + orjson.dumps([text, author, email, url]).decode()
    if not isinstance(text, str) or not text.strip():
        return None
    line = {
        "comment": text,
        "author": str(author or ""),
        "email": str(email or ""),
        "url": str(url or ""),
        "label": label,
        "at": fields.get("at", ""),
        "by": fields.get("by", ""),
    }
    return key, line


def latest(entries: Iterable[Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """One line per comment, oldest first, each comment's last correction winning; keyed by
    the comment's id (or, for an Akismet submission, by its fields)."""
    lines: dict[str, dict[str, str]] = {}
    for fields in entries:
        found = entry_line(fields)
        if found is not None:
            key, line = found
            lines.pop(key, None)  # keep the order of the last correction
            lines[key] = line
    return lines


# A moderator may take a correction back later (approve, then mark spam again): what the
# comment is now, where it is still stored, is the label. A comment put back to pending is
# undecided and left out; one no longer stored (spam and rejected comments expire) keeps the
# label of its last correction.
_NOW = {"approved": "ham", "spam": "spam", "rejected": "abuse", "pending": ""}


async def current_labels(client: Any, keys: Keys, ids: list[str]) -> list[str | None]:
    """Each comment's label by its status now (None where it is no longer stored), asked a
    page of comments per round trip (the stream holds up to a million entries)."""
    statuses: list[Any] = []
    for start in range(0, len(ids), _PAGE):
        async with client.pipeline(transaction=False) as pipe:
            for comment_id in ids[start : start + _PAGE]:
                pipe.hget(keys.comment(comment_id), "status")
            statuses += await pipe.execute()
    return [None if s is None else _NOW.get(as_str(s), "") for s in statuses]


async def read_entries(client: Any, stream: str) -> AsyncIterator[dict[str, str]]:
    """Every entry of the feedback stream, oldest first, read a page at a time."""
    start = "-"
    while True:
        page = await client.xrange(stream, min=start, count=_PAGE)
        for _entry_id, fields in page:
            yield {as_str(k): as_str(v) for k, v in fields.items()}
        if len(page) < _PAGE:
            return
        start = "(" + as_str(page[-1][0])


async def export(settings: Settings, url: str, out: BinaryIO) -> int:
    """Write the feedback lines to ``out``; returns how many."""
    from redis.asyncio import Redis

    client = Redis.from_url(
        url,
        socket_timeout=settings.redis_timeout,
        socket_connect_timeout=settings.redis_timeout,
    )
    keys = Keys(settings.key_prefix)
    try:
        lines = latest([fields async for fields in read_entries(client, keys.feedback_stream())])
        ids = [key for key in lines if not key.startswith(_AKISMET)]
        for comment_id, now in zip(ids, await current_labels(client, keys, ids), strict=True):
            if now == "":
                del lines[comment_id]
            elif now is not None:
                lines[comment_id]["label"] = now
    finally:
        await client.aclose()
    for line in lines.values():
        out.write(orjson.dumps(line) + b"\n")
    out.flush()
    return len(lines)


def _export(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    url = redis_to_read(settings, "feedback")
    if url is None:
        return 2
    try:
        if args.out is None:
            count = asyncio.run(export(settings, url, sys.stdout.buffer))
        else:
            with args.out.open("wb") as handle:
                count = asyncio.run(export(settings, url, handle))
    except RedisError as exc:
        print(f"replyguard feedback: cannot read the feedback stream: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return reader_gone()
    print(f"replyguard feedback: {count} corrected comments", file=sys.stderr)
    return 0
