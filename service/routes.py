"""The API's table of contents."""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp_cors
from aiohttp import hdrs, web

from . import admin, akismet, intake, openapi, ops, queue


def add_routes(app: web.Application, allowed_origins: Sequence[str]) -> None:
    """Every endpoint replyguard serves."""
    public = [
        app.router.add_post("/comments", intake.post_comment),
        app.router.add_get("/form-token", intake.form_token),
    ]
    _allow_cors(app, public, allowed_origins)

    app.router.add_get("/moderation/comments", queue.list_comments)
    app.router.add_get("/moderation/comments/{id}", queue.get_comment)
    app.router.add_post("/moderation/comments/{id}/{action:approve|hold|spam|reject}", queue.act)
    app.router.add_get("/moderation/rules", admin.get_rules)
    app.router.add_patch("/moderation/rules", admin.patch_rules)
    app.router.add_get("/moderation/posts/{post_id}", admin.get_post)
    app.router.add_put("/moderation/posts/{post_id}", admin.put_post)
    app.router.add_post("/moderation/erase", admin.erase)

    app.router.add_post("/1.1/verify-key", akismet.verify_key)
    app.router.add_post("/1.1/comment-check", akismet.comment_check)
    app.router.add_post("/1.1/submit-spam", akismet.submit_spam)
    app.router.add_post("/1.1/submit-ham", akismet.submit_ham)

    app.router.add_get("/healthz", ops.healthz)
    app.router.add_get("/readyz", ops.readyz)
    app.router.add_get("/metrics", ops.metrics)
    app.router.add_get("/openapi.json", openapi.openapi_json)


def _allow_cors(
    app: web.Application, routes: Sequence[web.AbstractRoute], origins: Sequence[str]
) -> None:
    """Browsers may call the public endpoints from the site's own origins, and only those."""
    hooks = len(app.on_response_prepare)
    cors = aiohttp_cors.setup(app, defaults={})
    if len(app.on_response_prepare) == hooks + 1:  # its hook for every response
        _only_with_origin(app)
    options = aiohttp_cors.ResourceOptions(  # type: ignore[no-untyped-call]
        allow_credentials=False,
        allow_headers=("Content-Type", "Idempotency-Key", "X-Request-ID"),
        expose_headers=("X-Request-ID", "Retry-After", "Idempotent-Replayed"),
        max_age=3600,
    )
    for route in routes:
        cors.add(route, dict.fromkeys(origins, options))


def _only_with_origin(app: web.Application) -> None:
    """aiohttp_cors looks up the route of every response before it reads the Origin header, and
    a request without one (a form post, a call from a server) gets no CORS headers anyway: ask
    it only about requests that carry one."""
    prepare = app.on_response_prepare[-1]

    async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
        if hdrs.ORIGIN in request.headers:
            await prepare(request, response)

    app.on_response_prepare[-1] = on_prepare
