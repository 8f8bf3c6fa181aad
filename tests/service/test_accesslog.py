"""The batched access log: every request one JSON line, written together, nothing personal."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterator

import orjson
import pytest

from service.accesslog import AccessLog, RequestIds


@pytest.fixture
def info_enabled() -> Iterator[None]:
    logging.getLogger("replyguard.access").setLevel(logging.INFO)
    yield
    logging.getLogger("replyguard.access").setLevel(logging.NOTSET)


async def test_lines_are_written_together(info_enabled: None) -> None:
    out = io.BytesIO()
    log = AccessLog(out, interval=0.05)
    for i in range(3):
        log.record("POST", "/comments", 201, 0.0123, f"rid{i}")
    assert out.getvalue() == b""  # nothing on the request path
    await asyncio.sleep(0.1)
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["rid0", "rid1", "rid2"]
    assert lines[0] | {"time": "t"} == {
        "time": "t",
        "level": "INFO",
        "logger": "replyguard.access",
        "message": "request",
        "request_id": "rid0",
        "method": "POST",
        "route": "/comments",
        "status": 201,
        "duration_ms": 12.3,
    }


async def test_close_writes_what_is_left(info_enabled: None) -> None:
    out = io.BytesIO()
    log = AccessLog(out, interval=60)
    log.record("GET", "/healthz", 200, 0.001, "r")
    log.close()
    assert orjson.loads(out.getvalue())["route"] == "/healthz"


async def test_nothing_when_info_is_off() -> None:
    logging.getLogger("replyguard.access").setLevel(logging.WARNING)
    try:
        out = io.BytesIO()
        log = AccessLog(out, interval=0.01)
        log.record("GET", "/healthz", 200, 0.001, "r")
        log.close()
        assert out.getvalue() == b""
    finally:
        logging.getLogger("replyguard.access").setLevel(logging.NOTSET)


def test_request_ids_are_unique() -> None:
    one, two = RequestIds(), RequestIds()
    ids = {one.new() for _ in range(1000)} | {two.new() for _ in range(1000)}
    assert len(ids) == 2000
