"""The Akismet-compatible API: any Akismet client can point at replyguard instead."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from .appkeys import METRICS, MODERATION, SETTINGS, STORE
from .draft import Draft
from .intake import read_fields
from .schemas import Status

THANKS = "Thanks for making the web a better place."
TEST_SPAM_AUTHOR = "viagra-test-123"
TEST_SPAM_EMAIL = "akismet-guaranteed-spam@example.com"
# Blatant enough that Akismet clients may throw the comment away unseen.
DISCARD_SPAM_SCORE = 0.99
DISCARD_REASONS = frozenset({"honeypot", "disallowed_key"})


def _text(body: str, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=body, content_type="text/plain", headers=headers)


def _params(fields: Mapping[str, Any]) -> dict[str, str]:
    return {name: value for name, value in fields.items() if isinstance(value, str)}


def _key_is_valid(request: web.Request, key: str) -> bool:
    given = key.encode()
    valid = False
    for configured in request.app[SETTINGS].api_keys:  # every key compared: timing tells nothing
        if hmac.compare_digest(given, configured.get_secret_value().encode()):
            valid = True
    return valid and bool(key)


def _invalid_key() -> web.Response:
    return _text("invalid", {"X-akismet-debug-help": "We were unable to verify your API key."})


def _missing(field: str) -> web.Response:
    return _text(
        f"Missing required field: {field}.",
        {"X-akismet-debug-help": f'Empty "{field}" value'},
    )


def _flag(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "").strip().lower() in ("1", "true", "yes")


async def verify_key(request: web.Request) -> web.Response:
    """POST /1.1/verify-key: ``valid`` or ``invalid`` (with X-akismet-debug-help)."""
    params = _params(await read_fields(request))
    key = params.get("key") or params.get("api_key", "")
    if not params.get("blog", "").startswith(("http://", "https://")):
        return _text("invalid", {"X-akismet-debug-help": 'Empty or invalid "blog" value'})
    return _text("valid") if _key_is_valid(request, key) else _invalid_key()


def _draft(params: Mapping[str, str]) -> Draft:
    honeypot_name = params.get("honeypot_field_name", "")
    return Draft(
        content=params.get("comment_content", ""),
        author=params.get("comment_author", ""),
        email=params.get("comment_author_email", ""),
        url=params.get("comment_author_url", ""),
        post_id=0,
        parent_id=None,
        ip=params.get("user_ip", ""),
        user_agent=params.get("user_agent", ""),
        referer=params.get("referrer", ""),
        honeypot_value=params.get(honeypot_name, "") if honeypot_name else "",
    )


async def _call(request: web.Request) -> dict[str, str] | web.Response:
    """The call's parameters, or Akismet's answer to a bad key or a missing required field."""
    params = _params(await read_fields(request))
    if not _key_is_valid(request, params.get("api_key", "")):
        return _invalid_key()
    for field in ("blog", "user_ip"):
        if not params.get(field):
            return _missing(field)
    return params


async def comment_check(request: web.Request) -> web.Response:
    """POST /1.1/comment-check: ``true`` (do not publish) or ``false``, decided by the same
    models and rules as /comments; nothing is stored."""
    params = await _call(request)
    if isinstance(params, web.Response):
        return params
    guid = {"X-akismet-guid": uuid.uuid4().hex}
    metrics = request.app[METRICS]
    if params.get("user_role", "").lower() == "administrator":
        metrics.akismet_checks.labels("ham").inc()
        return _text("false", guid)
    if (
        params.get("comment_author") == TEST_SPAM_AUTHOR
        or params.get("comment_author_email", "").lower() == TEST_SPAM_EMAIL
    ):
        metrics.akismet_checks.labels("spam").inc()
        return _text("true", guid)
    judgement = await request.app[MODERATION].check_only(_draft(params))
    decision = judgement.decision
    headers = {
        **guid,
        "X-replyguard-status": decision.status.value,
        "X-replyguard-spam": f"{judgement.scores.spam:.4f}",
        "X-replyguard-abuse": f"{judgement.scores.abuse:.4f}",
    }
    if decision.status not in (Status.SPAM, Status.REJECTED):
        metrics.akismet_checks.labels("ham").inc()
        return _text("false", headers)
    codes = {reason.code for reason in decision.reasons}
    if codes & DISCARD_REASONS or judgement.scores.spam >= DISCARD_SPAM_SCORE:
        headers["X-akismet-pro-tip"] = "discard"
        metrics.akismet_checks.labels("discard").inc()
    else:
        metrics.akismet_checks.labels("spam").inc()
    return _text("true", headers)


async def _submit(request: web.Request, label: str) -> web.Response:
    params = await _call(request)
    if isinstance(params, web.Response):
        return params
    if not _flag(params, "is_test"):
        moderation = request.app[MODERATION]
        draft = _draft(params)
        await request.app[STORE].akismet_feedback(
            label=label,
            at=datetime.now(UTC).isoformat(),
            blog=params["blog"],
            fields={
                "content": draft.content,
                "author": draft.author,
                "email": draft.email,
                "url": draft.url,
                "ip_hash": await moderation.hash_ip(draft.ip),
                "user_agent": draft.user_agent,
            },
        )
    request.app[METRICS].akismet_feedback.labels(label).inc()
    return _text(THANKS)


async def submit_spam(request: web.Request) -> web.Response:
    """POST /1.1/submit-spam: a comment Akismet's answer let through, kept as training data."""
    return await _submit(request, "spam")


async def submit_ham(request: web.Request) -> web.Response:
    """POST /1.1/submit-ham: a comment wrongly called spam, kept as training data."""
    return await _submit(request, "ham")
