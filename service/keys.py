"""Every Redis key name replyguard uses, built in one place (the README documents each)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .schemas import Status


def digest(value: str) -> str:
    """A short, stable, non-reversible name part for values that must not appear in key names."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Keys:
    """Key builders under one prefix (default ``replyguard:``)."""

    prefix: str = "replyguard:"

    def comment(self, comment_id: str) -> str:
        """Hash with the comment's ``status``, ``rev`` and ``record`` (JSON)."""
        return f"{self.prefix}comment:{comment_id}"

    def queue(self, status: Status) -> str:
        """Sorted set of comment ids in one status, all scored 0 so ids sort by time (lex)."""
        return f"{self.prefix}queue:{status.value}"

    def approved_stream(self) -> str:
        """The stream the site publishes from (``approved`` and ``retracted`` events)."""
        return f"{self.prefix}stream:approved"

    def audit_stream(self) -> str:
        """Every moderator action: who, what, when."""
        return f"{self.prefix}stream:audit"

    def feedback_stream(self) -> str:
        """Corrections of the model's call, kept as training feedback."""
        return f"{self.prefix}stream:feedback"

    def idempotency(self, key: str) -> str:
        """The first answer given to one ``Idempotency-Key``."""
        return f"{self.prefix}idem:{digest(key)}"

    def secret(self) -> str:
        """The generated server secret, when none is configured."""
        return f"{self.prefix}secret"
