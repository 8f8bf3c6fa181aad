"""Which n-grams and signals pushed a comment's score up, named so a moderator can read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from classifier.pipeline import Featuriser, Rows
from classifier.signals import SIGNAL_NAMES, CommentInput, describe


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature's share of a head's logit; positive pushes the score up."""

    feature: str
    weight: float


def _first_grams(
    docs: NDArray[np.int64], cols: NDArray[np.int64], bits: int, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """For each wanted (comment, column), the index of the comment's first n-gram hashed to
    that column. Only the few wanted pairs are sorted, not the batch's n-grams."""
    if not wanted:
        return {}
    query = np.unique(np.array([(doc << bits) | col for doc, col in wanted], dtype=np.int64))
    keys = (docs << bits) | cols
    pos = np.searchsorted(query, keys)
    pos[pos == len(query)] = 0
    hits = np.flatnonzero(query[pos] == keys)
    found, first = np.unique(keys[hits], return_index=True)
    mask = (1 << bits) - 1
    return {
        (key >> bits, key & mask): index
        for key, index in zip(found.tolist(), hits[first].tolist(), strict=True)
    }


def explain_batch(
    featuriser: Featuriser,
    weights: NDArray[np.float64],
    batch: Rows,
    contributions: NDArray[np.float64],
    items: Sequence[CommentInput],
    count: int,
) -> list[tuple[tuple[Contribution, ...], ...]]:
    """For each comment and each head (a column of ``weights``), the ``count`` largest positive
    contributions (feature value x weight), strongest first. ``contributions`` holds each
    n-gram triplet's value x weight, as scoring computed it."""
    words_at = 1 << featuriser.hasher.char_bits
    n_signals = len(SIGNAL_NAMES)
    signals_at = featuriser.n_features - n_signals
    # Every (comment, column, contribution) of the batch, n-grams then signals, all heads.
    docs = np.concatenate([batch.rows, np.repeat(np.arange(batch.n), n_signals)])
    cols = np.concatenate(
        [batch.cols, np.tile(np.arange(signals_at, signals_at + n_signals), batch.n)]
    )
    dense = batch.dense[:, :, None] * weights[signals_at:][None, :, :]
    values = np.concatenate([contributions, dense.reshape(-1, weights.shape[1])])

    per_head: list[list[tuple[int, int, float]]] = []
    for head in range(weights.shape[1]):
        v = values[:, head]
        up = v > 0
        d, c, v = docs[up], cols[up], v[up]
        # By comment, strongest first: one sort on a single key (comment x span - value) is a
        # few times faster than a two-key lexsort.
        span = 2.0 * float(v.max(initial=0.0)) + 1.0
        order = np.argsort(d * span - v)
        d, c, v = d[order], c[order], v[order]
        rank = np.arange(len(d)) - np.searchsorted(d, np.arange(batch.n))[d]
        top = rank < count
        per_head.append(list(zip(d[top].tolist(), c[top].tolist(), v[top].tolist(), strict=True)))

    picked = [entry for entries in per_head for entry in entries]
    grams = batch.grams
    chars = _first_grams(
        grams.char_docs,
        grams.char_cols,
        featuriser.hasher.char_bits,
        {(doc, col) for doc, col, _ in picked if col < words_at},
    )
    words = _first_grams(
        grams.word_docs,
        grams.word_cols,
        featuriser.hasher.word_bits,
        {(doc, col - words_at) for doc, col, _ in picked if words_at <= col < signals_at},
    )

    def name(doc: int, col: int) -> str:
        if col >= signals_at:
            j = col - signals_at
            raw = float(batch.dense[doc, j] + featuriser.signal_mean[j])
            return describe(SIGNAL_NAMES[j], raw, items[doc], batch.texts[doc])
        if col >= words_at:
            k = words.get((doc, col - words_at))
            return f'word "{grams.word_name(k)}"' if k is not None else f"feature {col}"
        k = chars.get((doc, col))
        return f'chars "{grams.char_name(k)}"' if k is not None else f"feature {col}"

    out: list[list[list[Contribution]]] = [[[] for _ in per_head] for _ in range(batch.n)]
    for head, entries in enumerate(per_head):
        for doc, col, value in entries:
            out[doc][head].append(Contribution(name(doc, col), value))
    return [tuple(tuple(head) for head in heads) for heads in out]
