"""Comment ids: 26-character ULIDs, so that sorting ids sorts comments by arrival."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_lock = threading.Lock()
_last_ms = 0
_last_random = 0


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, index = divmod(value, 32)
        chars.append(_ALPHABET[index])
    return "".join(reversed(chars))


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
    return _encode(ms, 10) + _encode(random_part, 16)


def is_id(value: str) -> bool:
    """True for a string shaped like one of our ids."""
    return len(value) == 26 and all(c in _ALPHABET for c in value)
