"""Moderator credentials: bearer tokens checked in constant time."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from .errors import NotAuthenticated


class Moderators:
    """Maps a presented bearer token to the moderator's name."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        self._tokens = [(name, token.encode()) for name, token in tokens.items()]

    def authenticate(self, authorization: str | None) -> str:
        """The moderator's name for an ``Authorization: Bearer <token>`` header."""
        scheme, _, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            raise NotAuthenticated("Send Authorization: Bearer <moderator token>.")
        given = presented.strip().encode()
        found = None
        for name, token in self._tokens:  # every token is compared, so timing tells nothing
            if hmac.compare_digest(given, token):
                found = name
        if found is None:
            raise NotAuthenticated("That moderator token is not valid.")
        return found
