"""The API's table of contents."""

from __future__ import annotations

from aiohttp import web

from . import admin, akismet, intake, ops, queue


def add_routes(app: web.Application) -> None:
    """Every endpoint replyguard serves."""
    app.router.add_post("/comments", intake.post_comment)
    app.router.add_get("/form-token", intake.form_token)

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
