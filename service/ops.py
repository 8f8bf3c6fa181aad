"""Operators' endpoints: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import logging

import orjson
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from .appkeys import METRICS, SCORER, STORE
from .errors import StoreUnavailable
from .schemas import Status

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    """200 while the process runs and its loop answers."""
    return web.json_response({"status": "ok"}, dumps=lambda v: orjson.dumps(v).decode())


async def readyz(request: web.Request) -> web.Response:
    """200 only when Redis answers and the model is loaded; 503 otherwise."""
    scorer = request.app.get(SCORER)
    body: dict[str, object] = {
        "model": {"loaded": scorer is not None, "version": scorer.version if scorer else None},
    }
    redis_ok = False
    try:
        latency = await request.app[STORE].ping()
        body["redis"] = {"ok": True, "latency_ms": round(latency * 1000, 3)}
        redis_ok = True
    except StoreUnavailable as exc:
        body["redis"] = {"ok": False, "error": exc.message}
    ready = redis_ok and scorer is not None
    body["ready"] = ready
    return web.Response(
        status=200 if ready else 503,
        body=orjson.dumps(body),
        content_type="application/json",
        headers={} if ready else {"Retry-After": "5"},
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
