"""The Redis client's connections: the URL's options, and connections reset while idle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvloop
from hiredis import pack_command
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError

from service.pipelining import Script, ScriptPipeline
from service.redisclient import (
    TcpConnection,
    TlsConnection,
    UnixConnection,
    connect,
    pool_options,
)

from ..conftest import RedisProcess
from .resetproxy import ResettingProxy

ECHO = Script("return ARGV[1]")  # writes nothing


@pytest.mark.parametrize(
    ("url", "cls", "expected"),
    [
        ("redis://127.0.0.1:6380/2", TcpConnection, {"host": "127.0.0.1", "port": 6380, "db": 2}),
        ("rediss://cache.internal:6379/0", TlsConnection, {"host": "cache.internal", "db": 0}),
        ("unix:///run/redis.sock?db=3", UnixConnection, {"path": "/run/redis.sock", "db": 3}),
    ],
)
def test_each_scheme_gets_its_reset_aware_connection_and_the_url_wins(
    url: str, cls: type, expected: dict[str, object]
) -> None:
    options = pool_options(url, max_connections=32, db=9)
    assert options["connection_class"] is cls
    assert options["max_connections"] == 32
    assert {key: options[key] for key in expected} == expected  # db=9 lost to the URL's


def test_the_services_pool_uses_them() -> None:
    client = connect("unix:///run/redis.sock", 2.0)
    assert client.connection_pool.connection_class is UnixConnection
    assert client.connection_pool.connection_kwargs["path"] == "/run/redis.sock"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis", appendonly=False)
    server.start()
    yield server
    server.stop()


def test_connections_reset_while_idle_are_opened_again_under_uvloop(
    redis_server: RedisProcess,
) -> None:
    """uvloop, as the service runs: a write on a reset connection raised RuntimeError."""

    async def scenario() -> list[object]:
        proxy = ResettingProxy("127.0.0.1", redis_server.port)
        await proxy.start()
        client = connect(proxy.url(), 2.0)
        scripts = ScriptPipeline(client)
        seen: list[object] = []
        try:
            for n in range(3):
                seen += [await scripts.call(ECHO, [], [n]), await client.ping()]
                assert proxy.reset() >= 2  # the pipeline's kept connection and the pool's
                await asyncio.sleep(0.1)  # the loop sees the resets while they are idle
            seen.append(proxy.accepted)
        finally:
            await scripts.close()
            await client.aclose()
            await proxy.close()
        return seen

    *answers, accepted = uvloop.run(scenario())
    assert answers == [b"0", True, b"1", True, b"2", True]
    assert accepted >= 6  # each reset connection was opened again


async def _reset_while_idle(proxy: ResettingProxy, connection: AbstractConnection) -> None:
    await connection.send_packed_command(pack_command(("PING",)), False)
    assert await connection.read_response() == b"PONG"
    assert proxy.reset() == 1
    await asyncio.sleep(0.1)  # the loop sees the reset while the connection is idle


@asynccontextmanager
async def _reset_connection(
    server: RedisProcess, cls: type[TcpConnection]
) -> AsyncIterator[tuple[ResettingProxy, TcpConnection]]:
    """A connection of ``cls`` through a proxy, reset while it was idle."""
    proxy = ResettingProxy("127.0.0.1", server.port)
    await proxy.start()
    connection = cls(host="127.0.0.1", port=proxy.port, socket_timeout=2)
    try:
        await _reset_while_idle(proxy, connection)
        yield proxy, connection
    finally:
        await connection.disconnect()
        await proxy.close()


def test_a_connection_reset_while_idle_is_reopened_before_the_write(
    redis_server: RedisProcess,
) -> None:
    async def scenario() -> tuple[object, int]:
        async with _reset_connection(redis_server, TcpConnection) as (proxy, connection):
            await connection.send_packed_command(pack_command(("PING",)), False)
            return await connection.read_response(), proxy.accepted

    assert uvloop.run(scenario()) == (b"PONG", 2)


class _Unchecked(TcpConnection):
    """As if the reset came after the check for a closed connection."""

    async def _reopen_if_closed(self) -> None:
        pass


def test_a_connection_found_closed_by_the_write_fails_as_a_connection_error(
    redis_server: RedisProcess,
) -> None:
    """uvloop raises RuntimeError there; redis-py retries a ConnectionError, not that."""

    async def scenario() -> str:
        async with _reset_connection(redis_server, _Unchecked) as (_, connection):
            try:
                await connection.send_packed_command(pack_command(("PING",)), False)
            except RedisConnectionError as exc:
                return f"ConnectionError: {exc}"
        return "written"

    outcome = uvloop.run(scenario())
    assert outcome.startswith("ConnectionError: Connection closed while writing"), outcome
