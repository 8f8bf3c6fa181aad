"""What opens with the application and closes with it: Redis, the model and the scoring thread."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from classifier import compiled
from classifier.scorer import Scorer

from .appkeys import METRICS, MODERATION, SCORER, SETTINGS, STORE
from .errors import StoreUnavailable
from .keys import Keys
from .moderation import Moderation
from .redisclient import connect
from .rules import default_rules
from .scoring import BatchScorer
from .store import Store

log = logging.getLogger(__name__)

PRELOADED_SCORER = web.AppKey("preloaded_scorer", Scorer)


async def redis_context(app: web.Application) -> AsyncIterator[None]:
    """One connection pool per process; Redis may be down now and come back later."""
    settings = app[SETTINGS]
    if settings.redis_url is None:
        raise RuntimeError("no Redis URL: the CLI starts the embedded Redis before the app")
    client = connect(settings.redis_url, settings.redis_timeout)
    app[STORE] = store = Store(client, Keys(settings.key_prefix))
    try:
        yield
    finally:
        await store.close()
        await client.aclose()


async def model_context(app: web.Application) -> AsyncIterator[None]:
    """Load and verify the model; score on the loop, or on one thread beside it."""
    settings = app[SETTINGS]
    scorer = app.get(PRELOADED_SCORER)
    timing: dict[str, float] = {}
    if scorer is None:
        loop = asyncio.get_running_loop()
        cache = compiled.resolve(settings.model_cache)  # None: no compiled copy
        started = time.perf_counter()
        # apart: a missing compiled copy is made by a child process, so that this one never
        # holds scikit-learn (see compiled.compile_apart).
        load = functools.partial(Scorer.load, settings.model_path, cache, apart=True)
        scorer = await loop.run_in_executor(None, load)
        timing["seconds"] = round(time.perf_counter() - started, 3)
    log.info(
        "model loaded",
        extra={"model_version": scorer.version, "model_source": scorer.source, **timing},
    )
    metrics = app[METRICS]
    metrics.model_info.labels(scorer.version).set(1)
    app[SCORER] = scorer
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring") as executor:
        batcher = BatchScorer(
            scorer,
            max_batch=settings.scoring_batch_max,
            max_wait=settings.scoring_batch_wait_ms / 1000,
            explain=settings.explain_top,
            executor=executor if settings.scoring_thread else None,
            observe=metrics.observe_scoring,
        )
        app[MODERATION] = Moderation(
            app[STORE], batcher, settings, default_rules(settings, scorer.thresholds), metrics
        )
        yield


async def janitor_context(app: web.Application) -> AsyncIterator[None]:
    """Once a minute, drop expired spam and rejected comments from their queues."""

    async def sweep() -> None:
        while True:
            await asyncio.sleep(60)
            try:
                await app[STORE].sweep_expired()
            except StoreUnavailable:
                log.warning("expiry sweep skipped: Redis unavailable")

    task = asyncio.create_task(sweep())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
