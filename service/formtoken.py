"""Signed, expiring form tokens: they tell how long the form was open before it was sent."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum


class TokenState(StrEnum):
    """What the submit-timing rule concluded about a post's form token."""

    VALID = "valid"
    TOO_FAST = "too_fast"
    MISSING = "missing"
    FORGED = "forged"
    EXPIRED = "expired"
    NOT_CHECKED = "not_checked"


@dataclass(frozen=True, slots=True)
class TokenCheck:
    state: TokenState
    age: float | None = None


@functools.lru_cache(maxsize=8)
def _keyed(secret: bytes) -> hmac.HMAC:
    return hmac.new(secret, digestmod=hashlib.sha256)


def hmac_sha256(secret: bytes, message: bytes) -> hmac.HMAC:
    """HMAC-SHA256 of ``message``: a copy of one HMAC keyed once per secret, cheaper than
    setting up the key for every form token and every address hashed."""
    mac = _keyed(secret).copy()
    mac.update(message)
    return mac


def _mac(secret: bytes, payload: str) -> str:
    digest = hmac_sha256(secret, payload.encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(secret: bytes, post_id: int, now: float | None = None) -> str:
    """A token for a form on one post, stamped with the time it was issued."""
    issued_ms = int((time.time() if now is None else now) * 1000)
    payload = f"v1.{post_id}.{issued_ms}.{secrets.token_hex(6)}"
    return f"{payload}.{_mac(secret, payload)}"


def check(
    secret: bytes,
    token: str | None,
    post_id: int,
    min_seconds: float,
    max_age: float,
    now: float | None = None,
) -> TokenCheck:
    """Verify the signature, the post and the age of a posted token."""
    if not token:
        return TokenCheck(TokenState.MISSING)
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != "v1" or len(token) > 128:
        return TokenCheck(TokenState.FORGED)
    payload, mac = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_mac(secret, payload), mac) or parts[1] != str(post_id):
        return TokenCheck(TokenState.FORGED)
    age = (time.time() if now is None else now) - int(parts[2]) / 1000
    if age < -5:  # issued in the future: clocks apart, or a forgery with a stolen key
        return TokenCheck(TokenState.FORGED, age)
    if age > max_age:
        return TokenCheck(TokenState.EXPIRED, age)
    if age < min_seconds:
        return TokenCheck(TokenState.TOO_FAST, age)
    return TokenCheck(TokenState.VALID, age)
