"""A comment's way through the rules, the models, the policy and the store."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from classifier.scorer import CommentInput
from classifier.scorer import Scores as ModelScores

from .batching import Expected
from .draft import Draft
from .errors import Duplicate, Forbidden, IdempotencyMismatch, TooFast
from .formtoken import TokenCheck, TokenState, check, hmac_sha256
from .ids import new_id
from .metrics import Metrics
from .policy import Decision, decide
from .rules import RuleConfig, RuleSet, apply_overrides
from .sanitize import content_html
from .schemas import CommentAccepted, CommentRecord, Contribution, PostSettings, Scores, Status
from .scoring import BatchScorer
from .settings import Settings
from .signals import read_signals
from .store import Context, Limits, Store, Submission, SubmissionKeys

CLOSED = "Sorry, comments are closed for this item."
UNAPPROVED_PARENT = "Sorry, replies to unapproved comments are not allowed."
_MAX_REFUSED = 10_000  # addresses remembered as refused for a flood or the rate limit
_MAX_UNUSUAL = 10_000  # approved authors and held or closed posts remembered
# How long a worker remembers that an author was approved, or a post held or closed: their
# comments read the state first meanwhile (it only chooses the way; the write checks anyway).
_UNUSUAL_SECONDS = 600.0
# What a comment is decided on when the state is not read first: the usual case (a post open
# and not held, an author not yet approved); the write checks it.
_UNREAD = Context(
    rules_version=0,
    post=PostSettings(),
    parent_status=None,
    parent_post=None,
    trusted_author=False,
    duplicate_of=None,
    flood_ms=0,
    recent_from_address=0,
    rate_retry_ms=0,
    prior_answer=None,
)


@dataclass(frozen=True, slots=True)
class Judgement:
    """Everything decided about a draft: the scores with their explanations, and the decision."""

    model: ModelScores
    scores: Scores
    decision: Decision
    rules_version: int
    context: Context  # what the decision took as known of Redis's state


@dataclass(frozen=True, slots=True)
class Submitted:
    """The answer to a submission; ``replayed`` when it repeats an earlier Idempotency-Key."""

    answer: CommentAccepted
    replayed: bool = False


class Moderation:
    """Decides and stores comments. One per application; shared by every request."""

    def __init__(
        self,
        store: Store,
        scorer: BatchScorer,
        settings: Settings,
        defaults: RuleConfig,
        metrics: Metrics,
    ) -> None:
        self.store = store
        self.scorer = scorer
        self.settings = settings
        self.defaults = defaults
        self.metrics = metrics
        configured = settings.secret_key
        self._secret = configured.get_secret_value().encode() if configured else None
        self._rules = RuleSet.build(defaults, 0, frozenset())
        self._refused: dict[str, float] = {}  # address hash -> monotonic time it may post again
        self._unusual: dict[str, float] = {}  # trusted-author or post key -> remembered until

    async def secret(self) -> bytes:
        """The key of IP hashes and form tokens: configured, or shared through Redis."""
        if self._secret is None:
            self._secret = await self.store.server_secret()
        return self._secret

    async def rules(self, version: int | None = None) -> RuleSet:
        """The rules in force, reloaded from Redis when another worker changed them."""
        if version is None or version != self._rules.version:
            stored_version, overrides = await self.store.rules()
            config = apply_overrides(self.defaults, overrides)
            self._rules = RuleSet.build(config, stored_version, frozenset(overrides))
        return self._rules

    async def hash_ip(self, ip: str) -> str:
        """Addresses are kept as a keyed hash: enough to match floods, not to find people."""
        return hmac_sha256(await self.secret(), ip.encode()).hexdigest()[:32]

    async def submit(self, draft: Draft, idempotency_key: str | None = None) -> Submitted:
        """Check, score, decide and store one comment; answered only once Redis has it."""
        # The scoring batch may wait (briefly) for this comment while Redis is asked about it.
        expected = self.scorer.expect()
        try:
            return await self._submit(draft, idempotency_key, expected)
        finally:
            expected.release()

    async def _submit(
        self, draft: Draft, idempotency_key: str | None, expected: Expected
    ) -> Submitted:
        # What a repeated Idempotency-Key must match; without a key nothing is compared.
        fingerprint = (
            ""
            if idempotency_key is None
            else hashlib.sha256(orjson.dumps(_fingerprint(draft))).hexdigest()
        )
        sub = Submission(
            post_id=draft.post_id,
            parent_id=draft.parent_id,
            author=draft.author,
            email=draft.email,
            content=draft.content,
            ip_hash=await self.hash_ip(draft.ip),
            idempotency_key=idempotency_key,
        )
        names = self.store.submission_keys(sub)
        model = None
        if self._one_trip(draft, sub, names, idempotency_key):
            # Decided on what is usual (rules as this worker knows them, a new author, an open
            # post) and written in one round trip; the write checks those assumptions
            # atomically and writes nothing where one fails.
            rules = self._rules
            judgement = await self.judge(
                draft, rules, _UNREAD, await self._token(draft, rules), expected
            )
            created = await self._create(draft, sub, names, rules, judgement, None, fingerprint)
            if created is not None:
                return created
            model = judgement.model
        context = await self.store.context(sub, names)
        self._note_unusual(draft, names, context)
        if context.prior_answer is not None:
            return _replay(context.prior_answer, fingerprint)
        rules = await self.rules(context.rules_version)
        _refuse_early(draft, context, rules.config)
        token = await self._token(draft, rules)
        judgement = await self.judge(draft, rules, context, token, expected, model)
        created = await self._create(
            draft, sub, names, rules, judgement, idempotency_key, fingerprint
        )
        assert created is not None  # only a write decided on assumptions is rechecked
        return created

    async def _token(self, draft: Draft, rules: RuleSet) -> TokenCheck:
        return check(
            await self.secret(),
            draft.form_token,
            draft.post_id,
            rules.config.min_submit_seconds,
            rules.config.form_token_max_age,
        )

    async def _create(
        self,
        draft: Draft,
        sub: Submission,
        names: SubmissionKeys,
        rules: RuleSet,
        judgement: Judgement,
        idempotency_key: str | None,
        fingerprint: str,
    ) -> Submitted | None:
        """Store a decided comment; None when it was decided on the usual assumptions (no
        ``context`` read) and one of them does not hold."""
        record = self._record(draft, sub.ip_hash, judgement)
        answer = CommentAccepted(
            id=record.id,
            status=record.status,
            scores=record.scores,
            reasons=record.reasons,
            model_version=record.model_version,
        )
        idempotency = None
        if idempotency_key is not None:
            stored = orjson.dumps(
                {"fingerprint": fingerprint, "answer": answer.model_dump(mode="json")}
            )
            idempotency = (idempotency_key, stored, self.settings.idempotency_ttl)
        unread = judgement.rules_version if judgement.context is _UNREAD else None
        created = await self.store.create(
            record, sub, self._limits(rules.config), idempotency, names, unread
        )
        if created.outcome == "recheck":
            return None
        if created.outcome == "replay":
            return _replay(created.detail, fingerprint)
        if created.outcome == "duplicate":
            raise Duplicate(created.detail.decode())
        if created.outcome in ("flood", "rate"):
            retry_ms = int(created.detail)
            self._hold_back(sub, retry_ms)
            raise TooFast(math.ceil(retry_ms / 1000))
        self._count(judgement.decision)
        return Submitted(answer)

    def _one_trip(
        self, draft: Draft, sub: Submission, names: SubmissionKeys, idempotency_key: str | None
    ) -> bool:
        """Whether to decide a comment before reading the state it is decided on: a top-level
        comment without an Idempotency-Key, from an address not refused moments ago, by an
        author and on a post this worker has not lately seen approved, held or closed (those
        would be sent back by the write and read anyway). One round trip instead of two, for a
        comment alone and for comments that arrive together (measured: see Performance)."""
        return (
            idempotency_key is None
            and draft.parent_id is None
            and not self._held_back(sub)
            and not _remembered(self._unusual, names.trusted_author)
            and not _remembered(self._unusual, _post_key(draft.post_id))
        )

    def _held_back(self, sub: Submission) -> bool:
        """Whether this address was refused for a flood or the rate limit moments ago: its
        next comments read the state first, and are refused before the model scores them."""
        return _remembered(self._refused, sub.ip_hash)

    def _hold_back(self, sub: Submission, retry_ms: int) -> None:
        _remember(self._refused, sub.ip_hash, time.monotonic() + retry_ms / 1000, _MAX_REFUSED)

    def _note_unusual(self, draft: Draft, names: SubmissionKeys, context: Context) -> None:
        """Remember what made a comment unusual, so the author's or post's next comments read
        the state first instead of being decided, sent back and decided again."""
        until = time.monotonic() + _UNUSUAL_SECONDS
        if context.trusted_author:
            _remember(self._unusual, names.trusted_author, until, _MAX_UNUSUAL)
        if context.post.closed or context.post.moderate_all:
            _remember(self._unusual, _post_key(draft.post_id), until, _MAX_UNUSUAL)

    async def judge(
        self,
        draft: Draft,
        rules: RuleSet,
        context: Context,
        token: TokenCheck,
        expected: Expected | None = None,
        model: ModelScores | None = None,
    ) -> Judgement:
        """Score a draft (unless ``model`` has its scores already) and decide on it, without
        storing anything."""
        if model is None:
            model = await self.scorer.score(
                CommentInput(
                    comment=draft.content, author=draft.author, email=draft.email, url=draft.url
                ),
                expected,
            )
        scores = Scores(spam=model.spam, abuse=model.abuse)
        signals = read_signals(
            draft,
            rules,
            token,
            trusted_author=context.trusted_author,
            post_moderated=context.post.moderate_all,
        )
        decision = decide(scores, signals, rules.config.thresholds())
        return Judgement(model, scores, decision, rules.version, context)

    async def check_only(self, draft: Draft) -> Judgement:
        """The decision /comments would make, with nothing stored (the Akismet API)."""
        sub = Submission(
            draft.post_id,
            draft.parent_id,
            draft.author,
            draft.email,
            draft.content,
            await self.hash_ip(draft.ip),
        )
        context = await self.store.context(sub)
        rules = await self.rules(context.rules_version)
        return await self.judge(draft, rules, context, TokenCheck(TokenState.NOT_CHECKED))

    def _record(self, draft: Draft, ip_hash: str, judgement: Judgement) -> CommentRecord:
        decision = judgement.decision
        # Validated construction: pydantic-core does it faster than model_construct's Python.
        return CommentRecord(
            id=new_id(),
            post_id=draft.post_id,
            parent_id=draft.parent_id,
            author=draft.author,
            email=draft.email,
            url=draft.url,
            content=draft.content,
            content_html=content_html(draft.content),
            cookies_consent=draft.cookies_consent,
            ip_hash=ip_hash,
            ip=draft.ip if self.settings.store_raw_ip else None,
            user_agent=draft.user_agent,
            referer=draft.referer,
            created_at=datetime.now(UTC),
            status=decision.status,
            decided_status=decision.decided,
            scores=judgement.scores,
            reasons=list(decision.reasons),
            explanations=explanations(judgement.model),
            model_version=self.scorer.version,
            history=[],
        )

    def _limits(self, config: RuleConfig) -> Limits:
        return Limits(
            duplicate_seconds=self.settings.duplicate_days * 86400,
            flood_ms=int(config.flood_seconds * 1000),
            rate_per_minute=config.rate_limit_per_minute,
            retention_seconds=self.settings.retention_days * 86400,
        )

    def _count(self, decision: Decision) -> None:
        for reason in decision.reasons:
            self.metrics.count_decision(decision.status.value, reason.code)
        if decision.decided is not decision.status:
            self.metrics.shadow_decisions.labels(decision.decided.value).inc()


def _refuse_early(draft: Draft, context: Context, config: RuleConfig) -> None:
    """The refusals that need no model: WordPress's order (closed, parent, duplicate, flood)."""
    if context.post.closed:
        raise Forbidden(CLOSED)
    if draft.parent_id is not None and (
        context.parent_status != Status.APPROVED.value or context.parent_post != draft.post_id
    ):
        raise Forbidden(UNAPPROVED_PARENT)
    if context.duplicate_of is not None:
        raise Duplicate(context.duplicate_of)
    if context.flood_ms > 0 and config.flood_seconds > 0:
        raise TooFast(math.ceil(context.flood_ms / 1000))
    limit = config.rate_limit_per_minute
    if limit and context.recent_from_address >= limit:
        raise TooFast(math.ceil(context.rate_retry_ms / 1000))


def _fingerprint(draft: Draft) -> list[object]:
    return [draft.content, draft.author, draft.email, draft.url, draft.post_id, draft.parent_id]


def _replay(stored: bytes, fingerprint: str) -> Submitted:
    data = orjson.loads(stored)
    if data.get("fingerprint") != fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for a different comment; use a new key."
        )
    return Submitted(CommentAccepted.model_validate(data["answer"]), replayed=True)


def explanations(scores: ModelScores) -> dict[str, list[Contribution]]:
    """The model's strongest reasons per head, as stored and shown to moderators."""
    return {
        head: [Contribution(feature=c.feature, weight=c.weight) for c in top]
        for head, top in (("spam", scores.spam_top), ("abuse", scores.abuse_top))
        if top
    }


def _post_key(post_id: int) -> str:
    return f"post:{post_id}"


def _remembered(table: dict[str, float], key: str) -> bool:
    """Whether ``key`` is noted in ``table`` until a time not yet reached."""
    until = table.get(key)
    return until is not None and until > time.monotonic()


def _remember(table: dict[str, float], key: str, until: float, limit: int) -> None:
    """Note ``key`` until a monotonic time; a full table first drops what has expired, then the
    oldest entries."""
    if key not in table and len(table) >= limit:
        now = time.monotonic()
        for old, expires in list(table.items()):
            if expires <= now or len(table) >= limit:
                del table[old]
    table[key] = until
