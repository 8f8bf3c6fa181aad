"""Scores the comments that arrive together as one batch, on the loop or on a thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor

from classifier.scorer import CommentInput, Scorer
from classifier.scorer import Scores as ModelScores

from .batching import Expected, TickBatcher

Observer = Callable[[float, int], None]


class BatchScorer:
    """Concurrent requests share one model call: its fixed cost dominates a single comment.

    With an executor the loop keeps serving while a batch is scored, at the price of handing
    the interpreter lock back and forth; without one, a batch briefly holds the loop.
    """

    def __init__(
        self,
        scorer: Scorer,
        *,
        max_batch: int = 64,
        max_wait: float = 0.0,
        explain: int = 5,
        executor: Executor | None = None,
        observe: Observer | None = None,
    ) -> None:
        self.scorer = scorer
        self.explain = explain
        self.executor = executor
        self.observe = observe
        self._batcher: TickBatcher[CommentInput, ModelScores] = TickBatcher(
            self._run, max_batch, max_wait
        )

    @property
    def version(self) -> str:
        return self.scorer.version

    def expect(self) -> Expected:
        """Announce a comment that will be scored soon (its batch may wait for it); release
        the answer if it turns out not to need scoring."""
        return self._batcher.expect()

    async def score(self, item: CommentInput, expected: Expected | None = None) -> ModelScores:
        """The scores (with explanations) of one comment."""
        return await self._batcher.submit(item, expected)

    async def _run(self, items: list[CommentInput]) -> list[ModelScores]:
        started = time.perf_counter()
        if self.executor is None:
            results = self._score(items)
        else:
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(self.executor, self._score, items)
        if self.observe is not None:
            self.observe(time.perf_counter() - started, len(items))
        return results

    def _score(self, items: list[CommentInput]) -> list[ModelScores]:
        return self.scorer.score(items, explain=self.explain)
