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


class IdempotencyMismatch(ReplyguardError):
    """An Idempotency-Key was reused for a different request."""


class ModelNotReady(ReplyguardError):
    """The scorer is not loaded, so nothing can be decided."""
