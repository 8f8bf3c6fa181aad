"""The consumer's handlers: JSON lines on stdout, and a webhook that must answer 2xx."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from service.consumer import DeliveryFailed, Event
from service.delivery import LinePrinter, Webhook

EVENT = Event(entry="1700000000000-0", event="approved", id="01KB", comment={"id": "01KB"})


class Site:
    """A webhook receiver that answers from a script: a status per call, or a pause."""

    def __init__(self) -> None:
        self.script: list[int | float] = []
        self.calls: list[tuple[dict[str, str], Any]] = []

    async def hook(self, request: web.Request) -> web.Response:
        self.calls.append((dict(request.headers), orjson.loads(await request.read())))
        step = self.script.pop(0) if self.script else 200
        if isinstance(step, float):
            await asyncio.sleep(step)
            return web.Response(status=200)
        if step == 302:
            raise web.HTTPFound("/elsewhere")
        return web.Response(status=step)


@pytest.fixture
async def site(aiohttp_server: Any) -> tuple[Site, str]:
    receiver = Site()
    app = web.Application()
    app.router.add_post("/hook", receiver.hook)
    server = await aiohttp_server(app)
    return receiver, str(server.make_url("/hook"))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as http:
        yield http


async def test_an_event_is_posted_as_json_with_its_entry_as_idempotency_key(
    site: tuple[Site, str], session: aiohttp.ClientSession
) -> None:
    receiver, url = site
    await Webhook(session, url)(EVENT)
    [(headers, body)] = receiver.calls
    assert body == {
        "entry": EVENT.entry,
        "event": "approved",
        "id": "01KB",
        "comment": EVENT.comment,
    }
    assert headers["Idempotency-Key"] == EVENT.entry
    assert headers["X-Replyguard-Event"] == "approved"
    assert headers["Content-Type"] == "application/json"


async def test_failed_attempts_are_retried_until_a_2xx(
    site: tuple[Site, str], session: aiohttp.ClientSession
) -> None:
    receiver, url = site
    receiver.script = [500, 503, 204]
    await Webhook(session, url, attempts=3, backoff=0.01)(EVENT)
    assert len(receiver.calls) == 3
    assert {headers["Idempotency-Key"] for headers, _ in receiver.calls} == {EVENT.entry}


@pytest.mark.parametrize("status", [400, 404, 500, 302])
async def test_no_2xx_after_every_attempt_is_a_failed_delivery(
    site: tuple[Site, str], session: aiohttp.ClientSession, status: int
) -> None:
    receiver, url = site
    receiver.script = [status] * 3
    with pytest.raises(DeliveryFailed, match=f"HTTP {status}"):
        await Webhook(session, url, attempts=3, backoff=0.01)(EVENT)
    assert len(receiver.calls) == 3


async def test_an_attempt_is_bounded_in_time(
    site: tuple[Site, str], session: aiohttp.ClientSession
) -> None:
    receiver, url = site
    receiver.script = [2.0, 2.0]
    started = time.monotonic()
    with pytest.raises(DeliveryFailed, match="no answer within"):
        await Webhook(session, url, timeout=0.2, attempts=2, backoff=0.01)(EVENT)
    assert time.monotonic() - started < 1.5


async def test_an_unreachable_site_is_a_failed_delivery(session: aiohttp.ClientSession) -> None:
    from ..conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryFailed, match="ClientConnectorError"):
        await Webhook(session, url, attempts=2, backoff=0.01)(EVENT)


async def test_stopping_cuts_the_wait_between_attempts_short(
    site: tuple[Site, str], session: aiohttp.ClientSession
) -> None:
    receiver, url = site
    receiver.script = [503] * 5
    stop = asyncio.Event()
    hook = Webhook(session, url, attempts=5, backoff=30.0, stop=stop)
    asyncio.get_running_loop().call_later(0.3, stop.set)
    started = time.monotonic()
    with pytest.raises(DeliveryFailed):
        await hook(EVENT)
    assert time.monotonic() - started < 2
    assert len(receiver.calls) == 1


async def test_the_printer_writes_one_flushed_line_per_event() -> None:
    out = io.BytesIO()
    await LinePrinter(out)(EVENT)
    await LinePrinter(out)(EVENT)
    lines = out.getvalue().splitlines()
    assert [orjson.loads(line)["entry"] for line in lines] == [EVENT.entry, EVENT.entry]


async def test_a_closed_output_is_a_failed_delivery() -> None:
    class Broken(io.BytesIO):
        def flush(self) -> None:
            raise BrokenPipeError("the reader went away")

    with pytest.raises(DeliveryFailed, match="cannot write"):
        await LinePrinter(Broken())(EVENT)
