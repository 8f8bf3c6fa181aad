"""The Akismet-compatible API, driven by the real `akismet` client from PyPI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import akismet
import httpx
import orjson
import pytest
import redis.asyncio
from aiohttp.test_utils import TestClient

from service.keys import Keys
from service.schemas import Status

from .conftest import ClientFactory, bearer
from .test_rules import MODEL_QUIET, MODEL_REJECTS, MODEL_SPAM, patch_rules

Client = TestClient[Any, Any]
KEY = "akismet-test-key"
BLOG = "https://news.example.com"
BENIGN = {
    "comment_content": "Will the new bridge have a cycle lane? The article does not say.",
    "comment_author": "Maria Lopez",
    "comment_author_email": "maria@example.org",
    "comment_type": "comment",
    "user_agent": "Mozilla/5.0",
    "permalink": f"{BLOG}/2026/11/30/story/",
}


class Readdress(httpx.AsyncBaseTransport):
    """Sends every request the Akismet client makes to rest.akismet.com to the test server."""

    def __init__(self, base: str) -> None:
        self.base = httpx.URL(base)
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


Connect = Callable[..., Awaitable[akismet.AsyncClient]]


@pytest.fixture
async def service(make_client: ClientFactory) -> Client:
    return await make_client(api_keys=[KEY, "another-key"])


@pytest.fixture
async def connect(service: Client) -> AsyncIterator[Connect]:
    http_clients: list[httpx.AsyncClient] = []

    async def make(key: str = KEY) -> akismet.AsyncClient:
        http = httpx.AsyncClient(
            transport=Readdress(str(service.make_url("/"))),
            headers={"User-Agent": akismet.USER_AGENT},
            timeout=10,
        )
        http_clients.append(http)
        return await akismet.AsyncClient.validated_client(
            config=akismet.Config(key=key, url=BLOG), http_client=http
        )

    yield make
    for http in http_clients:
        await http.aclose()


async def raw(service: Client, path: str, **fields: str) -> Any:
    response = await service.post(path, data={"api_key": KEY, "blog": BLOG, **fields})
    return response.status, await response.text(), response.headers


async def test_verify_key(connect: Connect, service: Client) -> None:
    client = await connect()
    assert await client.verify_key() is True
    with pytest.raises(akismet.APIKeyError):
        await connect("wrong-key")
    status, body, headers = await raw(service, "/1.1/verify-key", key="wrong")
    assert (status, body) == (200, "invalid")
    assert headers["X-akismet-debug-help"]


async def test_ham_and_spam_answers(
    connect: Connect, service: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    client = await connect()
    await patch_rules(service, **MODEL_QUIET)
    assert await client.comment_check(user_ip="203.0.113.5", **BENIGN) == akismet.CheckResponse.HAM
    spam = {**BENIGN, "comment_author": "viagra-test-123"}
    assert await client.comment_check(user_ip="203.0.113.5", **spam) == akismet.CheckResponse.SPAM
    guaranteed = {**BENIGN, "comment_author_email": "akismet-guaranteed-spam@example.com"}
    assert (
        await client.comment_check(user_ip="203.0.113.5", **guaranteed)
        == akismet.CheckResponse.SPAM
    )
    admin = {**spam, "user_role": "administrator"}
    assert await client.comment_check(user_ip="203.0.113.5", **admin) == akismet.CheckResponse.HAM
    # comment-check never stores a comment.
    for status in Status:
        assert await redis_client.zcard(Keys(key_prefix).queue(status)) == 0


@pytest.mark.parametrize(
    ("rules", "fields", "expected", "status"),
    [
        (MODEL_QUIET, {}, akismet.CheckResponse.HAM, "approved"),
        (MODEL_SPAM, {}, akismet.CheckResponse.SPAM, "spam"),
        (MODEL_REJECTS, {}, akismet.CheckResponse.SPAM, "rejected"),
        (
            MODEL_QUIET | {"disallowed_keys": ["bridge"]},
            {},
            akismet.CheckResponse.DISCARD,
            "rejected",
        ),
        (MODEL_QUIET | {"moderation_keys": ["bridge"]}, {}, akismet.CheckResponse.HAM, "pending"),
        (
            MODEL_QUIET,
            {"comment_content": "http://a.example http://b.example"},
            akismet.CheckResponse.HAM,
            "pending",
        ),
        (MODEL_SPAM | {"shadow_mode": "approve"}, {}, akismet.CheckResponse.HAM, "approved"),
    ],
)
async def test_rules_through_comment_check(
    connect: Connect,
    service: Client,
    rules: dict[str, Any],
    fields: dict[str, str],
    expected: akismet.CheckResponse,
    status: str,
) -> None:
    await patch_rules(service, **rules)
    client = await connect()
    answer = await client.comment_check(user_ip="203.0.113.9", **{**BENIGN, **fields})  # type: ignore[arg-type]
    assert answer == expected
    _, _, headers = await raw(
        service, "/1.1/comment-check", user_ip="203.0.113.9", **{**BENIGN, **fields}
    )
    assert headers["X-replyguard-status"] == status
    assert headers["X-akismet-guid"]


async def test_honeypot_through_comment_check(service: Client) -> None:
    """Akismet's honeypot: the client names the field and sends what was typed into it."""
    await patch_rules(service, **MODEL_QUIET)
    fields = {**BENIGN, "user_ip": "203.0.113.9", "honeypot_field_name": "hp"}
    status, body, headers = await raw(service, "/1.1/comment-check", **fields, hp="gotcha")
    assert (status, body, headers["X-akismet-pro-tip"]) == (200, "true", "discard")
    _, body, headers = await raw(service, "/1.1/comment-check", **fields, hp="")
    assert body == "false"
    assert "X-akismet-pro-tip" not in headers


async def test_trusted_author_through_comment_check(connect: Connect, service: Client) -> None:
    await patch_rules(service, **MODEL_QUIET)
    await service.post(
        "/comments",
        data={
            "comment": "First!",
            "author": "Maria Lopez",
            "email": "maria@example.org",
            "comment_post_ID": "1",
        },
    )
    await patch_rules(service, spam_hold=0.0)
    client = await connect()
    assert await client.comment_check(user_ip="203.0.113.9", **BENIGN) == akismet.CheckResponse.HAM
    _, _, headers = await raw(service, "/1.1/comment-check", user_ip="203.0.113.9", **BENIGN)
    assert headers["X-replyguard-status"] == "approved"


async def test_feedback_is_kept(
    connect: Connect, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    client = await connect()
    assert await client.submit_spam(user_ip="203.0.113.5", **BENIGN) is True
    assert await client.submit_ham(user_ip="203.0.113.6", **BENIGN) is True
    assert await client.submit_ham(user_ip="203.0.113.7", is_test=True, **BENIGN) is True
    entries = await redis_client.xrange(Keys(key_prefix).feedback_stream())
    assert [fields[b"label"] for _, fields in entries] == [b"spam", b"ham"]
    kept = orjson.loads(entries[0][1][b"comment"])
    assert kept["content"] == BENIGN["comment_content"]
    assert "203.0.113.5" not in str(entries)


async def test_erasing_an_address_removes_its_akismet_feedback(
    service: Client, connect: Connect, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    # An Akismet submission belongs to no stored comment, so erasure finds it by its address.
    client = await connect()
    other = BENIGN | {"comment_author_email": "someone.else@example.org"}
    assert await client.submit_spam(user_ip="203.0.113.5", **BENIGN) is True
    assert await client.submit_ham(user_ip="203.0.113.6", **BENIGN) is True
    assert await client.submit_ham(user_ip="203.0.113.7", **other) is True
    stream = Keys(key_prefix).feedback_stream()
    assert await redis_client.xlen(stream) == 3
    response = await service.post(
        "/moderation/erase", json={"email": " Maria@Example.org "}, headers=bearer()
    )
    assert response.status == 200, await response.text()
    left = await redis_client.xrange(stream)
    assert [orjson.loads(fields[b"comment"])["email"] for _, fields in left] == [
        "someone.else@example.org"
    ]
    assert await redis_client.exists(Keys(key_prefix).feedback_by_email("maria@example.org")) == 0


async def test_bad_calls(service: Client) -> None:
    status, body, headers = await raw(service, "/1.1/comment-check", **BENIGN)
    assert (status, body) == (200, "Missing required field: user_ip.")
    assert headers["X-akismet-debug-help"]
    response = await service.post(
        "/1.1/comment-check", data={"api_key": "nope", "blog": BLOG, "user_ip": "1.2.3.4"}
    )
    assert await response.text() == "invalid"
    assert response.headers["X-akismet-debug-help"]
    response = await service.post("/1.1/submit-spam", data={"api_key": "nope"})
    assert await response.text() == "invalid"
    bad = await service.post(
        "/1.1/comment-check",
        data=b"\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status == 400
    moderator_only = await service.get("/moderation/rules", headers=bearer())
    assert moderator_only.status == 200
