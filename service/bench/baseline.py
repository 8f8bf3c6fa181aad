"""The baseline: bare aiohttp reading the same form post and answering a fixed 201 JSON."""

from __future__ import annotations

import argparse

import uvloop
from aiohttp import web

_BODY = b'{"id":"01JDQ0000000000000000000000","status":"approved"}'


async def _post(request: web.Request) -> web.Response:
    await request.post()
    return web.Response(status=201, body=_BODY, content_type="application/json")


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def main() -> None:
    """Serve the baseline on the given port until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/comments", _post)
    app.router.add_get("/readyz", _ok)
    app.router.add_get("/healthz", _ok)
    web.run_app(
        app,
        host="127.0.0.1",
        port=args.port,
        access_log=None,
        print=None,
        loop=uvloop.new_event_loop(),
    )


if __name__ == "__main__":
    main()
