"""The Redis client: bounded connections, the scripts, and Redis errors as StoreUnavailable."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import ParamSpec, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import RedisError

from .errors import StoreUnavailable

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
UNAVAILABLE = "The comment store is not available; try again shortly."


def as_bytes(value: object) -> bytes:
    """Replies arrive as bytes (the client does not decode); typed loosely by redis-py."""
    return value if isinstance(value, bytes) else str(value).encode()


def as_str(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def lua(name: str) -> str:
    """The source of one of the package's Lua scripts."""
    return resources.files("service").joinpath("lua", name).read_text(encoding="utf-8")


def unavailable(exc: BaseException) -> StoreUnavailable:
    """The error a caller sees; the address and Redis's own words go to the log only."""
    log.warning("redis unavailable", extra={"error": f"{type(exc).__name__}: {exc}"})
    return StoreUnavailable(UNAVAILABLE)


def guarded(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Turn any Redis error into StoreUnavailable, so nothing half-done is acknowledged."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except (RedisError, OSError) as exc:
            raise unavailable(exc) from exc

    return wrapper


def connect(url: str, timeout: float) -> Redis:
    """A client with bounded timeouts and a short, bounded retry on connection errors.

    Requests share pipelines, so a few connections serve many requests; when all are busy a
    request waits for one (at most ``timeout``) rather than failing at once.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=32,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
        health_check_interval=30,
    )
    return Redis.from_pool(pool)


@asynccontextmanager
async def opened(url: str, command_timeout: float) -> AsyncIterator[Redis]:
    """A Redis client that is closed with its pool on exit."""
    client = connect(url, command_timeout)
    try:
        yield client
    finally:
        await client.aclose()
