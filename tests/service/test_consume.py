"""`replyguard consume` as a real process: printed lines, a webhook, SIGTERM and SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis.asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient

from service.consume import embedded_url
from service.embedded import EmbeddedRedis
from service.keys import Keys
from service.settings import clean_environment

from .conftest import ClientFactory
from .test_consumer import QUIET_MODEL, approved_comments, pending

Client = TestClient[Any, Any]
pytestmark = pytest.mark.slow  # each test starts `replyguard consume` processes


@pytest.fixture
async def client(make_client: ClientFactory) -> Client:
    return await make_client(**QUIET_MODEL)


def environment(**values: str) -> dict[str, str]:
    env = clean_environment()
    env.update({f"REPLYGUARD_{name.upper()}": value for name, value in values.items()})
    return env


async def start_consume(env: dict[str, str], *options: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "service",
        "consume",
        *options,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def consume_once(env: dict[str, str], *options: str) -> tuple[int, bytes, bytes]:
    process = await start_consume(env, "--once", *options)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out, err


class Site:
    """The site's webhook: records what it accepted (2xx); can hang on one chosen call."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.calls = 0
        self.hang_on: int | None = None
        self.slow_on: int | None = None
        self.hanging = asyncio.Event()
        self.release = asyncio.Event()

    async def hook(self, request: web.Request) -> web.Response:
        body = orjson.loads(await request.read())
        self.calls += 1
        if self.calls == self.hang_on:
            self.hanging.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.release.wait(), 30)
            return web.Response(status=503)
        if self.calls == self.slow_on:
            self.hanging.set()
            await asyncio.sleep(1.0)
        self.accepted.append(body["id"])
        return web.Response(status=204)


@pytest.fixture
async def site(aiohttp_server: Any) -> Any:
    receiver = Site()
    app = web.Application()
    app.router.add_post("/hook", receiver.hook)
    server = await aiohttp_server(app)
    yield receiver, str(server.make_url("/hook"))
    receiver.release.set()


async def test_consume_prints_each_event_as_a_json_line(
    client: Client, redis_url: str, key_prefix: str
) -> None:
    ids = await approved_comments(client, 3)
    env = environment(redis_url=redis_url, key_prefix=key_prefix)
    code, out, err = await consume_once(env, "--group", "printer")
    assert code == 0, err
    events = [orjson.loads(line) for line in out.splitlines()]
    assert [event["id"] for event in events] == ids
    assert {event["event"] for event in events} == {"approved"}
    assert events[0]["comment"]["id"] == ids[0]

    code, out, _ = await consume_once(env, "--group", "printer")
    assert (code, out) == (0, b"")


async def test_consume_without_a_redis_says_what_it_needs(tmp_path: Path) -> None:
    env = environment(data_dir=str(tmp_path / "var"))
    code, out, err = await consume_once(env)
    assert code == 2
    assert out == b""
    assert b"REPLYGUARD_REDIS_URL" in err
    assert b"Traceback" not in err


async def test_consume_finds_the_embedded_redis_of_a_running_service(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert embedded_url(data_dir) is None
    with EmbeddedRedis(data_dir) as url:
        assert embedded_url(data_dir) == url
        server = redis.asyncio.Redis.from_url(url)
        try:
            stream = Keys().approved_stream()
            await server.xadd(stream, {"event": "approved", "id": "c1", "comment": "{}"})
            code, out, err = await consume_once(environment(data_dir=str(data_dir)))
        finally:
            await server.aclose()
    assert code == 0, err
    assert orjson.loads(out)["id"] == "c1"
    assert embedded_url(data_dir) is None  # stopped: its pid file is gone


async def test_a_consumer_killed_mid_batch_loses_nothing(
    client: Client, redis_url: str, key_prefix: str, site: Any, redis_client: redis.asyncio.Redis
) -> None:
    receiver, url = site
    ids = await approved_comments(client, 12)
    receiver.hang_on = 4  # the site stops answering in the middle of the first batch
    env = environment(redis_url=redis_url, key_prefix=key_prefix)
    victim = await start_consume(
        env, "--webhook", url, "--batch", "5", "--consumer", "victim", "--webhook-timeout", "30"
    )
    await asyncio.wait_for(receiver.hanging.wait(), 30)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    receiver.release.set()
    assert receiver.accepted == ids[:3]
    stream = Keys(key_prefix).approved_stream()
    assert await pending(redis_client, stream) == {"victim": 2}  # the 4th and 5th

    await asyncio.sleep(0.3)
    code, _, err = await consume_once(env, "--webhook", url, "--claim-idle-ms", "200")
    assert code == 0, err
    assert sorted(receiver.accepted) == sorted(ids)  # every one delivered, none lost
    assert len(receiver.accepted) == len(ids)  # and here none twice: none was acknowledged late
    assert await pending(redis_client, stream) == {}


async def test_sigterm_finishes_the_delivery_in_hand_then_exits(
    client: Client, redis_url: str, key_prefix: str, site: Any, redis_client: redis.asyncio.Redis
) -> None:
    receiver, url = site
    ids = await approved_comments(client, 6)
    receiver.slow_on = 2
    env = environment(redis_url=redis_url, key_prefix=key_prefix)
    process = await start_consume(env, "--webhook", url, "--consumer", "web-1")
    await asyncio.wait_for(receiver.hanging.wait(), 30)
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    _, err = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, err
    assert time.monotonic() - started < 5
    assert receiver.accepted == ids[:2]  # the event in hand was delivered and acknowledged
    stream = Keys(key_prefix).approved_stream()
    assert await pending(redis_client, stream) == {"web-1": 4}

    code, _, err = await consume_once(env, "--webhook", url, "--consumer", "web-1")
    assert code == 0, err
    assert receiver.accepted == ids  # in order, each once
    assert await pending(redis_client, stream) == {}


async def test_a_failing_webhook_leaves_entries_pending_for_the_next_run(
    client: Client, redis_url: str, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    from ..conftest import free_port

    ids = await approved_comments(client, 2)
    env = environment(redis_url=redis_url, key_prefix=key_prefix)
    nowhere = f"http://127.0.0.1:{free_port()}/hook"
    code, _, err = await consume_once(
        env, "--webhook", nowhere, "--webhook-attempts", "1", "--consumer", "cron"
    )
    assert code == 1
    assert b"delivery failed" in err
    stream = Keys(key_prefix).approved_stream()
    assert await pending(redis_client, stream) == {"cron": 2}
    code, out, _ = await consume_once(env, "--consumer", "cron")
    assert code == 0
    assert [orjson.loads(line)["id"] for line in out.splitlines()] == ids
