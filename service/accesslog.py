"""The access log: one JSON line per request, written in batches off the request path."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import sys
import time
from datetime import UTC, datetime
from typing import IO

import orjson

_LOGGER = "replyguard.access"


class RequestIds:
    """Request ids unique across processes and cheap to make: a random prefix and a counter."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(6)
        self._counter = itertools.count(1)

    def new(self) -> str:
        return f"{self._prefix}{next(self._counter):010x}"


class AccessLog:
    """Keeps each request's line in memory and writes them together a few times a second, so a
    request costs an append, not a log record, a lock and a write.

    Lines look like the other log lines (time, level, logger, message, request_id) and carry the
    method, route, status and duration: no comment text, address or e-mail.
    """

    def __init__(self, stream: IO[bytes] | None = None, interval: float = 0.2) -> None:
        self.enabled = logging.getLogger(_LOGGER).isEnabledFor(logging.INFO)
        self.stream = stream if stream is not None else sys.stderr.buffer
        self.interval = interval
        self._pending: list[tuple[float, str, str, int, float, str]] = []
        self._flush_at: asyncio.TimerHandle | None = None

    def record(self, method: str, route: str, status: int, seconds: float, rid: str) -> None:
        if not self.enabled:
            return
        self._pending.append((time.time(), method, route, status, seconds, rid))
        if self._flush_at is None:
            self._flush_at = asyncio.get_running_loop().call_later(self.interval, self.flush)

    def flush(self) -> None:
        """Write what is pending now (also called at shutdown)."""
        self._flush_at = None
        pending, self._pending = self._pending, []
        if not pending:
            return
        lines = [
            orjson.dumps(
                {
                    "time": datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds"),
                    "level": "INFO",
                    "logger": _LOGGER,
                    "message": "request",
                    "request_id": rid,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                }
            )
            for at, method, route, status, seconds, rid in pending
        ]
        self.stream.write(b"\n".join(lines) + b"\n")
        self.stream.flush()

    def close(self) -> None:
        if self._flush_at is not None:
            self._flush_at.cancel()
        self.flush()
