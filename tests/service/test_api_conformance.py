"""schemathesis against the live service: no 5xx, and every answer as /openapi.json says."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from classifier.scorer import Scorer
from service.app import create_app
from service.openapi import document
from service.settings import Settings

from ..conftest import delete_prefixed, free_port
from .conftest import ARTICLE, MODERATORS, ORIGIN, bearer, form

pytestmark = pytest.mark.slow

API_KEY = "conformance-api-key"
BROWSER = {"Accept": "text/html,*/*;q=0.8", "Referer": ARTICLE}
EXAMPLES_PER_OPERATION = 40
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CHECKS = [not_a_server_error, *CONFORMANCE, ignored_auth]


class LiveService:
    """The real application on a loopback port, served from a thread of its own."""

    def __init__(self, settings: Settings, scorer: Scorer) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._app = create_app(settings, scorer=scorer)
        self.comment_ids: list[str] = []  # comments that exist, for the moderator calls
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        runner = web.AppRunner(self._app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            self._ready.set()
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> LiveService:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the service did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


@pytest.fixture(scope="module")
def live(redis_url: str, scorer: Scorer) -> Iterator[LiveService]:
    prefix = f"replyguard-test:{uuid.uuid4().hex[:12]}:"
    settings = Settings(
        redis_url=redis_url,
        key_prefix=prefix,
        moderator_tokens=MODERATORS,  # type: ignore[arg-type]
        api_keys=[API_KEY],  # type: ignore[list-item]
        allowed_origins=[ORIGIN],
        secret_key="test-secret",  # type: ignore[arg-type]
        redis_timeout=2.0,
        token_failure="ignore",
        flood_seconds=0,
        rate_limit_per_minute=0,
    )
    with LiveService(settings, scorer) as service:
        for n in range(4):
            answer = requests.post(
                f"{service.base_url}/comments", data=form(comment=f"Comment {n}"), timeout=10
            )
            service.comment_ids.append(answer.json()["id"])
        yield service
    delete_prefixed(redis_url, prefix)


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


@pytest.fixture(scope="module")
def tally(tallies: dict[str, Counter[str]]) -> Counter[str]:
    return tallies.setdefault("schemathesis against the live service", Counter({"5xx": 0}))


schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(
    case: Any, live: LiveService, session: requests.Session, tally: Counter[str]
) -> None:
    headers = bearer() if case.operation.path.startswith("/moderation/") else {}
    if case.operation.path == "/comments" and tally["cases"] % 3 == 0:
        headers = BROWSER  # a browser's form post: 303s and HTML pages
    _let_some_through(case, live, turn=tally["cases"] % 2 == 0)
    transport = {"base_url": live.base_url, "session": session, "headers": headers, "timeout": 10}
    response = case.call(**transport)
    tally["cases"] += 1
    tally[f"{response.status_code // 100}xx"] += 1
    case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs=transport)


def _let_some_through(case: Any, live: LiveService, turn: bool) -> None:
    """Half the calls get what no generator can guess: the API key, our origin, real ids."""
    if not turn:
        return
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = live.comment_ids[len(case.path_parameters["id"]) % 4]
    if case.operation.path.startswith("/1.1/") and isinstance(case.body, dict):
        case.body["api_key"] = case.body["key"] = API_KEY
    if case.operation.method.upper() == "OPTIONS" and case.headers is not None:
        case.headers["Origin"] = ORIGIN
        case.headers["Access-Control-Request-Method"] = (
            "GET" if case.operation.path == "/form-token" else "POST"
        )
        case.headers["Access-Control-Request-Headers"] = "content-type"


@pytest.fixture(scope="module")
def without_redis(scorer: Scorer) -> Iterator[LiveService]:
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        moderator_tokens=MODERATORS,  # type: ignore[arg-type]
        api_keys=[API_KEY],  # type: ignore[list-item]
        secret_key="test-secret",  # type: ignore[arg-type]
        redis_timeout=0.5,
    )
    with LiveService(settings, scorer) as service:
        yield service


AKISMET_CHECK = {"api_key": API_KEY, "blog": ORIGIN, "user_ip": "203.0.113.9"}


@pytest.mark.parametrize(
    ("method", "path", "given"),
    [
        ("GET", "/readyz", {}),
        ("GET", "/form-token", {"query": {"post": 4127}}),
        ("POST", "/comments", {"body": form(), "media_type": "application/x-www-form-urlencoded"}),
        ("POST", "/comments", {"body": form(), "media_type": "application/json"}),
        ("GET", "/moderation/comments", {}),
        ("GET", "/moderation/rules", {}),
        ("PUT", "/moderation/posts/{post_id}", {"path_parameters": {"post_id": 4127}, "body": {}}),
        ("POST", "/1.1/comment-check", {"body": AKISMET_CHECK}),
    ],
)
def test_without_redis_the_answer_is_a_documented_503(
    without_redis: LiveService,
    session: requests.Session,
    method: str,
    path: str,
    given: dict[str, Any],
) -> None:
    headers = bearer() if path.startswith("/moderation/") else {}
    case = schema[path][method].Case(headers=headers, **given)
    transport = {"base_url": without_redis.base_url, "session": session, "timeout": 10}
    response = case.call(**transport)
    assert response.status_code == 503
    assert int(response.headers["retry-after"][0]) >= 1
    case.validate_response(
        response, checks=CONFORMANCE, headers=headers, transport_kwargs=transport
    )
