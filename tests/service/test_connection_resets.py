"""Connections to Redis reset while idle (Redis killed, a firewall's idle timeout): the next
request reconnects; nothing answers 500."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from ..conftest import RedisProcess
from .live import QUIET, Serve
from .resetproxy import ResettingProxy

pytestmark = pytest.mark.slow


async def test_the_service_reconnects_after_its_idle_connections_are_reset(
    tmp_path: Path,
) -> None:
    server = RedisProcess(tmp_path / "redis", appendonly=False)
    server.start()
    proxy = ResettingProxy("127.0.0.1", server.port)
    await proxy.start()
    serve = Serve(tmp_path, QUIET | {"REPLYGUARD_REDIS_URL": proxy.url()})
    statuses: list[tuple[str, int]] = []
    try:
        await serve.ready()
        async with aiohttp.ClientSession(base_url=serve.base) as session:
            for n in range(6):
                body = {
                    "comment": f"Comment {n}: the council should publish the bridge costs.",
                    "author": f"Reader {n}",
                    "email": f"reader{n}@example.org",
                    "comment_post_ID": 4127,
                }
                async with session.post("/comments", json=body) as response:
                    statuses.append(("post", response.status))
                async with session.get("/readyz") as response:
                    statuses.append(("readyz", response.status))
                assert proxy.reset() > 0
                await asyncio.sleep(0.2)  # the service's loop sees the resets while idle
    finally:
        serve.stop()
        await proxy.close()
        server.stop()
    errors = [line for line in serve.log_lines() if line.get("level") == "ERROR"]

    assert statuses == [("post", 201), ("readyz", 200)] * 6, errors
    assert errors == []
    assert proxy.accepted > 6  # it did reconnect, each time
