"""The moderator API through the real application, against a real Redis."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import orjson
import pytest
import redis.asyncio
from aiohttp.test_utils import TestClient

from service.keys import Keys

from .conftest import ClientFactory, bearer, form

Client = TestClient[Any, Any]
_serial = itertools.count()
QUIET_MODEL = {"spam_hold": 1.0, "spam_threshold": 1.0, "abuse_hold": 1.0, "abuse_reject": 1.0}


@pytest.fixture
async def client(make_client: ClientFactory) -> Client:
    """The model kept quiet, so that the link rule alone holds the comments made here."""
    return await make_client(**QUIET_MODEL)


HELD = "Read this http://one.example and http://two.example and http://three.example today"


async def held_comment(client: Client, **fields: str) -> str:
    comment = f"{HELD} ({next(_serial)})"
    response = await client.post("/comments", data=form(comment=comment, **fields))
    body = await response.json()
    assert body["status"] == "pending", body
    return str(body["id"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic YW5uOmFubi1zZWNyZXQtdG9rZW4="},
        {"Authorization": "Bearer "},
        {"Authorization": "ann-secret-token"},
    ],
)
async def test_every_call_needs_a_valid_token(client: Client, headers: dict[str, str]) -> None:
    comment_id = await held_comment(client)
    for method, path in [
        ("GET", "/moderation/comments"),
        ("GET", f"/moderation/comments/{comment_id}"),
        ("POST", f"/moderation/comments/{comment_id}/approve"),
    ]:
        response = await client.request(method, path, headers=headers)
        assert response.status == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    item = await (await client.get(f"/moderation/comments/{comment_id}", headers=bearer())).json()
    assert item["status"] == "pending"


async def test_list_is_oldest_first_with_a_cursor(client: Client) -> None:
    ids = [await held_comment(client, author=f"Reader {i}") for i in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"status": "pending", "limit": "2"} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/moderation/comments", params=query, headers=bearer())
        assert response.status == 200
        page = await response.json()
        pages += 1
        seen += [item["id"] for item in page["items"]]
        for item in page["items"]:
            assert {"scores", "reasons", "model_version", "content", "email"} <= set(item)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert pages == 3


async def test_list_by_status(client: Client) -> None:
    held = await held_comment(client)
    approved = (await (await client.post("/comments", data=form())).json())["id"]
    page = await (await client.get("/moderation/comments?status=approved", headers=bearer())).json()
    assert [item["id"] for item in page["items"]] == [approved]
    page = await (await client.get("/moderation/comments", headers=bearer())).json()
    assert [item["id"] for item in page["items"]] == [held]


@pytest.mark.parametrize(
    "query", ["status=bogus", "limit=0", "limit=501", "limit=ten", "cursor=not%20an%20id"]
)
async def test_bad_queries_are_422(client: Client, query: str) -> None:
    response = await client.get(f"/moderation/comments?{query}", headers=bearer())
    assert response.status == 422
    assert "error" in await response.json()


@pytest.mark.parametrize("comment_id", ["01JDZZZZZZZZZZZZZZZZZZZZZZ", "nope", "../../etc"])
async def test_unknown_comment_is_404(client: Client, comment_id: str) -> None:
    response = await client.get(f"/moderation/comments/{comment_id}", headers=bearer())
    assert response.status == 404
    response = await client.post(f"/moderation/comments/{comment_id}/approve", headers=bearer())
    assert response.status == 404


async def test_unknown_action_is_404(client: Client) -> None:
    comment_id = await held_comment(client)
    response = await client.post(f"/moderation/comments/{comment_id}/publish", headers=bearer())
    assert response.status == 404


async def test_approving_a_held_comment_publishes_it(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    keys = Keys(key_prefix)
    comment_id = await held_comment(client)
    assert await redis_client.xlen(keys.approved_stream()) == 0

    response = await client.post(f"/moderation/comments/{comment_id}/approve", headers=bearer())
    assert response.status == 200
    record = await response.json()
    assert record["status"] == "approved"
    assert record["decided_status"] == "pending"
    [entry] = record["history"]
    assert entry["by"] == "ann"
    assert entry["action"] == "approve"
    assert (entry["from_status"], entry["to_status"]) == ("pending", "approved")

    [(_, fields)] = await redis_client.xrange(keys.approved_stream())
    assert fields[b"event"] == b"approved"
    assert fields[b"id"] == comment_id.encode()
    assert orjson.loads(fields[b"comment"])["status"] == "approved"

    [(_, audit)] = await redis_client.xrange(keys.audit_stream())
    assert audit[b"by"] == b"ann"
    assert (audit[b"action"], audit[b"from"], audit[b"to"]) == (b"approve", b"pending", b"approved")
    [(_, feedback)] = await redis_client.xrange(keys.feedback_stream())
    assert feedback[b"label"] == b"ham"

    again = await client.post(f"/moderation/comments/{comment_id}/approve", headers=bearer("bob"))
    assert again.status == 409


async def test_pulling_back_an_approved_comment_retracts_it(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    keys = Keys(key_prefix)
    comment_id = (await (await client.post("/comments", data=form())).json())["id"]
    response = await client.post(f"/moderation/comments/{comment_id}/spam", headers=bearer("bob"))
    assert response.status == 200
    assert (await response.json())["status"] == "spam"
    events = [f[b"event"] for _, f in await redis_client.xrange(keys.approved_stream())]
    assert events == [b"approved", b"retracted"]
    [(_, feedback)] = await redis_client.xrange(keys.feedback_stream())
    assert feedback[b"label"] == b"spam"
    assert feedback[b"by"] == b"bob"
    pending = await (await client.get("/moderation/comments?status=spam", headers=bearer())).json()
    assert [item["id"] for item in pending["items"]] == [comment_id]


async def test_hold_and_reject_move_between_queues(client: Client) -> None:
    comment_id = (await (await client.post("/comments", data=form())).json())["id"]
    for action, status in [("hold", "pending"), ("reject", "rejected"), ("approve", "approved")]:
        response = await client.post(
            f"/moderation/comments/{comment_id}/{action}", headers=bearer()
        )
        assert (await response.json())["status"] == status
        listed = await (
            await client.get(f"/moderation/comments?status={status}", headers=bearer())
        ).json()
        assert [item["id"] for item in listed["items"]] == [comment_id]


async def test_two_moderators_racing(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    """Many concurrent actions on one comment: each success is recorded once, the rest get 409."""
    keys = Keys(key_prefix)
    comment_id = await held_comment(client)
    actions = ["approve", "spam", "reject", "approve", "hold", "spam"] * 4
    responses = await asyncio.gather(
        *(
            client.post(
                f"/moderation/comments/{comment_id}/{action}",
                headers=bearer("ann" if i % 2 else "bob"),
            )
            for i, action in enumerate(actions)
        )
    )
    statuses = [r.status for r in responses]
    assert set(statuses) <= {200, 409}
    assert 409 in statuses
    wins = statuses.count(200)
    assert wins >= 1
    final = await (await client.get(f"/moderation/comments/{comment_id}", headers=bearer())).json()
    assert len(final["history"]) == wins
    # Each history entry starts where the previous one ended: no lost update.
    chain = [(h["from_status"], h["to_status"]) for h in final["history"]]
    assert chain[0][0] == "pending"
    for (_, before), (after, _) in itertools.pairwise(chain):
        assert before == after
    assert chain[-1][1] == final["status"]
    assert await redis_client.xlen(keys.audit_stream()) == wins
    approvals = sum(1 for _, to in chain if to == "approved")
    events = [f[b"event"] for _, f in await redis_client.xrange(keys.approved_stream())]
    assert events.count(b"approved") == approvals
    # The comment sits in exactly one queue.
    memberships = [
        await redis_client.zscore(keys.queue(status), comment_id) is not None
        for status in _statuses()
    ]
    assert memberships.count(True) == 1


def _statuses() -> list[Any]:
    from service.schemas import Status

    return list(Status)
