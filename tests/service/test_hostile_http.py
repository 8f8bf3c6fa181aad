"""Through HTTP, any body, content type and headers: a 2xx or a 4xx with a readable body."""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.openapi.public import FIELD_MESSAGES

from .conftest import ClientFactory, bearer, form
from .test_form_properties import BOUNDARY, bodies, content_types

Client = TestClient[Any, Any]
MAX_BODY = 4096
EXAMPLES = settings(
    max_examples=400,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

header_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\r\n"), max_size=80
)
ascii_text = st.text(string.ascii_letters + string.digits + string.punctuation + " \t", max_size=80)


def _sendable(value: str) -> bool:
    """What an HTTP client will put in a header: no control characters but the tab."""
    return all(ch == "\t" or (ch >= " " and ch != "\x7f") for ch in value)


headers = st.fixed_dictionaries(
    {},
    optional={
        "Accept": st.one_of(st.sampled_from(["text/html", "*/*", "application/json"]), ascii_text),
        "Idempotency-Key": st.one_of(ascii_text, header_text),
        "Referer": st.one_of(st.just("https://news.example.com/story/"), header_text),
        "X-Forwarded-For": st.one_of(st.just("203.0.113.9, 10.0.0.1"), ascii_text),
        "X-Request-ID": header_text,
        "Origin": st.one_of(st.just("https://news.example.com"), ascii_text),
        "User-Agent": header_text,
        "Authorization": st.one_of(st.just(bearer()["Authorization"]), ascii_text),
    },
)
valid_bodies = st.builds(
    lambda comment, extra: orjson.dumps({**form(comment=comment), **extra}),
    st.text(min_size=1, max_size=200),
    st.dictionaries(
        st.sampled_from(["redirect_to", "url", "comment_parent"]), st.text(max_size=40)
    ),
)
huge_bodies = st.integers(MAX_BODY - 10, MAX_BODY * 2).map(lambda n: b"comment=" + b"x" * n)
endpoints = st.sampled_from(
    [
        ("POST", "/comments"),
        ("POST", "/1.1/comment-check"),
        ("POST", "/1.1/verify-key"),
        ("POST", "/1.1/submit-spam"),
        ("PATCH", "/moderation/rules"),
        ("PUT", "/moderation/posts/4127"),
        ("POST", "/moderation/erase"),
    ]
)


@pytest.fixture
async def hostile_client(make_client: ClientFactory) -> Client:
    return await make_client(max_body_bytes=MAX_BODY, api_keys=["k"])


@pytest.fixture
def count(tallies: dict[str, Counter[str]], request: pytest.FixtureRequest) -> Counter[str]:
    return tallies.setdefault(f"hypothesis {request.node.name}", Counter({"5xx": 0}))


@EXAMPLES
@given(
    endpoint=endpoints,
    body=st.one_of(bodies, valid_bodies, huge_bodies),
    content_type=st.one_of(
        content_types.filter(_sendable),
        st.just(f"multipart/form-data; boundary={BOUNDARY}"),
    ),
    sent_headers=headers,
)
async def test_no_request_gets_a_5xx(
    hostile_client: Client,
    endpoint: tuple[str, str],
    body: bytes,
    content_type: str,
    sent_headers: dict[str, str],
    count: Counter[str],
) -> None:
    method, path = endpoint
    all_headers = {**sent_headers, "Content-Type": content_type} if content_type else sent_headers
    response = await hostile_client.request(
        method,
        path,
        data=body,
        headers=all_headers,
        skip_auto_headers=() if content_type else ("Content-Type",),
        allow_redirects=False,
    )
    raw = await response.read()
    count["examples"] += 1
    count[f"{response.status // 100}xx"] += 1
    assert response.status < 500, raw
    if response.content_type == "application/json":
        answer = orjson.loads(raw)
        if response.status == 422 and "errors" in answer and path == "/comments":
            assert all(
                message in FIELD_MESSAGES or message == f"{field} must be text"
                for field, message in answer["errors"].items()
            ), answer
        elif response.status >= 400:
            assert isinstance(answer.get("error", answer.get("errors")), str | dict), answer
