"""The moderator API: list, read and act on comments, every action recorded and race-safe."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from aiohttp import web
from pydantic import ValidationError

from .appkeys import METRICS, MODERATORS, SETTINGS, STORE
from .errors import Conflict, InvalidQuery, NotFound
from .ids import is_id
from .schemas import Action, CommentRecord, HistoryEntry, ModerationQuery, QueuePage, Status
from .store import Store, Transition

JSON = "application/json"


def moderator(request: web.Request) -> str:
    """The name of the moderator making this request (401 without a valid token)."""
    return request.app[MODERATORS].authenticate(request.headers.get("Authorization"))


def _json(model: CommentRecord | QueuePage) -> web.Response:
    return web.Response(body=model.model_dump_json().encode(), content_type=JSON)


async def list_comments(request: web.Request) -> web.Response:
    """GET /moderation/comments?status=pending&limit=50&cursor=..."""
    moderator(request)
    try:
        query = ModerationQuery.model_validate(dict(request.query))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "query"
        raise InvalidQuery(f"{field}: {first['msg']}") from exc
    items, cursor = await request.app[STORE].page(query.status, query.limit, query.cursor)
    return _json(QueuePage(items=items, next_cursor=cursor))


async def get_comment(request: web.Request) -> web.Response:
    """GET /moderation/comments/{id}"""
    moderator(request)
    comment_id = request.match_info["id"]
    stored = await request.app[STORE].get(comment_id) if is_id(comment_id) else None
    if stored is None:
        raise NotFound(f"No comment {comment_id}.")
    return _json(stored.record)


async def act(request: web.Request) -> web.Response:
    """POST /moderation/comments/{id}/{approve|hold|spam|reject}"""
    name = moderator(request)
    action = Action(request.match_info["action"])
    comment_id = request.match_info["id"]
    if not is_id(comment_id):
        raise NotFound(f"No comment {comment_id}.")
    retention = request.app[SETTINGS].retention_days * 86400
    record = await review(request.app[STORE], comment_id, action, name, retention)
    request.app[METRICS].moderator_actions.labels(action.value).inc()
    return _json(record)


async def review(
    store: Store, comment_id: str, action: Action, by: str, retention_seconds: int
) -> CommentRecord:
    """Apply one moderator action, unless someone else changed the comment since it was read."""
    stored = await store.get(comment_id)
    if stored is None:
        raise NotFound(f"No comment {comment_id}.")
    old, new = stored.record.status, action.target
    if old is new:
        raise Conflict(f"The comment is already {old.value}.")
    now = datetime.now(UTC)
    entry = HistoryEntry(action=action, by=by, at=now, from_status=old, to_status=new)
    record = stored.record.model_copy(
        update={"status": new, "history": [*stored.record.history, entry]}
    )
    outcome = await store.transition(
        Transition(
            record=record,
            expected_rev=stored.rev,
            old_status=old,
            action=action.value,
            moderator=by,
            at=now.isoformat(),
            stream_event=stream_event(old, new),
            feedback_label=feedback_label(stored.record.decided_status, action),
            action_id=secrets.token_hex(8),
        ),
        retention_seconds,
    )
    if outcome == "missing":
        raise NotFound(f"No comment {comment_id}.")
    if outcome == "conflict":
        raise Conflict("Another moderator changed this comment first; reload it and try again.")
    return record


def stream_event(old: Status, new: Status) -> str:
    """What the site's stream hears: an approval, the retraction of one, or nothing."""
    if new is Status.APPROVED:
        return "approved"
    return "retracted" if old is Status.APPROVED else ""


def feedback_label(decided: Status, action: Action) -> str:
    """A moderator's correction of the automatic decision, as a training label ('' if none)."""
    if action is Action.SPAM and decided is not Status.SPAM:
        return "spam"
    if action is Action.REJECT and decided is not Status.REJECTED:
        return "abuse"
    if action is Action.APPROVE and decided is not Status.APPROVED:
        return "ham"
    return ""
