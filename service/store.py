"""Every Redis command replyguard sends, in one class; Redis failures become StoreUnavailable."""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

from .errors import StoreUnavailable
from .keys import Keys
from .schemas import CommentRecord, Status

P = ParamSpec("P")
T = TypeVar("T")


def _bytes(value: object) -> bytes:
    """Replies arrive as bytes (the client does not decode); typed loosely by redis-py."""
    return value if isinstance(value, bytes) else str(value).encode()


def _str(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _lua(name: str) -> str:
    return resources.files("service").joinpath("lua", name).read_text(encoding="utf-8")


def _guarded(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Turn any Redis error into StoreUnavailable, so nothing half-done is acknowledged."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except (RedisError, OSError) as exc:
            raise StoreUnavailable(f"Redis: {type(exc).__name__}: {exc}") from exc

    return wrapper


@dataclass(frozen=True, slots=True)
class StoredComment:
    """A record as read back, with the revision a compare-and-set needs."""

    record: CommentRecord
    rev: str


@dataclass(frozen=True, slots=True)
class Transition:
    """One moderator action, ready to be applied atomically."""

    record: CommentRecord
    expected_rev: str
    old_status: Status
    action: str
    moderator: str
    at: str
    stream_event: str
    feedback_label: str
    action_id: str


class Store:
    """The Redis side of replyguard."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._create = redis.register_script(_lua("create_comment.lua"))
        self._moderate = redis.register_script(_lua("moderate.lua"))

    @_guarded
    async def ping(self) -> float:
        """Round-trip time of a PING, in seconds."""
        started = time.perf_counter()
        await self.redis.ping()
        return time.perf_counter() - started

    @_guarded
    async def server_secret(self) -> bytes:
        """A secret shared by every worker: generated once, then kept in Redis."""
        await self.redis.set(self.keys.secret(), secrets.token_hex(32), nx=True)
        value = await self.redis.get(self.keys.secret())
        if value is None:  # pragma: no cover - only if someone deletes it between the calls
            raise StoreUnavailable("the server secret vanished; try again")
        return _bytes(value)

    @_guarded
    async def idempotent_answer(self, key: str) -> bytes | None:
        """The answer stored for an Idempotency-Key, if any."""
        value = await self.redis.get(self.keys.idempotency(key))
        return None if value is None else _bytes(value)

    @_guarded
    async def create(
        self,
        record: CommentRecord,
        idempotency: tuple[str, bytes, int] | None = None,
    ) -> bytes | None:
        """Write a comment, its queue entry and stream event in one atomic step.

        Returns None when stored, or the earlier answer when the Idempotency-Key was already used
        (then nothing is written). Safe to retry: a repeated call for the same id writes nothing.
        """
        keys = [
            self.keys.comment(record.id),
            self.keys.queue(record.status),
            self.keys.approved_stream(),
        ]
        args: list[Any] = [record.id, record.status.value, record.model_dump_json()]
        if idempotency is not None:
            key, answer, ttl = idempotency
            keys.append(self.keys.idempotency(key))
            args += [answer, ttl]
        prior = await self._create(keys=keys, args=args)
        return None if prior is None else _bytes(prior)

    @_guarded
    async def get(self, comment_id: str) -> StoredComment | None:
        """One comment with its revision, or None."""
        rev, raw = await self.redis.hmget(self.keys.comment(comment_id), ["rev", "record"])
        if rev is None or raw is None:
            return None
        return StoredComment(CommentRecord.model_validate_json(raw), _str(rev))

    @_guarded
    async def transition(self, change: Transition) -> str:
        """Apply a moderator action if the comment is still at ``expected_rev``.

        Returns "ok", "conflict" (someone else changed it first) or "missing".
        """
        record = change.record
        outcome, _rev = await self._moderate(
            keys=[
                self.keys.comment(record.id),
                self.keys.queue(change.old_status),
                self.keys.queue(record.status),
                self.keys.approved_stream(),
                self.keys.audit_stream(),
                self.keys.feedback_stream(),
            ],
            args=[
                record.id,
                change.expected_rev,
                record.status.value,
                record.model_dump_json(),
                change.stream_event,
                change.action,
                change.moderator,
                change.at,
                change.old_status.value,
                change.feedback_label,
                change.action_id,
            ],
        )
        return _str(outcome)

    @_guarded
    async def page(
        self, status: Status, limit: int, after: str | None
    ) -> tuple[list[CommentRecord], str | None]:
        """Up to ``limit`` comments in ``status``, oldest first, after the cursor id."""
        queue = self.keys.queue(status)
        start = f"({after}" if after else "-"
        found = await self.redis.zrange(queue, start, "+", bylex=True, offset=0, num=limit + 1)
        ids = [_str(i) for i in found]
        more = len(ids) > limit
        ids = ids[:limit]
        records = await self._records(ids)
        gone = [i for i, rec in zip(ids, records, strict=True) if rec is None]
        if gone:  # expired comments leave their queue lazily
            await self.redis.zrem(queue, *gone)
        items = [rec for rec in records if rec is not None]
        return items, (ids[-1] if more and ids else None)

    async def _records(self, ids: Sequence[str]) -> list[CommentRecord | None]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for comment_id in ids:
                pipe.hget(self.keys.comment(comment_id), "record")
            raws = await pipe.execute()
        return [None if raw is None else CommentRecord.model_validate_json(raw) for raw in raws]

    @_guarded
    async def queue_depths(self) -> dict[Status, int]:
        """How many comments each status holds."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for status in Status:
                pipe.zcard(self.keys.queue(status))
            counts = await pipe.execute()
        return dict(zip(Status, (int(c) for c in counts), strict=True))


def connect(url: str, timeout: float) -> Redis:
    """A client with bounded timeouts and a short, bounded retry on connection errors."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        health_check_interval=30,
        max_connections=256,
    )


@asynccontextmanager
async def opened(url: str, command_timeout: float) -> AsyncIterator[Redis]:
    """A Redis client that is closed with its pool on exit."""
    client = connect(url, command_timeout)
    try:
        yield client
    finally:
        await client.aclose()
