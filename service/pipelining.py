"""Script calls made by concurrent requests go to Redis together, as one pipeline.

Each request still waits for its own reply; what is shared is the round trip and the
client's per-call overhead, which dominate a small Lua call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

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
    """Collects the script calls made within one loop iteration and sends them at once."""

    def __init__(self, redis: Redis, max_batch: int = 512) -> None:
        self.redis = redis
        self._batcher: TickBatcher[_Call, Any] = TickBatcher(self._send, max_batch)

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
        async with self.redis.pipeline(transaction=False) as pipe:
            for script, keys, args in batch:
                pipe.evalsha(script.sha, len(keys), *keys, *args)
            return list(await pipe.execute(raise_on_error=False))
