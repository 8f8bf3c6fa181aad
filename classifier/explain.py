"""Which n-grams and signals pushed a comment's score up, named so a moderator can read them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from classifier.pipeline import Featuriser, Matrix
from classifier.signals import SIGNAL_NAMES, CommentInput, describe, signals


@dataclass(frozen=True, slots=True)
class Contribution:
    """One feature's share of a head's logit; positive pushes the score up."""

    feature: str
    weight: float


def feature_names(featuriser: Featuriser, item: CommentInput, normalised: str) -> dict[int, str]:
    """Readable names of the columns one comment fills (n-grams sharing a column are joined)."""
    chars, words = featuriser.hasher.terms(normalised)
    offset = 1 << featuriser.hasher.char_bits
    names: dict[int, list[str]] = {}
    for gram, col in chars:
        names.setdefault(col, []).append(gram)
    for gram, col in words:
        names.setdefault(offset + col, []).append(gram)
    out = {}
    for col, grams in names.items():
        kind = "chars" if col < offset else "word"
        unique = list(dict.fromkeys(grams))
        out[col] = f"{kind} " + " / ".join(f'"{g}"' for g in unique[:3])
    first_signal = featuriser.n_features - len(SIGNAL_NAMES)
    for k, name in enumerate(SIGNAL_NAMES):
        out[first_signal + k] = name
    return out


def top_contributions(
    row: Matrix,
    weights: NDArray[np.float64],
    names: dict[int, str],
    count: int,
    item: CommentInput,
    normalised: str,
) -> tuple[Contribution, ...]:
    """The ``count`` largest positive contributions (value x weight) of one feature row."""
    values = row.data * weights[row.indices]
    order = np.argsort(-values, kind="stable")[:count]
    first_signal = len(weights) - len(SIGNAL_NAMES)
    raw = signals([item], [normalised])[0]
    out = []
    for k in order:
        if values[k] <= 0:
            break
        col = int(row.indices[k])
        if col >= first_signal:
            label = describe(names[col], float(raw[col - first_signal]), item, normalised)
        else:
            label = names.get(col, f"feature {col}")
        out.append(Contribution(label, float(values[k])))
    return tuple(out)
