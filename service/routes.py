"""The API's table of contents."""

from __future__ import annotations

from aiohttp import web

from . import intake, ops, queue


def add_routes(app: web.Application) -> None:
    """Every endpoint replyguard serves."""
    app.router.add_post("/comments", intake.post_comment)

    app.router.add_get("/moderation/comments", queue.list_comments)
    app.router.add_get("/moderation/comments/{id}", queue.get_comment)
    app.router.add_post("/moderation/comments/{id}/{action:approve|hold|spam|reject}", queue.act)

    app.router.add_get("/healthz", ops.healthz)
    app.router.add_get("/readyz", ops.readyz)
    app.router.add_get("/metrics", ops.metrics)
