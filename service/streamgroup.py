"""The consumer-group commands on the approved stream; Redis failures become StoreUnavailable."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from .errors import StoreUnavailable
from .redisclient import as_str, lua, unavailable

P = ParamSpec("P")
T = TypeVar("T")


class GroupMissing(StoreUnavailable):
    """The group (or its stream) is gone, e.g. deleted by hand; it must be created again."""


def _guarded(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """As the store's errors, except that a missing group is told apart: it is recreated."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except ResponseError as exc:
            if str(exc).startswith("NOGROUP"):
                raise GroupMissing(f"Redis: {exc}") from exc
            raise unavailable(exc) from exc
        except (RedisError, OSError) as exc:
            raise unavailable(exc) from exc

    return wrapper


@dataclass(frozen=True, slots=True)
class Entry:
    """One stream entry; ``fields`` is empty when the entry was deleted (erased) meanwhile."""

    id: str
    fields: dict[bytes, bytes]


@dataclass(frozen=True, slots=True)
class Claimed:
    """What one XAUTOCLAIM call took over, and where the next call of the sweep starts."""

    entries: list[Entry]
    cursor: str

    @property
    def sweep_done(self) -> bool:
        return self.cursor in ("0-0", "0")


def _entries(raw: list[Any] | None) -> list[Entry]:
    return [Entry(as_str(entry_id), dict(fields or {})) for entry_id, fields in raw or []]


def _read_reply(reply: Any) -> list[Entry]:
    """XREADGROUP on one stream answers ``[[stream, entries]]``, or nothing."""
    return _entries(reply[0][1] if reply else None)


class StreamGroup:
    """One consumer of one group on one stream: read, claim, acknowledge."""

    def __init__(self, redis: Redis, stream: str, group: str, consumer: str) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self._forget = redis.register_script(lua("forget_consumer.lua"))

    @_guarded
    async def create(self) -> bool:
        """Create the group (and the stream) if missing, reading from the stream's start.

        Returns True if it was created now."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if str(exc).startswith("BUSYGROUP"):
                return False
            raise
        return True

    @_guarded
    async def own_pending(self, count: int) -> list[Entry]:
        """Entries already delivered to this consumer and not acknowledged, oldest first."""
        reply: Any = await self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: "0"}, count=count
        )
        return _read_reply(reply)

    @_guarded
    async def new(self, count: int, block_ms: int | None) -> list[Entry]:
        """Entries never delivered to any consumer of the group; waits up to ``block_ms``."""
        reply: Any = await self.redis.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=count, block=block_ms
        )
        return _read_reply(reply)

    @_guarded
    async def claim(self, idle_ms: int, cursor: str, count: int) -> Claimed:
        """Take over entries another consumer left pending for at least ``idle_ms``."""
        reply = await self.redis.xautoclaim(
            self.stream, self.group, self.consumer, idle_ms, start_id=cursor, count=count
        )
        # Entries deleted from the stream meanwhile (reply[2]) leave the pending list by
        # themselves; there is nothing left of them to deliver.
        return Claimed(_entries(reply[1]), as_str(reply[0]))

    @_guarded
    async def ack(self, entry_id: str) -> None:
        await self.redis.xack(self.stream, self.group, entry_id)

    @_guarded
    async def forget_consumer(self) -> bool:
        """Leave the group if this consumer holds nothing pending (else keep its entries)."""
        removed = await self._forget(keys=[self.stream], args=[self.group, self.consumer])
        return bool(removed)
