"""Every Redis key name replyguard uses, built in one place (the README documents each)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .schemas import Status


def digest(*parts: str) -> str:
    """A short, stable, non-reversible name part for values that must not appear in key names."""
    joined = "\x1f".join(parts)
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Keys:
    """Key builders under one prefix (default ``replyguard:``)."""

    prefix: str = "replyguard:"

    def comment(self, comment_id: str) -> str:
        """Hash: ``status``, ``rev``, ``post``, ``record`` (JSON), stream entry ids, last action."""
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

    def trusted_author(self, author: str, email: str) -> str:
        """Set once a comment by this name and e-mail address was approved."""
        return f"{self.prefix}author:{digest(author.strip().lower(), email.strip().lower())}"

    def duplicate(self, post_id: int, parent_id: str, who: str, content: str) -> str:
        """The id of a comment with this content, by this author (or e-mail), on this thread."""
        return f"{self.prefix}dup:{digest(str(post_id), parent_id, who.strip().lower(), content)}"

    def flood_address(self, ip_hash: str) -> str:
        """Exists for a few seconds after a comment from this address."""
        return f"{self.prefix}flood:ip:{ip_hash}"

    def flood_email(self, email: str) -> str:
        """Exists for a few seconds after a comment from this e-mail address."""
        return f"{self.prefix}flood:email:{digest(email.strip().lower())}"

    def rate(self, ip_hash: str) -> str:
        """Sorted set of this address's recent comments, scored by time (sliding window)."""
        return f"{self.prefix}rate:ip:{ip_hash}"

    def by_email(self, email: str) -> str:
        """Set of the ids of every comment by one e-mail address (for erasure)."""
        return f"{self.prefix}email:{digest(email.strip().lower())}"

    def feedback_by_email(self, email: str) -> str:
        """Set of the feedback entries of Akismet submissions by one e-mail address (for
        erasure: they belong to no stored comment)."""
        return f"{self.prefix}feedback:email:{digest(email.strip().lower())}"

    def expiry(self) -> str:
        """Sorted set of spam and rejected comment ids, scored by when they expire."""
        return f"{self.prefix}expiry"

    def post(self, post_id: int) -> str:
        """Hash of one post's settings: ``closed``, ``moderate_all``."""
        return f"{self.prefix}post:{post_id}"

    def rules(self) -> str:
        """JSON of the rule settings moderators changed at runtime."""
        return f"{self.prefix}rules"

    def rules_version(self) -> str:
        """Counter bumped on every rule change, so every worker reloads at once."""
        return f"{self.prefix}rules:version"
