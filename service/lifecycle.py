"""What opens with the application and closes with it: Redis, the model and the scoring thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from classifier.scorer import Scorer

from .appkeys import METRICS, MODERATION, SCORER, SETTINGS, STORE
from .keys import Keys
from .moderation import Moderation
from .policy import Thresholds
from .scoring import BatchScorer
from .settings import Settings
from .store import Store, opened

log = logging.getLogger(__name__)

PRELOADED_SCORER = web.AppKey("preloaded_scorer", Scorer)


async def redis_context(app: web.Application) -> AsyncIterator[None]:
    """One connection pool per process; Redis may be down now and come back later."""
    settings = app[SETTINGS]
    if settings.redis_url is None:
        raise RuntimeError("no Redis URL: the CLI starts the embedded Redis before the app")
    async with opened(settings.redis_url, settings.redis_timeout) as client:
        app[STORE] = Store(client, Keys(settings.key_prefix))
        yield


async def model_context(app: web.Application) -> AsyncIterator[None]:
    """Load and verify the model, then score on one thread beside the loop."""
    settings = app[SETTINGS]
    scorer = app.get(PRELOADED_SCORER)
    if scorer is None:
        loop = asyncio.get_running_loop()
        scorer = await loop.run_in_executor(None, Scorer.load, settings.model_path)
    log.info("model loaded", extra={"model_version": scorer.version})
    metrics = app[METRICS]
    metrics.model_info.labels(scorer.version).set(1)
    app[SCORER] = scorer
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring") as executor:
        batcher = BatchScorer(
            scorer,
            max_batch=settings.scoring_batch_max,
            executor=executor,
            observe=metrics.observe_scoring,
        )
        secret = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
        app[MODERATION] = Moderation(
            app[STORE],
            batcher,
            thresholds(settings, scorer),
            metrics,
            settings.idempotency_ttl,
            ip_secret=secret,
        )
        yield


def thresholds(settings: Settings, scorer: Scorer) -> Thresholds:
    """The operator's thresholds where set, else the ones chosen when the model was trained."""
    chosen = scorer.thresholds

    def pick(configured: float | None, name: str) -> float:
        return configured if configured is not None else float(chosen[name])

    return Thresholds(
        spam_hold=pick(settings.spam_hold, "spam_hold"),
        spam=pick(settings.spam_threshold, "spam"),
        abuse_hold=pick(settings.abuse_hold, "abuse_hold"),
        abuse_reject=pick(settings.abuse_reject, "abuse_reject"),
    )
