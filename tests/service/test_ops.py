"""Health, readiness and metrics."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from ..conftest import free_port
from .conftest import ClientFactory, bearer, form

Client = TestClient[Any, Any]


async def test_healthz(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_readyz_reports_redis_and_model(client: Client) -> None:
    response = await client.get("/readyz")
    assert response.status == 200
    body = await response.json()
    assert body["ready"] is True
    assert body["redis"]["ok"] is True
    assert body["redis"]["latency_ms"] >= 0
    assert body["model"]["loaded"] is True
    assert body["model"]["version"]


async def test_not_ready_and_503_without_redis(make_client: ClientFactory) -> None:
    client = await make_client(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    ready = await client.get("/readyz")
    assert ready.status == 503
    assert (await ready.json())["redis"]["ok"] is False
    assert (await client.get("/healthz")).status == 200
    response = await client.post("/comments", data=form())
    assert response.status == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "error" in await response.json()
    listed = await client.get("/moderation/comments", headers=bearer())
    assert listed.status == 503


async def test_metrics(client: Client) -> None:
    await client.post("/comments", data=form())
    await client.post("/comments", data=form(comment=""))
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    names = {re.split(r"[{ ]", line, maxsplit=1)[0] for line in samples}
    assert names
    assert all(name.startswith("replyguard_") for name in names)
    assert (
        'replyguard_http_requests_total{method="POST",route="/comments",status="201"} 1.0' in text
    )
    assert (
        'replyguard_http_requests_total{method="POST",route="/comments",status="422"} 1.0' in text
    )
    assert 'replyguard_decisions_total{reason="below_thresholds",status="approved"} 1.0' in text
    assert "replyguard_http_request_duration_seconds_bucket" in text
    assert "replyguard_scoring_seconds_count 1.0" in text
    assert 'replyguard_queue_depth{status="approved"} 1.0' in text
    assert re.search(r'replyguard_model_info\{version="[^"]+"\} 1\.0', text)


async def test_request_id_is_echoed(client: Client) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    generated = [(await client.get("/healthz")).headers["X-Request-ID"] for _ in range(2)]
    assert all(re.fullmatch(r"[0-9a-f]{22}", rid) for rid in generated)
    assert generated[0] != generated[1]


async def test_unknown_route_is_json_404(client: Client) -> None:
    response = await client.get("/nope")
    assert response.status == 404
    assert "error" in await response.json()
    wrong_method = await client.get("/comments")
    assert wrong_method.status == 405


async def test_scoring_on_a_thread_answers_the_same(make_client: ClientFactory) -> None:
    on_loop = await make_client()
    on_thread = await make_client(scoring_thread=True)
    answers = [
        await (await client.post("/comments", data=form(comment_post_ID=str(post)))).json()
        for post, client in ((1, on_loop), (2, on_thread))
    ]
    assert answers[0]["scores"] == answers[1]["scores"]
    assert answers[0]["reasons"] == answers[1]["reasons"]
