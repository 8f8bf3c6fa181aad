"""Comment ids: 26-character ULIDs, so that sorting ids sorts comments by arrival."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_lock = threading.Lock()
_last_ms = 0
_last_random = 0


# Every 10-bit value as its two characters: an id is 13 lookups, not 26 divisions.
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)
_SHIFTS = tuple(range(120, -1, -10))


def encode(value: int) -> str:
    """A 128-bit value as 26 characters of Crockford's base32, most significant first."""
    pairs = _PAIRS
    return "".join([pairs[(value >> shift) & 1023] for shift in _SHIFTS])


def new_id(now_ms: int | None = None) -> str:
    """A new ULID; ids made by one process within one millisecond still increase."""
    global _last_ms, _last_random
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            _last_random += 1
        else:
            _last_ms = ms
            _last_random = int.from_bytes(os.urandom(10), "big") >> 1
        random_part = _last_random & ((1 << 80) - 1)
    return encode((ms & ((1 << 48) - 1)) << 80 | random_part)


def is_id(value: str) -> bool:
    """True for a string shaped like one of our ids."""
    return len(value) == 26 and all(c in _ALPHABET for c in value)
