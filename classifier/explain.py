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


class _Namer:
    """Finds, for a (comment, column) pair, an n-gram of that comment hashed to that column."""

    def __init__(self, docs: NDArray[np.int64], cols: NDArray[np.int64], bits: int) -> None:
        keys = (docs << bits) | cols
        self.order = np.argsort(keys, kind="stable")
        self.sorted = keys[self.order]
        self.bits = bits

    def find(self, doc: int, col: int) -> int:
        key = (doc << self.bits) | col
        pos = int(np.searchsorted(self.sorted, key))
        return int(self.order[pos]) if pos < len(self.sorted) and self.sorted[pos] == key else -1


def explain_batch(
    featuriser: Featuriser,
    weights: NDArray[np.float64],
    batch: Rows,
    items: Sequence[CommentInput],
    count: int,
) -> list[tuple[tuple[Contribution, ...], ...]]:
    """For each comment and each head (a column of ``weights``), the ``count`` largest positive
    contributions (feature value x weight), strongest first."""
    grams = batch.grams
    char_bits, word_bits = featuriser.hasher.char_bits, featuriser.hasher.word_bits
    words_at = 1 << char_bits
    signals_at = featuriser.n_features - len(SIGNAL_NAMES)
    chars = _Namer(grams.char_docs, grams.char_cols, char_bits)
    words = _Namer(grams.word_docs, grams.word_cols, word_bits)
    sparse = batch.values[:, None] * weights[batch.cols]
    dense = batch.dense[:, :, None] * weights[signals_at:][None, :, :]
    bounds = np.searchsorted(batch.rows, np.arange(batch.n + 1))
    signal_cols = np.arange(signals_at, featuriser.n_features)

    def name(doc: int, col: int) -> str:
        if col >= signals_at:
            j = col - signals_at
            raw = float(batch.dense[doc, j] + featuriser.signal_mean[j])
            return describe(SIGNAL_NAMES[j], raw, items[doc], batch.texts[doc])
        if col >= words_at:
            k = words.find(doc, col - words_at)
            return f'word "{grams.word_name(k)}"' if k >= 0 else f"feature {col}"
        k = chars.find(doc, col)
        return f'chars "{grams.char_name(k)}"' if k >= 0 else f"feature {col}"

    out = []
    for doc in range(batch.n):
        start, end = int(bounds[doc]), int(bounds[doc + 1])
        cols = np.concatenate([batch.cols[start:end], signal_cols])
        heads = []
        for head in range(weights.shape[1]):
            values = np.concatenate([sparse[start:end, head], dense[doc, :, head]])
            picked = np.argpartition(-values, count)[:count] if len(values) > count else None
            order = np.arange(len(values)) if picked is None else picked
            order = order[np.argsort(-values[order], kind="stable")]
            heads.append(
                tuple(
                    Contribution(name(doc, int(cols[k])), float(values[k]))
                    for k in order
                    if values[k] > 0
                )
            )
        out.append(tuple(heads))
    return out
