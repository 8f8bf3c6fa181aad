"""The store against a real Redis: atomic writes, safe retries, cursors and compare-and-set."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import redis.asyncio

from service.errors import StoreUnavailable
from service.ids import new_id
from service.keys import Keys
from service.redisclient import opened
from service.schemas import CommentRecord, Reason, Scores, Status
from service.store import Created, Limits, Store, Submission, Transition

from ..conftest import free_port

LIMITS = Limits(duplicate_seconds=3600, flood_ms=0, rate_per_minute=0, retention_seconds=3600)


def submission(rec: CommentRecord) -> Submission:
    return Submission(rec.post_id, rec.parent_id, rec.author, rec.email, rec.content, "ip")


def record(status: Status = Status.PENDING, **changes: object) -> CommentRecord:
    values: dict[str, object] = {
        "id": new_id(),
        "post_id": 1,
        "parent_id": None,
        "author": "Maria",
        "email": "maria@example.org",
        "url": "",
        "content": "Hello",
        "cookies_consent": False,
        "ip_hash": "00",
        "user_agent": "",
        "referer": "",
        "created_at": datetime.now(UTC),
        "status": status,
        "decided_status": status,
        "scores": Scores(spam=0.1, abuse=0.2),
        "reasons": [Reason(code="test", message="test")],
        "model_version": "test",
    }
    values.update(changes)
    return CommentRecord.model_validate(values)


@pytest.fixture
def store(redis_client: redis.asyncio.Redis, key_prefix: str) -> Store:
    return Store(redis_client, Keys(key_prefix))


async def test_create_writes_record_queue_and_stream_together(store: Store) -> None:
    rec = record(Status.APPROVED)
    assert (await store.create(rec, submission(rec), LIMITS)).outcome == "created"
    stored = await store.get(rec.id)
    assert stored is not None
    assert stored.record == rec
    assert stored.rev == "1"
    assert await store.redis.zscore(store.keys.queue(Status.APPROVED), rec.id) == 0
    assert await store.redis.xlen(store.keys.approved_stream()) == 1


async def test_repeated_create_writes_nothing_twice(store: Store) -> None:
    rec = record(Status.APPROVED)
    await store.create(rec, submission(rec), LIMITS)
    again = await store.create(rec, submission(rec), LIMITS)  # a retry after a lost reply
    assert again.outcome == "created"
    assert await store.redis.xlen(store.keys.approved_stream()) == 1


async def test_idempotency_answer_is_kept_with_a_ttl(store: Store) -> None:
    first = record()
    created = await store.create(first, submission(first), LIMITS, ("key-1", b'{"a": 1}', 3600))
    assert created.outcome == "created"
    second = record(content="Something else")
    replay = await store.create(second, submission(second), LIMITS, ("key-1", b'{"a": 2}', 3600))
    assert replay == Created("replay", b'{"a": 1}')
    assert await store.get(second.id) is None
    ttl = await store.redis.ttl(store.keys.idempotency("key-1"))
    assert 3500 < ttl <= 3600


async def test_pages_follow_arrival_order(store: Store) -> None:
    records = [record(content=f"Comment {i}") for i in range(7)]
    for rec in records:
        await store.create(rec, submission(rec), LIMITS)
    got: list[str] = []
    cursor = None
    while True:
        items, cursor = await store.page(Status.PENDING, 3, cursor)
        got += [item.id for item in items]
        if cursor is None:
            break
    assert got == [rec.id for rec in records]


async def test_transition_is_compare_and_set(store: Store) -> None:
    rec = record()
    await store.create(rec, submission(rec), LIMITS)
    seen_by_ann = await store.get(rec.id)
    seen_by_bob = await store.get(rec.id)
    assert seen_by_ann is not None
    assert seen_by_bob is not None

    def change(seen_rev: str, status: Status, action_id: str) -> Transition:
        return Transition(
            record=rec.model_copy(update={"status": status}),
            expected_rev=seen_rev,
            old_status=Status.PENDING,
            action=status.value,
            moderator="x",
            at="2026-11-30T00:00:00+00:00",
            stream_event="approved" if status is Status.APPROVED else "",
            feedback_label="",
            action_id=action_id,
        )

    assert await store.transition(change(seen_by_ann.rev, Status.APPROVED, "a1"), 60) == "ok"
    assert await store.transition(change(seen_by_bob.rev, Status.SPAM, "b1"), 60) == "conflict"
    # A retry of the applied action (its reply lost) reports success and writes nothing more.
    assert await store.transition(change(seen_by_ann.rev, Status.APPROVED, "a1"), 60) == "ok"
    assert await store.redis.xlen(store.keys.approved_stream()) == 1
    after = await store.get(rec.id)
    assert after is not None
    assert (after.record.status, after.rev) == (Status.APPROVED, "2")
    assert await store.queue_depths() == {
        Status.APPROVED: 1,
        Status.PENDING: 0,
        Status.SPAM: 0,
        Status.REJECTED: 0,
    }


async def test_transition_of_a_missing_comment(store: Store) -> None:
    rec = record()
    outcome = await store.transition(
        Transition(rec, "1", Status.PENDING, "approve", "x", "t", "", "", "id"), 60
    )
    assert outcome == "missing"


async def test_unreachable_redis_is_store_unavailable() -> None:
    async with opened(f"redis://127.0.0.1:{free_port()}/0", command_timeout=0.2) as client:
        store = Store(client, Keys("replyguard-test:"))
        with pytest.raises(StoreUnavailable):
            await store.ping()
        rec = record()
        with pytest.raises(StoreUnavailable):
            await store.create(rec, submission(rec), LIMITS)


async def test_scripts_survive_a_script_flush(store: Store) -> None:
    """After a Redis restart the server forgets its scripts; calls load them again."""
    first = record()
    await store.create(first, submission(first), LIMITS)
    await store.redis.script_flush()
    second = record(content="After the flush")
    assert (await store.create(second, submission(second), LIMITS)).outcome == "created"
    assert await store.get(second.id) is not None


async def test_concurrent_calls_share_pipelines(store: Store) -> None:
    records = [record(content=f"Concurrent {i}") for i in range(50)]
    results = await asyncio.gather(*(store.create(rec, submission(rec), LIMITS) for rec in records))
    assert {r.outcome for r in results} == {"created"}
    contexts = await asyncio.gather(*(store.context(submission(rec)) for rec in records))
    assert all(ctx.duplicate_of == rec.id for ctx, rec in zip(contexts, records, strict=True))


async def _kept_connections(store: Store) -> list[int]:
    """The Redis client ids of the connections the script pipeline keeps between batches."""
    ids = []
    for connection in store._scripts._idle:
        await connection.send_command("CLIENT", "ID")
        ids.append(int(await connection.read_response()))
    return ids


async def test_batches_reuse_a_kept_connection_and_survive_its_loss(store: Store) -> None:
    first = record(content="First")
    await store.create(first, submission(first), LIMITS)
    kept = await _kept_connections(store)
    assert len(kept) == 1
    second = record(content="Second")
    await store.create(second, submission(second), LIMITS)
    assert await _kept_connections(store) == kept  # the same connection, not a pool round
    # Redis drops it (a restart, a timeout, CLIENT KILL): the next call still succeeds, on a
    # connection from the pool, and nothing is written twice.
    assert await store.redis.client_kill_filter(_id=kept[0]) == 1
    third = record(content="Third")
    assert (await store.create(third, submission(third), LIMITS)).outcome == "created"
    assert (
        await store.redis.exists(*(store.keys.comment(r.id) for r in (first, second, third))) == 3
    )
    assert len(await _kept_connections(store)) == 1
    assert await _kept_connections(store) != kept
    await store.close()
    assert store._scripts._idle == []


# A comment decided without reading the state first ----------------------------------------


async def _nothing_written(store: Store, rec: CommentRecord) -> bool:
    keys = store.keys
    return (
        await store.redis.exists(keys.comment(rec.id)) == 0
        and await store.redis.zscore(keys.queue(rec.status), rec.id) is None
        and await store.redis.xlen(keys.approved_stream()) == 0
    )


async def test_a_write_on_assumptions_that_hold_is_made(store: Store) -> None:
    rec = record(Status.APPROVED)
    created = await store.create(rec, submission(rec), LIMITS, unread_rules_version=0)
    assert created.outcome == "created"
    assert await store.redis.xlen(store.keys.approved_stream()) == 1
    # A retry after a lost reply: the comment's approval made its author trusted meanwhile,
    # yet the write that already happened is recognised, not sent back for a recheck.
    again = await store.create(rec, submission(rec), LIMITS, unread_rules_version=0)
    assert again.outcome == "created"
    assert await store.redis.xlen(store.keys.approved_stream()) == 1


async def test_trusted_author_sends_the_write_back_for_a_recheck(store: Store) -> None:
    first = record(Status.APPROVED)
    await store.create(first, submission(first), LIMITS)  # approval: the author is trusted
    second = record(Status.PENDING, content="A second comment")
    created = await store.create(second, submission(second), LIMITS, unread_rules_version=0)
    assert created.outcome == "recheck"
    assert await store.redis.exists(store.keys.comment(second.id)) == 0
    assert await store.redis.zscore(store.keys.queue(Status.PENDING), second.id) is None
    # Read first, the same write is made.
    read = await store.create(second, submission(second), LIMITS)
    assert read.outcome == "created"


@pytest.mark.parametrize(
    "state",
    [
        {"rules": "3"},  # rules changed by another worker since this one last read them
        {"closed": "1"},
        {"moderate_all": "1"},
    ],
)
async def test_other_rules_or_post_state_send_the_write_back(
    store: Store, state: dict[str, str]
) -> None:
    rec = record(Status.APPROVED)
    if "rules" in state:
        await store.redis.set(store.keys.rules_version(), state["rules"])
    else:
        await store.redis.hset(store.keys.post(rec.post_id), mapping=state)
    created = await store.create(rec, submission(rec), LIMITS, unread_rules_version=0)
    assert created.outcome == "recheck"
    assert await _nothing_written(store, rec)
    if "rules" in state:  # under the version Redis has, the write is made
        made = await store.create(rec, submission(rec), LIMITS, unread_rules_version=3)
        assert made.outcome == "created"
