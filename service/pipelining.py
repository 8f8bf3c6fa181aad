"""Script calls made by concurrent requests go to Redis together, as one pipeline.

Each request still waits for its own reply; what is shared is the round trip and the
client's per-call overhead, which dominate a small Lua call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hiredis import pack_command
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError

from .batching import TickBatcher


@dataclass(frozen=True, slots=True)
class Script:
    """A Lua script known by its SHA1, loaded on demand (again after a Redis restart)."""

    source: str
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha", hashlib.sha1(self.source.encode()).hexdigest())  # noqa: S324 - Redis names scripts by SHA1


_Call = tuple[Script, Sequence[Any], Sequence[Any]]


class ScriptPipeline:
    """Collects the script calls made within a few loop iterations (see ``TickBatcher``) and
    sends them at once."""

    def __init__(self, redis: Redis, max_batch: int = 512, keep: int = 4) -> None:
        self.redis = redis
        self._batcher: TickBatcher[_Call, Any] = TickBatcher(self._send, max_batch)
        # Connections kept between batches (up to ``keep``): taking one from the pool, with its
        # locks, timeout and readiness probe, cost more than writing a small batch.
        self._idle: list[Any] = []
        self._keep = keep

    async def call(self, script: Script, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        """Run ``script`` with ``keys`` and ``args``; raises the RedisError of this call."""
        return await self._batcher.submit((script, keys, args))

    async def _send(self, batch: list[_Call]) -> list[Any]:
        replies = await self._execute(batch)
        missing = [i for i, reply in enumerate(replies) if isinstance(reply, NoScriptError)]
        if missing:  # Redis restarted and forgot its scripts: load them, call those again
            for script in {batch[i][0] for i in missing}:
                await self.redis.script_load(script.source)
            again = await self._execute([batch[i] for i in missing])
            for i, reply in zip(missing, again, strict=True):
                replies[i] = reply
        return replies

    async def _execute(self, batch: Sequence[_Call]) -> list[Any]:
        # The calls are safe to send twice (each script checks what it already did), so a
        # connection that broke (Redis restarted) is replaced once before the error reaches the
        # callers. A timeout is not retried: Redis is slow or stopped, and waiting twice as long
        # helps nobody.
        # The retry takes its connection from the pool, which checks it, after every kept one
        # is dropped: after a restart they are all broken.
        try:
            return await self._send_once(batch, reuse=True)
        except (RedisConnectionError, ConnectionResetError, BrokenPipeError):
            await self._drop_idle()
            return await self._send_once(batch, reuse=False)

    async def _send_once(self, batch: Sequence[_Call], reuse: bool) -> list[Any]:
        """One write of every call (packed by hiredis, in C), then one reply per call, on one
        connection: redis-py's own pipeline costs more per call than the call itself."""
        pool = self.redis.connection_pool
        if reuse and self._idle:
            connection = self._idle.pop()
        else:
            connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await connection.send_packed_command(
                b"".join(
                    pack_command(("EVALSHA", script.sha, len(keys), *keys, *args))
                    for script, keys, args in batch
                ),
                check_health=False,
            )
            replies: list[Any] = []
            for _ in batch:
                try:
                    replies.append(await connection.read_response(disable_decoding=True))
                except ResponseError as exc:  # this call's own error, NOSCRIPT included
                    replies.append(exc)
        except BaseException:
            await connection.disconnect()
            await pool.release(connection)
            raise
        if len(self._idle) < self._keep:
            self._idle.append(connection)  # every reply read: ready for the next batch
        else:
            await pool.release(connection)
        return replies

    async def _drop_idle(self) -> None:
        await self._release_idle(disconnect=True)

    async def close(self) -> None:
        """Hand the kept connections back to the pool."""
        await self._release_idle(disconnect=False)

    async def _release_idle(self, disconnect: bool) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            if disconnect:
                await connection.disconnect()
            await self.redis.connection_pool.release(connection)
