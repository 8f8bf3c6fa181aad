"""The service's own errors. They know nothing of HTTP: one middleware maps them to answers."""

from __future__ import annotations


class ReplyguardError(Exception):
    """Base of every error a client or the store can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreUnavailable(ReplyguardError):
    """Redis did not answer, or refused the write; nothing was acknowledged."""


class MalformedRequest(ReplyguardError):
    """The body cannot be read at all: broken JSON, invalid UTF-8, a non-object."""


class UnsupportedContentType(ReplyguardError):
    """The body is in a format the endpoint does not take."""


class InvalidForm(ReplyguardError):
    """One or more fields failed validation; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))
        self.errors = errors


class InvalidQuery(ReplyguardError):
    """A query-string parameter is out of range or malformed."""


class NotAuthenticated(ReplyguardError):
    """No valid credentials were presented."""


class NotFound(ReplyguardError):
    """The named thing does not exist (or no longer does)."""


class Conflict(ReplyguardError):
    """The request collides with the current state: another moderator acted first, and so on."""


class Duplicate(Conflict):
    """The same person already said exactly this on this thread."""

    def __init__(self, comment_id: str) -> None:
        super().__init__("Duplicate comment detected; it looks as though you've already said that!")
        self.comment_id = comment_id


class TooFast(ReplyguardError):
    """A flood or the rate limit: the client must wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("You are posting comments too quickly. Slow down.")
        self.retry_after = max(1, retry_after)


class Forbidden(ReplyguardError):
    """Known and understood, but not allowed here: closed comments, an unapproved parent."""


class IdempotencyMismatch(ReplyguardError):
    """An Idempotency-Key was reused for a different request."""
