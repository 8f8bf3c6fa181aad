"""Hashed word and character n-gram counts for a whole batch at once, with numpy.

The normalised texts of a batch are laid end to end as one array of code points. Every substring
hash then costs O(1) from a prefix sum of code points weighted by powers of an odd multiplier
(mod 2**64, where numpy's unsigned arithmetic wraps), so all character n-grams and all words of the
batch are hashed with a handful of array operations and no Python loop over characters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

U64 = np.uint64
_P = 0x100000001B3  # FNV-64 prime: odd, so invertible mod 2**64
_P_INV = pow(_P, -1, 2**64)
_PAIR = 0x9E3779B97F4A7C15
_SPACE = ord(" ")


def _empty() -> NDArray[np.int64]:
    return np.zeros(0, dtype=np.int64)


Counts: TypeAlias = Any  # scipy.sparse.csr_matrix; scipy is untyped here
Substring = Callable[[NDArray[np.int64], NDArray[np.int64]], NDArray[np.uint64]]


def _word_char_table() -> NDArray[np.bool_]:
    table = np.array([chr(i).isalnum() for i in range(0x30000)], dtype=np.bool_)
    table[ord("_")] = True
    return table


_WORD_CHAR = _word_char_table()


class _Powers:
    """P**k and P**-k mod 2**64 for k < n, grown on demand and safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrays = self._build(1 << 16)

    @staticmethod
    def _build(n: int) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
        up = np.full(n, _P, dtype=U64)
        down = np.full(n, _P_INV, dtype=U64)
        up[0] = down[0] = 1
        return np.cumprod(up, dtype=U64), np.cumprod(down, dtype=U64)

    def get(self, n: int) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
        arrays = self._arrays
        if len(arrays[0]) < n:
            with self._lock:
                if len(self._arrays[0]) < n:
                    self._arrays = self._build(1 << max(n - 1, 1).bit_length())
                arrays = self._arrays
        return arrays


_POWERS = _Powers()


_S30, _S27, _S31 = U64(30), U64(27), U64(31)
_M1, _M2 = U64(0xBF58476D1CE4E5B9), U64(0x94D049BB133111EB)


def _mix(h: NDArray[np.uint64], salt: int | NDArray[np.uint64], bits: int) -> NDArray[np.int64]:
    """splitmix64 finaliser of (hash ^ salt), top ``bits`` bits as a column index (in place on
    one new array: a small batch pays per operation more than per element)."""
    z = h ^ (U64(salt) if isinstance(salt, int) else salt)
    z ^= z >> _S30
    z *= _M1
    z ^= z >> _S27
    z *= _M2
    z ^= z >> _S31
    z >>= U64(64 - bits)
    return z.astype(np.int64)


def count_triplets(
    docs: NDArray[np.int64], cols: NDArray[np.int64], bits: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(document, column, count, first) of every column that occurs, by document then column;
    ``first`` is the index of its first n-gram (what an explanation names it by)."""
    keys = (docs << bits) | cols
    n = len(keys)
    index_bits = max(n - 1, 1).bit_length()
    if n == 0 or int(keys.max()).bit_length() + index_bits > 63:
        keys, first, counts = np.unique(keys, return_index=True, return_counts=True)
    else:
        # Each n-gram's index packed below its key, then one plain sort: a run of equal keys
        # starts with its first n-gram. np.unique's return_index takes a stable argsort and
        # gathers instead: 2 to 3 times the cost for a batch of 24 comments.
        packed = np.sort((keys << index_bits) | np.arange(n))
        sorted_keys = packed >> index_bits
        new = np.empty(n, dtype=np.bool_)
        new[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new[1:])
        starts = new.nonzero()[0]
        keys = sorted_keys[starts]
        first = packed[starts] & ((1 << index_bits) - 1)
        counts = np.empty(len(starts), dtype=np.int64)
        counts[:-1] = starts[1:] - starts[:-1]
        counts[-1] = n - starts[-1]
    return keys >> bits, keys & ((1 << bits) - 1), counts, first


def doc_frequencies(
    docs: NDArray[np.int64], cols: NDArray[np.int64], bits: int
) -> NDArray[np.int64]:
    """In how many documents each of the ``2**bits`` columns occurs."""
    keys = np.unique((docs << bits) | cols)
    return np.bincount(keys & ((1 << bits) - 1), minlength=1 << bits)


def _counts(docs: NDArray[np.int64], cols: NDArray[np.int64], n_docs: int, bits: int) -> Counts:
    """A CSR matrix of how often each column occurs in each document."""
    import scipy.sparse as sp  # training only: scoring does without scipy

    keys, counts = np.unique((docs << bits) | cols, return_counts=True)
    rows = keys >> bits
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
    return sp.csr_matrix(
        (counts.astype(np.float64), (keys & ((1 << bits) - 1)).astype(np.int32), indptr),
        shape=(n_docs, 1 << bits),
    )


@dataclass(slots=True)
class Grams:
    """Where every n-gram of a batch came from (document, span of ``joined``) and went (column).

    ``joined`` is the batch as hashed: each text padded with a space on both sides and followed
    by a NUL. A word bigram spans two words, kept apart so that its name is "first second"."""

    joined: str = ""
    char_docs: NDArray[np.int64] = field(default_factory=_empty)
    char_cols: NDArray[np.int64] = field(default_factory=_empty)
    char_spans: tuple[NDArray[np.int64], NDArray[np.int64]] = (_empty(), _empty())
    word_docs: NDArray[np.int64] = field(default_factory=_empty)
    word_cols: NDArray[np.int64] = field(default_factory=_empty)
    word_first: tuple[NDArray[np.int64], NDArray[np.int64]] = (_empty(), _empty())
    word_second: tuple[NDArray[np.int64], NDArray[np.int64]] = (_empty(), _empty())

    def char_name(self, k: int) -> str:
        return self.joined[self.char_spans[0][k] : self.char_spans[1][k]]

    def word_name(self, k: int) -> str:
        first = self.joined[self.word_first[0][k] : self.word_first[1][k]]
        if self.word_second[0][k] < 0:
            return first
        return f"{first} {self.joined[self.word_second[0][k] : self.word_second[1][k]]}"


class NgramHasher:
    """Counts of hashed character n-grams (inside word boundaries, like scikit-learn's
    ``char_wb``) and of hashed word n-grams, each in its own column space."""

    def __init__(
        self,
        char_bits: int = 18,
        word_bits: int = 17,
        char_range: tuple[int, int] = (2, 5),
        word_range: tuple[int, int] = (1, 2),
    ) -> None:
        self.char_bits, self.word_bits = char_bits, word_bits
        self.char_range, self.word_range = char_range, word_range

    def params(self) -> dict[str, object]:
        """The settings, as plain data for the artifact."""
        return {
            "char_bits": self.char_bits,
            "word_bits": self.word_bits,
            "char_range": list(self.char_range),
            "word_range": list(self.word_range),
        }

    def transform(self, texts: Sequence[str]) -> tuple[Counts, Counts]:
        """(character n-gram counts, word n-gram counts) for already normalised texts."""
        chars, words, _ = self.transform_with_grams(texts)
        return chars, words

    def transform_with_grams(self, texts: Sequence[str]) -> tuple[Counts, Counts, Grams]:
        """The counts, and where each n-gram came from (to name columns in explanations)."""
        grams = self.grams(texts)
        n_docs = len(texts)
        return (
            _counts(grams.char_docs, grams.char_cols, n_docs, self.char_bits),
            _counts(grams.word_docs, grams.word_cols, n_docs, self.word_bits),
            grams,
        )

    def grams(self, texts: Sequence[str]) -> Grams:
        """Every character and word n-gram of already normalised texts, with its column."""
        return self._grams(texts)

    def terms(self, text: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """The character and word n-grams of one normalised text with their columns."""
        grams = self._grams([text])
        chars = [(grams.char_name(k), int(c)) for k, c in enumerate(grams.char_cols)]
        words = [(grams.word_name(k), int(c)) for k, c in enumerate(grams.word_cols)]
        return chars, words

    def _grams(self, texts: Sequence[str]) -> Grams:
        # Each text is padded with a space on both sides and followed by a NUL separator.
        joined = "\x00".join(f" {t} " for t in texts) + "\x00"
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(
            U64
        )
        n = len(codes)
        up, down = _POWERS.get(n + 1)
        prefix = np.zeros(n + 1, dtype=U64)
        np.cumsum(codes * down[:n], dtype=U64, out=prefix[1:])
        lengths = np.fromiter((len(t) + 3 for t in texts), dtype=np.int64, count=len(texts))
        doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)

        def substring(start: NDArray[np.int64], end: NDArray[np.int64]) -> NDArray[np.uint64]:
            return (prefix[end] - prefix[start]) * up[end - 1]

        grams = Grams(joined=joined)
        self._chars(codes, doc_of, substring, grams)
        self._words(codes, doc_of, substring, grams)
        return grams

    def _chars(
        self,
        codes: NDArray[np.uint64],
        doc_of: NDArray[np.int64],
        substring: Substring,
        grams: Grams,
    ) -> None:
        # Size by size (size-major, as n-grams have always been ordered), on slices: the n-grams
        # of one size start at 0 .. n - size, so every test is a shifted view of ``codes``, not
        # a gather (which made the all-sizes-at-once version 1.7 times slower).
        is_space = (codes == _SPACE) | (codes == 0)
        spaces = np.cumsum(is_space)  # spaces[i]: how many in codes[: i + 1]
        n = len(codes)
        starts: list[NDArray[np.int64]] = []
        sizes: list[NDArray[np.int64]] = []
        for k in range(self.char_range[0], min(self.char_range[1], n) + 1):
            m = n - k + 1  # the n-grams of k characters start at 0 .. n - k
            # No separator anywhere and no space strictly inside: n-grams stay within one word.
            ok = (codes[k - 1 :] != 0) & (codes[:m] != 0)
            if k > 2:
                ok &= spaces[k - 2 : n - 1] == spaces[:m]
            else:
                ok &= ~(is_space[:m] & is_space[k - 1 :])
            at = np.flatnonzero(ok)
            starts.append(at)
            sizes.append(np.full(len(at), k, dtype=np.int64))
        start = np.concatenate(starts) if starts else _empty()
        size = np.concatenate(sizes) if sizes else _empty()
        end = start + size
        grams.char_docs = doc_of[start]
        grams.char_cols = _mix(substring(start, end), 0x1000 + size.astype(U64), self.char_bits)
        grams.char_spans = (start, end)

    def _words(
        self,
        codes: NDArray[np.uint64],
        doc_of: NDArray[np.int64],
        substring: Substring,
        grams: Grams,
    ) -> None:
        table = _WORD_CHAR
        is_word = np.zeros(len(codes) + 2, dtype=np.bool_)
        inside = codes < len(table)
        is_word[1:-1][inside] = table[codes[inside].astype(np.int64)]
        edges = np.diff(is_word.astype(np.int8))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        word_hash = substring(starts, ends)
        word_doc = doc_of[starts]
        docs, cols = [], []
        first_s, first_e, second_s, second_e = [], [], [], []
        lo, hi = self.word_range
        if lo <= 1 <= hi:
            docs.append(word_doc)
            cols.append(_mix(word_hash, 0x2001, self.word_bits))
            none = np.full(len(starts), -1, dtype=np.int64)
            first_s += [starts]
            first_e += [ends]
            second_s += [none]
            second_e += [none]
        if lo <= 2 <= hi and len(word_hash) > 1:
            same = word_doc[1:] == word_doc[:-1]
            pair = word_hash[:-1][same] * U64(_PAIR) + word_hash[1:][same]
            docs.append(word_doc[1:][same])
            cols.append(_mix(pair, 0x2002, self.word_bits))
            first_s += [starts[:-1][same]]
            first_e += [ends[:-1][same]]
            second_s += [starts[1:][same]]
            second_e += [ends[1:][same]]
        if docs:
            grams.word_docs, grams.word_cols = np.concatenate(docs), np.concatenate(cols)
            grams.word_first = (np.concatenate(first_s), np.concatenate(first_e))
            grams.word_second = (np.concatenate(second_s), np.concatenate(second_e))
