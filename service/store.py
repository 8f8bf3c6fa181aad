"""Every Redis command replyguard sends, in one class; Redis failures become StoreUnavailable."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from typing import Any

import orjson
from redis.asyncio import Redis

from .errors import StoreUnavailable
from .keys import Keys
from .pipelining import Script, ScriptPipeline
from .redisclient import as_bytes, as_str, guarded, lua
from .schemas import CommentRecord, PostSettings, Status
from .store_types import (
    Context,
    Created,
    Limits,
    StoredComment,
    Submission,
    SubmissionKeys,
    Transition,
)

RATE_WINDOW_MS = 60_000
__all__ = [
    "Context",
    "Created",
    "Limits",
    "Store",
    "StoredComment",
    "Submission",
    "SubmissionKeys",
    "Transition",
]


class Store:
    """The Redis side of replyguard."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._scripts = ScriptPipeline(redis)
        self._context = Script(lua("context.lua"))
        self._create = Script(lua("create_comment.lua"))
        self._moderate = Script(lua("moderate.lua"))
        self._erase = Script(lua("erase_comment.lua"))
        # Not through the shared script pipeline, which may send a call twice: this one adds.
        self._akismet_feedback = redis.register_script(lua("akismet_feedback.lua"))
        self._forget_email = Script(lua("forget_email.lua"))

    async def close(self) -> None:
        """Return the connections the script pipeline keeps to the pool (before it closes)."""
        await self._scripts.close()

    @guarded
    async def ping(self) -> float:
        """Round-trip time of a PING, in seconds."""
        started = time.perf_counter()
        await self.redis.ping()
        return time.perf_counter() - started

    @guarded
    async def server_secret(self) -> bytes:
        """A secret shared by every worker: generated once, then kept in Redis."""
        await self.redis.set(self.keys.secret(), secrets.token_hex(32), nx=True)
        value = await self.redis.get(self.keys.secret())
        if value is None:  # pragma: no cover - only if someone deletes it between the calls
            raise StoreUnavailable("the server secret vanished; try again")
        return as_bytes(value)

    def submission_keys(self, sub: Submission) -> SubmissionKeys:
        """The key names of one submission, for ``context`` and ``create`` alike."""
        keys = self.keys
        parent = sub.parent_id or "0"
        return SubmissionKeys(
            trusted_author=keys.trusted_author(sub.author, sub.email),
            duplicate_author=keys.duplicate(sub.post_id, parent, "a:" + sub.author, sub.content),
            duplicate_email=keys.duplicate(sub.post_id, parent, "e:" + sub.email, sub.content),
            flood_address=keys.flood_address(sub.ip_hash),
            flood_email=keys.flood_email(sub.email),
            rate=keys.rate(sub.ip_hash),
            by_email=keys.by_email(sub.email),
        )

    @guarded
    async def context(self, sub: Submission, names: SubmissionKeys | None = None) -> Context:
        """Rules version, post settings, parent, trusted author, duplicate, flood and rate
        state, and any earlier Idempotency-Key answer, in one script call."""
        keys = self.keys
        names = names or self.submission_keys(sub)
        reply = await self._scripts.call(
            self._context,
            [
                keys.rules_version(),
                keys.post(sub.post_id),
                keys.comment(sub.parent_id or "-"),
                *names.checked(),
                keys.idempotency(sub.idempotency_key or ""),
            ],
            [RATE_WINDOW_MS],
        )
        (
            version,
            closed,
            moderate_all,
            parent_status,
            parent_post,
            trusted,
            duplicate,
            flood,
            recent,
            retry_ms,
            prior,
        ) = reply
        return Context(
            rules_version=int(version),
            post=PostSettings(closed=closed == b"1", moderate_all=moderate_all == b"1"),
            parent_status=as_str(parent_status) if sub.parent_id and parent_status else None,
            parent_post=int(parent_post) if sub.parent_id and parent_post else None,
            trusted_author=bool(trusted),
            duplicate_of=as_str(duplicate) if duplicate else None,
            flood_ms=int(flood),
            recent_from_address=int(recent),
            rate_retry_ms=int(retry_ms),
            prior_answer=as_bytes(prior) if sub.idempotency_key and prior else None,
        )

    @guarded
    async def create(
        self,
        record: CommentRecord,
        sub: Submission,
        limits: Limits,
        idempotency: tuple[str, bytes, int] | None = None,
        names: SubmissionKeys | None = None,
        unread_rules_version: int | None = None,
    ) -> Created:
        """Write a comment and everything that goes with it in one atomic step, unless an
        earlier answer, a duplicate, a flood or the rate limit stops it. Safe to retry.

        ``unread_rules_version``: the comment was decided without reading the rules' state
        (see ``context``), under these rules, as a top-level comment by an author not yet
        approved, on a post open and not held; where any of that is not so, nothing is written
        and the outcome is ``recheck``."""
        keys = self.keys
        names = names or self.submission_keys(sub)
        key_list = [
            keys.comment(record.id),
            keys.queue(record.status),
            keys.approved_stream(),
            *names.checked(),
            names.by_email,
            keys.expiry(),
            keys.rules_version(),
            keys.post(sub.post_id),
        ]
        args: list[Any] = [
            record.id,
            record.status.value,
            record.model_dump_json(),
            record.post_id,
            limits.duplicate_seconds,
            limits.flood_ms,
            limits.rate_per_minute,
            RATE_WINDOW_MS,
            limits.retention_seconds,
            "" if unread_rules_version is None else unread_rules_version,
        ]
        if idempotency is not None:
            key, answer, ttl = idempotency
            key_list.append(keys.idempotency(key))
            args += [answer, ttl]
        reply = await self._scripts.call(self._create, key_list, args)
        return Created(as_str(reply[0]), as_bytes(reply[1]) if len(reply) > 1 else b"")

    @guarded
    async def get(self, comment_id: str) -> StoredComment | None:
        """One comment with its revision, or None."""
        rev, raw = await self.redis.hmget(self.keys.comment(comment_id), ["rev", "record"])
        if rev is None or raw is None:
            return None
        return StoredComment(CommentRecord.model_validate_json(raw), as_str(rev))

    @guarded
    async def transition(self, change: Transition, retention_seconds: int) -> str:
        """Apply a moderator action if the comment is still at ``expected_rev``.

        Returns "ok", "conflict" (someone else changed it first) or "missing".
        """
        record = change.record
        outcome, _rev = await self._scripts.call(
            self._moderate,
            [
                self.keys.comment(record.id),
                self.keys.queue(change.old_status),
                self.keys.queue(record.status),
                self.keys.approved_stream(),
                self.keys.audit_stream(),
                self.keys.feedback_stream(),
                self.keys.trusted_author(record.author, record.email),
                self.keys.expiry(),
            ],
            [
                record.id,
                change.expected_rev,
                record.status.value,
                record.model_dump_json(),
                change.stream_event,
                change.action,
                change.moderator,
                change.at,
                change.old_status.value,
                change.feedback_label,
                change.action_id,
                retention_seconds,
            ],
        )
        return as_str(outcome)

    @guarded
    async def page(
        self, status: Status, limit: int, after: str | None
    ) -> tuple[list[CommentRecord], str | None]:
        """Up to ``limit`` comments in ``status``, oldest first, after the cursor id."""
        queue = self.keys.queue(status)
        start = f"({after}" if after else "-"
        found = await self.redis.zrange(queue, start, "+", bylex=True, offset=0, num=limit + 1)
        ids = [as_str(i) for i in found]
        more = len(ids) > limit
        ids = ids[:limit]
        records = await self._records(ids)
        gone = [i for i, rec in zip(ids, records, strict=True) if rec is None]
        if gone:  # expired comments leave their queue lazily
            await self.redis.zrem(queue, *gone)
        items = [rec for rec in records if rec is not None]
        return items, (ids[-1] if more and ids else None)

    async def _records(self, ids: Sequence[str]) -> list[CommentRecord | None]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for comment_id in ids:
                pipe.hget(self.keys.comment(comment_id), "record")
            raws = await pipe.execute()
        return [None if raw is None else CommentRecord.model_validate_json(raw) for raw in raws]

    @guarded
    async def queue_depths(self) -> dict[Status, int]:
        """How many comments each status holds."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for status in Status:
                pipe.zcard(self.keys.queue(status))
            counts = await pipe.execute()
        return dict(zip(Status, (int(c) for c in counts), strict=True))

    @guarded
    async def sweep_expired(self, batch: int = 1000) -> int:
        """Drop expired spam and rejected comments from their queues; returns how many."""
        now_ms = int(time.time() * 1000)
        expired = await self.redis.zrangebyscore(self.keys.expiry(), "-inf", now_ms, 0, batch)
        if not expired:
            return 0
        async with self.redis.pipeline(transaction=True) as pipe:
            for status in (Status.SPAM, Status.REJECTED):
                pipe.zrem(self.keys.queue(status), *expired)
            pipe.zrem(self.keys.expiry(), *expired)
            await pipe.execute()
        return len(expired)

    # Settings kept in Redis ----------------------------------------------------------------

    @guarded
    async def rules(self) -> tuple[int, dict[str, Any]]:
        """The runtime rule overrides and their version."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.get(self.keys.rules_version())
            pipe.get(self.keys.rules())
            version, raw = await pipe.execute()
        return int(version or 0), (orjson.loads(raw) if raw else {})

    @guarded
    async def save_rules(self, overrides: dict[str, Any], moderator: str, at: str) -> int:
        """Replace the overrides, bump the version (every worker reloads) and audit it."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.keys.rules(), orjson.dumps(overrides))
            pipe.incr(self.keys.rules_version())
            pipe.xadd(
                self.keys.audit_stream(),
                {
                    "id": "",
                    "action": "rules",
                    "by": moderator,
                    "at": at,
                    "from": "",
                    "to": orjson.dumps(overrides),
                },
                maxlen=1_000_000,
                approximate=True,
            )
            _, version, _ = await pipe.execute()
        return int(version)

    @guarded
    async def post_settings(self, post_id: int) -> PostSettings:
        closed, moderate_all = await self.redis.hmget(
            self.keys.post(post_id), ["closed", "moderate_all"]
        )
        return PostSettings(closed=closed == b"1", moderate_all=moderate_all == b"1")

    @guarded
    async def save_post_settings(self, post_id: int, settings: PostSettings) -> None:
        await self.redis.hset(
            self.keys.post(post_id),
            mapping={
                "closed": "1" if settings.closed else "0",
                "moderate_all": "1" if settings.moderate_all else "0",
            },
        )

    @guarded
    async def audit(self, action: str, moderator: str, at: str, target: str, detail: str) -> None:
        """Record an action that is not a comment's status change."""
        await self.redis.xadd(
            self.keys.audit_stream(),
            {"id": target, "action": action, "by": moderator, "at": at, "from": "", "to": detail},
            maxlen=1_000_000,
            approximate=True,
        )

    @guarded
    async def akismet_feedback(
        self, label: str, at: str, blog: str, fields: dict[str, str]
    ) -> None:
        """A submit-spam or submit-ham call, kept on the feedback stream (and indexed by its
        e-mail address, for erasure)."""
        email = fields.get("email", "")
        keys = [self.keys.feedback_stream()]
        if email.strip():
            keys.append(self.keys.feedback_by_email(email))
        entry = {"id": "", "label": label, "by": f"akismet:{blog}", "at": at}
        await self._akismet_feedback(
            keys=keys,
            args=[
                1_000_000,
                *(x for kv in entry.items() for x in kv),
                "comment",
                orjson.dumps(fields),
            ],
        )

    # Erasure -------------------------------------------------------------------------------

    @guarded
    async def comment_ids_by_email(self, email: str) -> list[str]:
        return sorted(as_str(i) for i in await self.redis.smembers(self.keys.by_email(email)))

    @guarded
    async def erase(self, record: CommentRecord, erased: CommentRecord) -> str | None:
        """Remove one comment and its personal data everywhere; returns its former status."""
        keys = self.keys
        names = self.submission_keys(
            Submission(
                record.post_id,
                record.parent_id,
                record.author,
                record.email,
                record.content,
                record.ip_hash,
            )
        )
        status = await self._scripts.call(
            self._erase,
            [
                keys.comment(record.id),
                keys.approved_stream(),
                keys.feedback_stream(),
                keys.expiry(),
                names.trusted_author,
                names.duplicate_author,
                names.duplicate_email,
                *(keys.queue(s) for s in Status),
            ],
            [record.id, erased.model_dump_json()],
        )
        return None if status is None else as_str(status)

    @guarded
    async def forget_email(self, email: str) -> int:
        """Drop the address's comment index and the feedback its Akismet submissions left;
        returns how many feedback entries went."""
        deleted = await self._scripts.call(
            self._forget_email,
            [
                self.keys.feedback_stream(),
                self.keys.by_email(email),
                self.keys.feedback_by_email(email),
            ],
            [],
        )
        return int(deleted)
