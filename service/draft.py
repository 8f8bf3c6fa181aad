"""A comment as the rules see it, however it arrived."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Draft:
    """One comment as the rules see it, however it arrived (the form, or an Akismet call)."""

    content: str
    author: str
    email: str
    url: str
    post_id: int
    parent_id: str | None
    ip: str
    user_agent: str
    referer: str
    form_token: str | None = None
    cookies_consent: bool = False
    fields: Mapping[str, str] = field(default_factory=dict)  # every posted text field
    honeypot_value: str | None = None  # given directly by an Akismet client

    def honeypot(self, name: str) -> str:
        """What was typed into the honeypot field (named by the rules, or by the caller)."""
        if self.honeypot_value is not None:
            return self.honeypot_value
        return self.fields.get(name, "")
