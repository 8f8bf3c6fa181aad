"""What goes into the store and what comes back out of it."""

from __future__ import annotations

from dataclasses import dataclass

from .schemas import CommentRecord, PostSettings, Status


@dataclass(frozen=True, slots=True)
class Submission:
    """The identifying parts of a new comment that the rules look up."""

    post_id: int
    parent_id: str | None
    author: str
    email: str
    content: str
    ip_hash: str
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class SubmissionKeys:
    """The key names a submission's checks and write touch (digests made once per comment)."""

    trusted_author: str
    duplicate_author: str
    duplicate_email: str
    flood_address: str
    flood_email: str
    rate: str
    by_email: str

    def checked(self) -> tuple[str, str, str, str, str, str]:
        """The keys both scripts read, in their order: trusted author, duplicates, floods,
        rate window."""
        return (
            self.trusted_author,
            self.duplicate_author,
            self.duplicate_email,
            self.flood_address,
            self.flood_email,
            self.rate,
        )


@dataclass(frozen=True, slots=True)
class Context:
    """What Redis knows about a submission before it is decided (read in one round trip)."""

    rules_version: int
    post: PostSettings
    parent_status: str | None
    parent_post: int | None
    trusted_author: bool
    duplicate_of: str | None
    flood_ms: int
    recent_from_address: int
    rate_retry_ms: int
    prior_answer: bytes | None


@dataclass(frozen=True, slots=True)
class Limits:
    """The time-based limits the create script enforces atomically."""

    duplicate_seconds: int
    flood_ms: int
    rate_per_minute: int
    retention_seconds: int


@dataclass(frozen=True, slots=True)
class Created:
    """What the create script did: ``created``, ``replay``, ``duplicate``, ``flood``, ``rate``,
    or ``recheck`` (decided on assumptions that do not hold: nothing was written)."""

    outcome: str
    detail: bytes = b""


@dataclass(frozen=True, slots=True)
class StoredComment:
    """A record as read back, with the revision a compare-and-set needs."""

    record: CommentRecord
    rev: str


@dataclass(frozen=True, slots=True)
class Transition:
    """One moderator action, ready to be applied atomically."""

    record: CommentRecord
    expected_rev: str
    old_status: Status
    action: str
    moderator: str
    at: str
    stream_event: str
    feedback_label: str
    action_id: str
