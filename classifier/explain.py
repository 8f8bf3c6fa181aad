"""Which n-grams and signals pushed a comment's score up, named so a moderator can read them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from classifier.pipeline import Featuriser, Rows
from classifier.signals import SIGNAL_NAMES, CommentInput, describe

# The embedding's share: what the comment says, read as a whole (classifier.static).
MEANING = "meaning of the whole comment (sentence embedding)"


class Contribution(NamedTuple):
    """One feature's share of a head's logit; positive pushes the score up. A named tuple: a
    comment gets ten, made in C (a frozen dataclass sets each field through Python)."""

    feature: str
    weight: float


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
    signals_at = featuriser.n_features - featuriser.dense_width
    nnz = len(batch.cols)
    dense = batch.dense[:, :, None] * weights[signals_at:][None, :, :]
    if featuriser.embedding is not None:
        # The embedding's numbers mean nothing one by one: their sum is one contribution.
        meaning = dense[:, n_signals:].sum(axis=1, keepdims=True)
        dense = np.concatenate([dense[:, :n_signals], meaning], axis=1)
    per_doc = dense.shape[1]
    # Every (comment, contribution) of the batch, n-grams then the dense ones, all heads; an
    # entry's position names it: a triplet of ``batch``, or a signal (or the meaning) of a comment.
    docs = np.concatenate([batch.rows, np.repeat(np.arange(batch.n), per_doc)])
    values = np.concatenate([contributions, dense.reshape(-1, weights.shape[1])])

    per_head: list[list[tuple[int, int, float]]] = []
    for head in range(weights.shape[1]):
        v = values[:, head]
        at = np.flatnonzero(v > 0)
        d, v = docs[at], v[at]
        # By comment, strongest first: one sort on a single key (comment x span - value) is a
        # few times faster than a two-key lexsort. The keys come in runs (the triplets by
        # comment, then the signals by comment), which the stable sort (timsort) merges: 2.5
        # times faster than quicksort here, and ties keep their order.
        span = 2.0 * float(v.max(initial=0.0)) + 1.0
        order = np.argsort(d * span - v, kind="stable")
        d, v, at = d[order], v[order], at[order]
        rank = np.arange(len(d)) - np.searchsorted(d, np.arange(batch.n))[d]
        top = rank < count
        per_head.append(list(zip(d[top].tolist(), at[top].tolist(), v[top].tolist(), strict=True)))

    grams = batch.grams
    cols = batch.cols
    first = batch.first
    findings = batch.findings  # what the signals found: describing them does not look again

    def name(doc: int, pos: int) -> str:
        if pos >= nnz:
            j = pos - nnz - doc * per_doc
            if j == n_signals:
                return MEANING
            raw = float(batch.dense[doc, j] + featuriser.signal_mean[j])
            return describe(
                SIGNAL_NAMES[j],
                raw,
                items[doc],
                batch.texts[doc],
                featuriser.abusive_words,
                featuriser.spam_phrases,
                featuriser.phrases_in_fields,
                featuriser.unmask,
                findings[doc] if findings else None,
            )
        if cols[pos] >= words_at:
            return f'word "{grams.word_name(int(first[pos]))}"'
        return f'chars "{grams.char_name(int(first[pos]))}"'

    out: list[list[list[Contribution]]] = [[[] for _ in per_head] for _ in range(batch.n)]
    for head, entries in enumerate(per_head):
        for doc, pos, value in entries:
            out[doc][head].append(Contribution(name(doc, pos), value))
    return [tuple(tuple(head) for head in heads) for heads in out]
