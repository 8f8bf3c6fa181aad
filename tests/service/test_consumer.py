"""The approved-stream consumer against a real Redis: acknowledge after success, claim the rest."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio
from aiohttp.test_utils import TestClient

from service.consumer import Consumer, ConsumerOptions, DeliveryFailed, Event
from service.keys import Keys
from service.streamgroup import StreamGroup

from ..conftest import RedisProcess
from .conftest import ClientFactory, form

Client = TestClient[Any, Any]
QUIET_MODEL = {"spam_hold": 1.0, "spam_threshold": 1.0, "abuse_hold": 1.0, "abuse_reject": 1.0}
_serial = itertools.count()


async def approved_comments(client: Client, count: int) -> list[str]:
    """Post ``count`` distinct comments that the (quiet) model approves; their ids in order."""
    ids = []
    for _ in range(count):
        n = next(_serial)
        response = await client.post(
            "/comments", data=form(author=f"Reader {n}", comment=f"Point number {n}, well made.")
        )
        body = await response.json()
        assert response.status == 201, body
        assert body["status"] == "approved", body
        ids.append(body["id"])
    return ids


class Recorder:
    """A handler that records what it delivered and can fail or stop on chosen events."""

    def __init__(self, fail_at: int | None = None, stop: asyncio.Event | None = None) -> None:
        self.delivered: list[Event] = []
        self.calls = 0
        self.fail_at = fail_at
        self.stop_at: int | None = None
        self.stop = stop
        self.wanted = 0
        self.enough = asyncio.Event()

    async def __call__(self, event: Event) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise DeliveryFailed("the site is down")
        self.delivered.append(event)
        if self.wanted and len(self.delivered) >= self.wanted:
            self.enough.set()
        if self.calls == self.stop_at and self.stop is not None:
            self.stop.set()

    @property
    def ids(self) -> list[str]:
        return [event.id for event in self.delivered]


@pytest.fixture
async def client(make_client: ClientFactory) -> Client:
    return await make_client(**QUIET_MODEL)


@pytest.fixture
def stream(key_prefix: str) -> str:
    return Keys(key_prefix).approved_stream()


def consumer(
    redis_client: redis.asyncio.Redis, stream: str, name: str, handler: Any, **options: Any
) -> Consumer:
    group = StreamGroup(redis_client, stream, "site", name)
    return Consumer(group, ConsumerOptions("site", name, **options), handler)


async def pending(redis_client: redis.asyncio.Redis, stream: str) -> dict[str, int]:
    """Pending entries per consumer of the group."""
    summary = await redis_client.xpending(stream, "site")
    return {c["name"].decode(): int(c["pending"]) for c in summary["consumers"]}


async def test_delivers_every_event_in_order_and_acknowledges_it(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 5)
    recorder = Recorder()
    first = consumer(redis_client, stream, "a", recorder, batch=2)
    assert await first.run(once=True)
    assert recorder.ids == ids
    event = recorder.delivered[0]
    assert event.event == "approved"
    assert event.comment["id"] == ids[0]
    assert event.comment["content"].startswith("Point number")
    assert event.entry.count("-") == 1
    assert await pending(redis_client, stream) == {}
    assert first.tally.delivered == 5

    again = Recorder()
    assert await consumer(redis_client, stream, "b", again).run(once=True)
    assert again.ids == []


async def test_a_failed_delivery_stays_pending_and_is_claimed_by_another_consumer(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 5)
    failing = Recorder(fail_at=3)
    first = consumer(redis_client, stream, "a", failing)
    assert not await first.run(once=True)
    assert failing.ids == ids[:2]
    assert await pending(redis_client, stream) == {"a": 3}
    await first.close()  # keeps its name: it still holds entries
    assert await pending(redis_client, stream) == {"a": 3}

    patient = Recorder()
    assert await consumer(redis_client, stream, "b", patient, claim_idle_ms=60_000).run(once=True)
    assert patient.ids == []  # not idle long enough to be taken over
    assert await pending(redis_client, stream) == {"a": 3}

    rescuer = Recorder()
    second = consumer(redis_client, stream, "c", rescuer, claim_idle_ms=0)
    assert await second.run(once=True)
    assert rescuer.ids == ids[2:]
    assert second.tally.claimed == 3
    assert await pending(redis_client, stream) == {}
    assert set(failing.ids + rescuer.ids) == set(ids)


async def test_a_consumer_resumes_its_own_pending_entries_first(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 4)
    assert not await consumer(redis_client, stream, "a", Recorder(fail_at=2)).run(once=True)
    ids += await approved_comments(client, 2)
    again = Recorder()
    assert await consumer(redis_client, stream, "a", again).run(once=True)
    assert again.ids == ids[1:]
    assert await pending(redis_client, stream) == {}


async def test_stopping_mid_batch_finishes_the_event_in_hand_and_keeps_the_rest(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 5)
    stopper = Recorder()
    first = consumer(redis_client, stream, "a", stopper)
    stopper.stop, stopper.stop_at = first.stop, 2
    assert await first.run()
    assert stopper.ids == ids[:2]
    await first.close()
    assert await pending(redis_client, stream) == {"a": 3}

    rest = Recorder()
    assert await consumer(redis_client, stream, "a", rest).run(once=True)
    assert stopper.ids + rest.ids == ids  # nothing lost, nothing twice


async def test_erased_entries_are_acknowledged_without_delivery(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 3)
    assert not await consumer(redis_client, stream, "a", Recorder(fail_at=1)).run(once=True)
    entries = await redis_client.xrange(stream)
    await redis_client.xdel(stream, entries[0][0])  # as an erasure does
    after = Recorder()
    resumed = consumer(redis_client, stream, "a", after)
    assert await resumed.run(once=True)
    assert after.ids == ids[1:]
    assert resumed.tally.skipped == 1
    assert await pending(redis_client, stream) == {}


async def test_the_group_is_created_again_if_it_disappears(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    ids = await approved_comments(client, 2)
    recorder = Recorder()
    one = consumer(redis_client, stream, "a", recorder)
    assert await one.run(once=True)
    await redis_client.xgroup_destroy(stream, "site")
    assert await one.run(once=True)
    assert recorder.ids == ids + ids  # a new group starts from the stream's beginning


async def test_a_waiting_read_ends_as_soon_as_the_consumer_is_stopped(
    redis_client: redis.asyncio.Redis, stream: str
) -> None:
    waiting = consumer(redis_client, stream, "a", Recorder(), block_ms=20_000)
    task = asyncio.create_task(waiting.run())
    await asyncio.sleep(0.3)
    started = time.monotonic()
    waiting.stop.set()
    assert await asyncio.wait_for(task, 5)
    assert time.monotonic() - started < 2
    await waiting.close()
    consumers = await redis_client.xinfo_consumers(stream, "site")
    assert consumers == []  # it left the group: nothing was pending under its name


async def test_new_events_reach_a_running_consumer(
    client: Client, redis_client: redis.asyncio.Redis, stream: str
) -> None:
    recorder = Recorder()
    recorder.wanted = 3
    running = consumer(redis_client, stream, "a", recorder, block_ms=200)
    task = asyncio.create_task(running.run())
    try:
        ids = await approved_comments(client, 3)
        await asyncio.wait_for(recorder.enough.wait(), 10)
        assert recorder.ids == ids
    finally:
        running.stop.set()
        await asyncio.wait_for(task, 5)


async def test_a_running_consumer_rides_out_a_redis_restart(tmp_path: Path) -> None:
    server = RedisProcess(tmp_path / "redis")
    server.start()
    client = redis.asyncio.Redis.from_url(server.url, socket_timeout=5)
    stream = Keys().approved_stream()
    recorder = Recorder()
    running = consumer(client, stream, "a", recorder, block_ms=200)
    task = asyncio.create_task(running.run())
    try:
        recorder.wanted = 1
        await client.xadd(stream, {"event": "approved", "id": "c0", "comment": "{}"})
        await asyncio.wait_for(recorder.enough.wait(), 10)
        # Kill only once c0 is acknowledged: killed between the handler and the XACK, it would
        # rightly be delivered again (at least once), which is not what this test is about.
        for _ in range(100):
            if (await client.xpending(stream, "site"))["pending"] == 0:
                break
            await asyncio.sleep(0.05)
        await asyncio.to_thread(server.stop, True)  # SIGKILL
        await asyncio.sleep(0.5)
        await asyncio.to_thread(server.start)  # from its append-only file
        recorder.wanted = 2
        recorder.enough.clear()
        await client.xadd(stream, {"event": "approved", "id": "c1", "comment": "{}"})
        await asyncio.wait_for(recorder.enough.wait(), 20)
        assert recorder.ids == ["c0", "c1"]
    finally:
        running.stop.set()
        await asyncio.wait_for(task, 10)
        await client.aclose()
        server.stop()
