"""Comment ids: ULIDs whose order is the order of arrival."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service import ids
from service.ids import encode, is_id, new_id

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference(value: int) -> str:
    """Crockford's base32 by repeated division, 26 characters."""
    chars = []
    for _ in range(26):
        value, digit = divmod(value, 32)
        chars.append(CROCKFORD[digit])
    return "".join(reversed(chars))


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_encoding_is_crockford_base32(value: int) -> None:
    assert encode(value) == reference(value)


def test_an_id_starts_with_its_millisecond_and_ids_increase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ids, "_last_ms", 0)  # this process's ids so far do not count
    ms = 1_796_000_000_123
    first = new_id(ms)
    assert is_id(first)
    assert int("".join(f"{CROCKFORD.index(c):05b}" for c in first[:10]), 2) == ms
    same_ms = [new_id(ms) for _ in range(50)]
    assert [first, *same_ms] == sorted({first, *same_ms})  # distinct and increasing
    assert all(i[:10] == first[:10] for i in same_ms)
    later = new_id(ms + 1)
    assert later > same_ms[-1]
    assert later[:10] > first[:10]
