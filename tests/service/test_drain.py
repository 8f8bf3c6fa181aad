"""Counting requests in flight, so that a stopping worker answers them before it shuts down."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from service.drain import InFlight


async def test_idle_waits_until_every_request_is_answered(aiohttp_client: Any) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        entered.set()
        await release.wait()
        return web.Response(text="done")

    async def broken(request: web.Request) -> web.Response:
        raise web.HTTPBadRequest()

    app = web.Application()
    in_flight = InFlight()
    in_flight.install(app)
    app.router.add_get("/slow", slow)
    app.router.add_get("/broken", broken)
    client = await aiohttp_client(app)

    assert await in_flight.idle(0.1)
    pending = asyncio.create_task(client.get("/slow"))
    await asyncio.wait_for(entered.wait(), 5)
    assert in_flight.count == 1
    assert not await in_flight.idle(0.1)
    assert (await client.get("/broken")).status == 400
    assert in_flight.count == 1  # an error answer is counted out too
    release.set()
    assert await in_flight.idle(5)
    response = await pending
    assert await response.text() == "done"
    assert in_flight.count == 0
