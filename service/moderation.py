"""A submitted comment's way through signals, model scores, the policy and the store."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

import orjson
from classifier.scorer import CommentInput
from classifier.scorer import Scores as ModelScores

from .errors import IdempotencyMismatch
from .ids import new_id
from .metrics import Metrics
from .policy import Thresholds, decide
from .schemas import CommentAccepted, CommentForm, CommentRecord, Contribution, Scores, Status
from .scoring import BatchScorer
from .signals import read_signals
from .store import Store


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What the request says about its sender, beside the form."""

    ip: str
    user_agent: str
    referer: str


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
        thresholds: Thresholds,
        metrics: Metrics,
        idempotency_ttl: int,
        ip_secret: bytes | None = None,
    ) -> None:
        self.store = store
        self.scorer = scorer
        self.thresholds = thresholds
        self.metrics = metrics
        self.idempotency_ttl = idempotency_ttl
        self._ip_secret = ip_secret

    async def submit(
        self, form: CommentForm, client: ClientInfo, idempotency_key: str | None = None
    ) -> Submitted:
        """Score, decide and store one comment; the answer is given only once Redis has it."""
        fingerprint = hashlib.sha256(form.model_dump_json().encode()).hexdigest()
        if idempotency_key is not None:
            prior = await self.store.idempotent_answer(idempotency_key)
            if prior is not None:
                return _replay(prior, fingerprint)

        model_scores = await self.scorer.score(
            CommentInput(comment=form.comment, author=form.author, email=form.email, url=form.url)
        )
        scores = Scores(spam=model_scores.spam, abuse=model_scores.abuse)
        decision = decide(scores, read_signals(form), self.thresholds)
        record = CommentRecord(
            id=new_id(),
            post_id=form.post_id,
            parent_id=form.parent_id,
            author=form.author,
            email=form.email,
            url=form.url,
            content=form.comment,
            cookies_consent=form.cookies_consent,
            ip_hash=await self._hash_ip(client.ip),
            user_agent=client.user_agent,
            referer=client.referer,
            created_at=datetime.now(UTC),
            status=decision.status,
            decided_status=decision.status,
            scores=scores,
            reasons=list(decision.reasons),
            explanations=_explanations(model_scores),
            model_version=self.scorer.version,
        )
        answer = CommentAccepted(
            id=record.id,
            status=record.status,
            scores=scores,
            reasons=record.reasons,
            model_version=record.model_version,
        )
        idempotency = None
        if idempotency_key is not None:
            stored = orjson.dumps(
                {"fingerprint": fingerprint, "answer": answer.model_dump(mode="json")}
            )
            idempotency = (idempotency_key, stored, self.idempotency_ttl)
        prior = await self.store.create(record, idempotency)
        if prior is not None:  # a concurrent request with the same key won the race
            return _replay(prior, fingerprint)
        for reason in record.reasons:
            self.metrics.decisions.labels(record.status.value, reason.code).inc()
        return Submitted(answer)

    async def _hash_ip(self, ip: str) -> str:
        """Addresses are kept only as a keyed hash: enough to match floods, not to find people."""
        if self._ip_secret is None:
            self._ip_secret = await self.store.server_secret()
        return hmac.new(self._ip_secret, ip.encode(), hashlib.sha256).hexdigest()[:32]


def _replay(stored: bytes, fingerprint: str) -> Submitted:
    data = orjson.loads(stored)
    if data.get("fingerprint") != fingerprint:
        raise IdempotencyMismatch(
            "This Idempotency-Key was already used for a different comment; use a new key."
        )
    return Submitted(CommentAccepted.model_validate(data["answer"]), replayed=True)


def _explanations(scores: ModelScores) -> dict[str, list[Contribution]]:
    return {
        head: [Contribution(feature=c.feature, weight=c.weight) for c in top]
        for head, top in (("spam", scores.spam_top), ("abuse", scores.abuse_top))
        if top
    }


def approved_status(status: Status) -> bool:
    """Whether a status is visible on the site."""
    return status is Status.APPROVED
