"""Requests are bounded: URL, header lines, number of headers, body; past them a 4xx, never 5xx."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.app import MAX_HEADER_LINE, MAX_HEADERS, MAX_REQUEST_LINE

from .conftest import ClientFactory, form

Client = TestClient[Any, Any]


async def test_a_long_url_is_refused(client: Client) -> None:
    response = await client.get("/form-token?post=1&pad=" + "x" * MAX_REQUEST_LINE)
    assert response.status in (400, 414)


async def test_a_url_within_the_limit_is_served(client: Client) -> None:
    response = await client.get("/form-token?post=1&pad=" + "x" * (MAX_REQUEST_LINE - 200))
    assert response.status == 200


@pytest.mark.parametrize("name", ["Referer", "X-Pad", "Idempotency-Key", "Cookie"])
async def test_a_long_header_is_refused(client: Client, name: str) -> None:
    response = await client.post(
        "/comments", data=form(), headers={name: "x" * (MAX_HEADER_LINE + 1)}
    )
    assert response.status in (400, 431)


async def test_a_header_within_the_limit_is_taken(client: Client) -> None:
    response = await client.post(
        "/comments", data=form(), headers={"X-Pad": "x" * (MAX_HEADER_LINE - 100)}
    )
    assert response.status == 201


async def test_too_many_headers_are_refused(client: Client) -> None:
    headers = {f"X-Pad-{n}": "x" for n in range(MAX_HEADERS + 1)}
    response = await client.post("/comments", data=form(), headers=headers)
    assert response.status in (400, 431)


async def test_many_headers_within_the_limit_are_taken(client: Client) -> None:
    headers = {f"X-Pad-{n}": "x" for n in range(MAX_HEADERS - 16)}  # room for the client's own
    response = await client.post("/comments", data=form(), headers=headers)
    assert response.status == 201


async def test_a_chunked_body_past_the_limit_is_413(make_client: ClientFactory) -> None:
    client = await make_client(max_body_bytes=4096)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"comment="
        for _ in range(10):
            yield b"x" * 1024

    response = await client.post(
        "/comments",
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 413
    assert "error" in await response.json()


@pytest.mark.parametrize("path", ["/1.1/comment-check", "/moderation/rules", "/moderation/erase"])
async def test_every_body_is_bounded(make_client: ClientFactory, path: str) -> None:
    client = await make_client(max_body_bytes=4096)
    response = await client.request(
        "PATCH" if path == "/moderation/rules" else "POST",
        path,
        data=b"{" + b" " * 10_000 + b"}",
        headers={"Content-Type": "application/json", "Authorization": "Bearer ann-secret-token"},
    )
    assert response.status == 413


@pytest.mark.parametrize(
    "head",
    [
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n",
        b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # TLS sent to the HTTP port
        b"POST /comments HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /comments HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
async def test_a_broken_request_head_is_400_and_the_server_goes_on(
    client: Client, head: bytes
) -> None:
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(head)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    await writer.wait_closed()
    assert re.match(rb"HTTP/1\.[01] 4\d\d ", status_line), status_line
    assert (await client.get("/healthz")).status == 200
