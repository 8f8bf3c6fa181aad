"""Requests in flight, counted so that a stopping worker can answer them before it shuts down."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from .middlewares import Handler


class InFlight:
    """A middleware that counts the requests being handled, and a wait for none to be left."""

    # aiohttp's own shutdown stops reading every connection at once (aio-libs/aiohttp#2298):
    # a request whose body is still arriving would hang until the shutdown timeout and then be
    # cancelled. So a worker stops listening, waits here until what it accepted is answered,
    # and only then shuts the application down.

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    def install(self, app: web.Application) -> None:
        """Count every request of ``app``, errors included (the outermost middleware)."""
        app.middlewares.insert(0, self.middleware)

    async def idle(self, seconds: float) -> bool:
        """Wait until no request is being handled; False if some still were after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), seconds)
        return self.count == 0
