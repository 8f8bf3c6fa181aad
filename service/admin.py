"""The moderator API's settings: rules, per-post settings, and erasure of a person's data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web
from pydantic import BaseModel, ValidationError

from .appkeys import MODERATION, STORE
from .errors import InvalidForm, MalformedRequest, NotFound
from .queue import moderator
from .rules import RULE_NAMES, RulesView, apply_overrides
from .schemas import EraseRequest, EraseResult, PostSettings

JSON = "application/json"


def _json(model: BaseModel | dict[str, Any]) -> web.Response:
    body = model.model_dump_json().encode() if isinstance(model, BaseModel) else orjson.dumps(model)
    return web.Response(body=body, content_type=JSON)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != JSON:
        raise MalformedRequest("Send a JSON object (Content-Type: application/json).")
    try:
        data = orjson.loads(await request.read())
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(f"The body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedRequest("The body must be a JSON object.")
    return data


def _field_errors(exc: ValidationError) -> InvalidForm:
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "body"
        errors.setdefault(field, error["msg"])
    return InvalidForm(errors)


async def _rules_view(request: web.Request) -> RulesView:
    moderation = request.app[MODERATION]
    rules = await moderation.rules()
    return RulesView(
        version=rules.version,
        rules=rules.config,
        overridden=sorted(rules.overridden),
        defaults=moderation.defaults,
    )


async def get_rules(request: web.Request) -> web.Response:
    """GET /moderation/rules: the rules in force, which of them a moderator changed, defaults."""
    moderator(request)
    return _json(await _rules_view(request))


async def patch_rules(request: web.Request) -> web.Response:
    """PATCH /moderation/rules: change some rules; ``null`` puts one back to its default."""
    name = moderator(request)
    changes = await _body(request)
    unknown = sorted(set(changes) - RULE_NAMES)
    if unknown:
        raise InvalidForm({field: "no such rule" for field in unknown})
    moderation = request.app[MODERATION]
    _, current = await moderation.store.rules()
    overrides = {**current, **changes}
    overrides = {key: value for key, value in overrides.items() if value is not None}
    try:
        apply_overrides(moderation.defaults, overrides)
    except ValidationError as exc:
        raise _field_errors(exc) from exc
    await moderation.store.save_rules(overrides, name, datetime.now(UTC).isoformat())
    return _json(await _rules_view(request))


def _post_id(request: web.Request) -> int:
    raw = request.match_info["post_id"]
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 2**63:
        raise NotFound(f"No post {raw}.")
    return int(raw)


async def get_post(request: web.Request) -> web.Response:
    """GET /moderation/posts/{post_id}: one post's settings."""
    moderator(request)
    return _json(await request.app[STORE].post_settings(_post_id(request)))


async def put_post(request: web.Request) -> web.Response:
    """PUT /moderation/posts/{post_id}: close a post's comments, or hold every comment on it."""
    name = moderator(request)
    post_id = _post_id(request)
    try:
        settings = PostSettings.model_validate(await _body(request))
    except ValidationError as exc:
        raise _field_errors(exc) from exc
    store = request.app[STORE]
    await store.save_post_settings(post_id, settings)
    await store.audit(
        "post", name, datetime.now(UTC).isoformat(), str(post_id), settings.model_dump_json()
    )
    return _json(settings)


async def erase(request: web.Request) -> web.Response:
    """POST /moderation/erase: remove every comment by an e-mail address, and its traces."""
    name = moderator(request)
    try:
        query = EraseRequest.model_validate(await _body(request))
    except ValidationError as exc:
        raise _field_errors(exc) from exc
    store = request.app[STORE]
    erased = retracted = 0
    for comment_id in await store.comment_ids_by_email(query.email):
        stored = await store.get(comment_id)
        if stored is None:
            continue
        record = stored.record
        blank = record.model_copy(
            update={
                "author": "",
                "email": "",
                "url": "",
                "content": "",
                "ip_hash": "",
                "ip": None,
                "user_agent": "",
                "referer": "",
                "explanations": {},
                "history": [],
            }
        )
        before = await store.erase(record, blank)
        erased += before is not None
        retracted += before == "approved"
    await store.forget_email(query.email)
    await store.audit("erase", name, datetime.now(UTC).isoformat(), "", str(erased))
    return _json(EraseResult(email=query.email, erased=erased, retracted=retracted))
