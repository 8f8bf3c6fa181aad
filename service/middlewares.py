"""Request id, access log and metrics around every request; domain errors mapped to answers."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from . import errors
from .appkeys import ACCESS_LOG, METRICS, REQUEST_IDS, SETTINGS
from .intake import BACK_TO, WANTS_HTML
from .logs import request_id
from .pages import error_page
from .redirects import safe_redirect

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS: dict[type[errors.ReplyguardError], int] = {
    errors.MalformedRequest: 400,
    errors.NotAuthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.TooFast: 429,
    errors.UnsupportedContentType: 415,
    errors.InvalidForm: 422,
    errors.InvalidQuery: 422,
    errors.IdempotencyMismatch: 422,
    errors.StoreUnavailable: 503,
}


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Tag the request with an id, then count, time and log it (no personal data at INFO)."""
    rid = request.headers.get("X-Request-ID", "")
    if not (0 < len(rid) <= 64 and rid.isascii() and rid.isprintable()):
        rid = request.app[REQUEST_IDS].new()
    token = request_id.set(rid)
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-ID"] = rid
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        route = _route(request)
        request.app[METRICS].observe_request(route, request.method, status, elapsed)
        request.app[ACCESS_LOG].record(request.method, route, status, elapsed, rid)
        request_id.reset(token)


@web.middleware
async def answer_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors become status codes with a JSON body (an HTML page for a browser's form)."""
    try:
        return await handler(request)
    except errors.ReplyguardError as exc:
        return _error_response(request, exc)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.empty_body:
            raise
        return _json(exc.status, {"error": exc.reason}, dict(exc.headers))
    except Exception:
        log.exception("unhandled error")
        return _json(500, {"error": "Internal error; it has been logged."}, {})


def _error_response(request: web.Request, exc: errors.ReplyguardError) -> web.Response:
    status = next(code for cls, code in _STATUS.items() if isinstance(exc, cls))
    headers: dict[str, str] = {}
    if status == 503:
        headers["Retry-After"] = str(request.app[SETTINGS].retry_after)
        request.app[METRICS].store_errors.inc()
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="replyguard"'
    if isinstance(exc, errors.TooFast):
        headers["Retry-After"] = str(exc.retry_after)
    body: dict[str, object] = (
        {"errors": exc.errors} if isinstance(exc, errors.InvalidForm) else {"error": exc.message}
    )
    if isinstance(exc, errors.Duplicate):
        body["id"] = exc.comment_id
    if request.get(WANTS_HTML):
        messages = exc.errors if isinstance(exc, errors.InvalidForm) else {"error": exc.message}
        origins = request.app[SETTINGS].allowed_origins
        back = safe_redirect(request.get(BACK_TO), origins) or safe_redirect(
            request.headers.get("Referer"), origins
        )
        return web.Response(
            status=status,
            text=error_page(messages, back),
            content_type="text/html",
            headers=headers,
        )
    return _json(status, body, headers)


def _json(status: int, body: object, headers: dict[str, str]) -> web.Response:
    headers.pop("Content-Type", None)
    return web.Response(
        status=status, body=orjson.dumps(body), content_type="application/json", headers=headers
    )
