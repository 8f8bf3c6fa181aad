"""Scores comments that arrive together as one batch, off the event loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor

from classifier.scorer import CommentInput, Scorer
from classifier.scorer import Scores as ModelScores

Observer = Callable[[float, int], None]


class BatchScorer:
    """Collects the comments submitted within one loop iteration and scores them in one call.

    The model's per-call cost dominates single comments, so concurrent requests share a call.
    With an executor the loop keeps serving while a batch is scored.
    """

    def __init__(
        self,
        scorer: Scorer,
        *,
        max_batch: int = 256,
        explain: int = 5,
        executor: Executor | None = None,
        observe: Observer | None = None,
    ) -> None:
        self.scorer = scorer
        self.max_batch = max_batch
        self.explain = explain
        self.executor = executor
        self.observe = observe
        self._waiting: list[tuple[CommentInput, asyncio.Future[ModelScores]]] = []
        self._flush_scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def version(self) -> str:
        return self.scorer.version

    async def score(self, item: CommentInput) -> ModelScores:
        """The scores (with explanations) of one comment."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ModelScores] = loop.create_future()
        self._waiting.append((item, future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._flush_scheduled = False
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            task = asyncio.ensure_future(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[CommentInput, asyncio.Future[ModelScores]]]) -> None:
        items = [item for item, _ in batch]
        started = time.perf_counter()
        try:
            if self.executor is None:
                results = self._score(items)
            else:
                loop = asyncio.get_running_loop()
                results = await loop.run_in_executor(self.executor, self._score, items)
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        if self.observe is not None:
            self.observe(time.perf_counter() - started, len(items))
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    def _score(self, items: list[CommentInput]) -> list[ModelScores]:
        return self.scorer.score(items, explain=self.explain)
