"""The batcher that lets concurrent requests share one model call (and one Redis write)."""

from __future__ import annotations

import asyncio
import time

from service.batching import TickBatcher


class Recorder:
    """A batch runner that keeps the batches it was given and when."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.at: list[float] = []

    async def run(self, items: list[int]) -> list[int | BaseException]:
        self.batches.append(list(items))
        self.at.append(time.perf_counter())
        return [i * 10 if i >= 0 else ValueError(f"bad {i}") for i in items]


async def test_calls_made_together_share_one_batch() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=64)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(5)))
    assert results == [0, 10, 20, 30, 40]
    assert rec.batches == [[0, 1, 2, 3, 4]]


async def _batches_of_two_calls(gap: int, ticks: int | None = None) -> list[list[int]]:
    """The batches of two calls, the second made ``gap`` loop iterations after the first."""
    rec = Recorder()
    batcher: TickBatcher[int, int] = (
        TickBatcher(rec.run, max_batch=64)
        if ticks is None
        else TickBatcher(rec.run, max_batch=64, ticks=ticks)
    )

    async def later() -> int:
        for _ in range(gap):
            await asyncio.sleep(0)
        return await batcher.submit(2)

    assert list(await asyncio.gather(batcher.submit(1), later())) == [10, 20]
    return rec.batches


async def test_a_call_fewer_ticks_later_joins_the_batch() -> None:
    # The default, three ticks: a call up to two loop iterations after the first joins it.
    assert TickBatcher(Recorder().run, max_batch=64).ticks == 3
    assert await _batches_of_two_calls(2) == [[1, 2]]
    assert await _batches_of_two_calls(3) == [[1], [2]]
    for ticks in (1, 2, 4):
        assert await _batches_of_two_calls(ticks - 1, ticks) == [[1, 2]]
        assert await _batches_of_two_calls(ticks, ticks) == [[1], [2]]


async def test_max_batch_splits_and_each_failure_stays_with_its_call() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=2)
    results = await asyncio.gather(
        *(batcher.submit(i) for i in (1, -1, 3, 4, 5)), return_exceptions=True
    )
    assert results[0] == 10
    assert results[2:] == [30, 40, 50]
    assert isinstance(results[1], ValueError)
    assert rec.batches == [[1, -1], [3, 4], [5]]


async def test_a_lone_call_is_not_kept_waiting() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=64, max_wait=5.0)
    started = time.perf_counter()
    assert await batcher.submit(7) == 70
    assert time.perf_counter() - started < 1.0


async def test_the_batch_waits_for_a_call_on_its_way() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=64, max_wait=5.0)
    coming = batcher.expect()

    async def late() -> int:
        await asyncio.sleep(0.05)  # e.g. still waiting for Redis
        return await batcher.submit(2, coming)

    first = asyncio.ensure_future(batcher.submit(1))
    await asyncio.sleep(0.02)
    assert not first.done()
    assert rec.batches == []
    assert await asyncio.gather(first, late()) == [10, 20]
    assert rec.batches == [[1, 2]]
    assert batcher.expected == 0


async def test_a_released_expectation_lets_the_batch_go() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=64, max_wait=5.0)
    coming = batcher.expect()
    first = asyncio.ensure_future(batcher.submit(1))
    await asyncio.sleep(0.02)
    assert not first.done()
    started = time.perf_counter()
    coming.release()  # that request was refused before scoring, say
    coming.release()  # releasing twice counts once
    assert await first == 10
    assert time.perf_counter() - started < 1.0
    assert batcher.expected == 0


async def test_the_wait_is_bounded() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=64, max_wait=0.05)
    never = batcher.expect()
    started = time.perf_counter()
    assert await batcher.submit(3) == 30
    waited = time.perf_counter() - started
    assert 0.04 <= waited < 1.0
    never.release()


async def test_a_full_batch_does_not_wait() -> None:
    rec = Recorder()
    batcher: TickBatcher[int, int] = TickBatcher(rec.run, max_batch=3, max_wait=5.0)
    pending = batcher.expect()
    started = time.perf_counter()
    assert await asyncio.gather(*(batcher.submit(i) for i in range(3))) == [0, 10, 20]
    assert time.perf_counter() - started < 1.0
    assert rec.batches == [[0, 1, 2]]
    pending.release()
