"""Operators' endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from .appkeys import METRICS, SCORER, SETTINGS, STORE
from .errors import StoreUnavailable
from .schemas import HealthOut, ModelState, ReadinessOut, RedisDown, RedisUp, Status

log = logging.getLogger(__name__)


_HEALTHY = HealthOut(status="ok").model_dump_json().encode()


async def healthz(request: web.Request) -> web.Response:
    """200 while the process runs and its loop answers."""
    return web.Response(body=_HEALTHY, content_type="application/json")


async def readyz(request: web.Request) -> web.Response:
    """200 only when Redis answers and the model is loaded; 503 otherwise."""
    scorer = request.app.get(SCORER)
    model = ModelState(loaded=scorer is not None, version=scorer.version if scorer else None)
    redis: RedisUp | RedisDown
    try:
        latency = await request.app[STORE].ping()
        redis = RedisUp(ok=True, latency_ms=round(latency * 1000, 3))
    except StoreUnavailable as exc:
        redis = RedisDown(ok=False, error=exc.message)
    ready = redis.ok and model.loaded
    answer = ReadinessOut(model=model, redis=redis, ready=ready)
    return web.Response(
        status=200 if ready else 503,
        body=answer.model_dump_json().encode(),
        content_type="application/json",
        headers={} if ready else {"Retry-After": str(request.app[SETTINGS].retry_after)},
    )


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text format; queue depths are read from Redis at scrape time."""
    registry = request.app[METRICS]
    try:
        depths = await request.app[STORE].queue_depths()
    except StoreUnavailable:
        log.warning("queue depths unavailable for this scrape")
    else:
        for status in Status:
            registry.queue_depth.labels(status.value).set(depths[status])
    return web.Response(body=registry.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})
