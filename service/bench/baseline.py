"""The baseline: bare aiohttp reading the same form post and answering a fixed 201 JSON."""

from __future__ import annotations

import argparse
import multiprocessing
import signal
import sys
from types import FrameType

import uvloop
from aiohttp import web

_BODY = b'{"id":"01JDQ0000000000000000000000","status":"approved"}'


async def _post(request: web.Request) -> web.Response:
    await request.post()
    return web.Response(status=201, body=_BODY, content_type="application/json")


async def _ok(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def _serve(port: int, reuse_port: bool) -> None:
    app = web.Application()
    app.router.add_post("/comments", _post)
    app.router.add_get("/readyz", _ok)
    app.router.add_get("/healthz", _ok)
    web.run_app(
        app,
        host="127.0.0.1",
        port=port,
        reuse_port=reuse_port,
        access_log=None,
        print=None,
        loop=uvloop.new_event_loop(),
    )


def main() -> None:
    """Serve the baseline on the given port until killed: one process, or several sharing the
    port (SO_REUSEPORT, as the service's workers do), to show what the machine gives a second
    process of the plainest server."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    if args.processes <= 1:
        _serve(args.port, reuse_port=False)
        return
    context = multiprocessing.get_context("fork")
    children = [
        context.Process(target=_serve, args=(args.port, True), daemon=True)
        for _ in range(args.processes)
    ]

    def stop(signum: int, frame: FrameType | None) -> None:
        for child in children:
            child.terminate()
        for child in children:
            child.join(10)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start()
    for child in children:
        child.join()


if __name__ == "__main__":
    main()
