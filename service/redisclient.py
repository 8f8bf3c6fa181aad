"""The Redis client: bounded connections, the scripts, and Redis errors as StoreUnavailable."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, ParamSpec, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.connection import (
    AbstractConnection,
    Connection,
    SSLConnection,
    UnixDomainSocketConnection,
    parse_url,
)
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
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


class _ResetAware(AbstractConnection):
    """A connection that Redis (or anything between) reset while it sat idle is opened again
    before the next write, and a write that finds it closed fails as a ConnectionError.

    redis-py takes a connection for open while its reader and writer exist, though the
    transport under them is closed. The next write then raises what the event loop raises:
    uvloop a RuntimeError ("the handler is closed"), CPython 3.12 a TypeError (redis-py
    issue 4287). Neither is a RedisError, so neither is retried, and a request answered 500
    where it should have reconnected. Reopening is safe: an idle connection has nothing in
    flight.
    """

    async def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        await self._reopen_if_closed()
        try:
            await super().send_packed_command(command, check_health)
        except (RuntimeError, TypeError, AttributeError) as exc:
            # Closed between that check and the write (the write waits a loop iteration).
            await self.disconnect(nowait=True)
            raise RedisConnectionError(f"Connection closed while writing: {exc}") from exc

    async def _reopen_if_closed(self) -> None:
        writer = self._writer
        if writer is not None and writer.transport.is_closing():
            await self.disconnect(nowait=True)  # the write connects again


class TcpConnection(_ResetAware, Connection):
    pass


class TlsConnection(_ResetAware, SSLConnection):
    pass


class UnixConnection(_ResetAware, UnixDomainSocketConnection):
    pass


_RESET_AWARE: dict[type[AbstractConnection], type[AbstractConnection]] = {
    Connection: TcpConnection,
    SSLConnection: TlsConnection,
    UnixDomainSocketConnection: UnixConnection,
}


def pool_options(url: str, **options: Any) -> dict[str, Any]:
    """What ``ConnectionPool.from_url(url, **options)`` would pass to the pool (the URL's
    options win), with the reset-aware connection class of the URL's scheme (redis, rediss or
    unix): ``from_url`` itself lets a unix or rediss URL override a class passed to it."""
    merged = {**options, **parse_url(url)}
    chosen = merged.get("connection_class", Connection)
    merged["connection_class"] = _RESET_AWARE.get(chosen, chosen)
    return merged


def connect(url: str, timeout: float) -> Redis:
    """A client with bounded timeouts and a short, bounded retry on connection errors.

    Requests share pipelines, so a few connections serve many requests; when all are busy a
    request waits for one (at most ``timeout``) rather than failing at once.
    """
    pool = BlockingConnectionPool(
        **pool_options(
            url,
            max_connections=32,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=2),
            health_check_interval=30,
        )
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
