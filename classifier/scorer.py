"""The Scorer: loads the verified artifact and scores batches of comments, with explanations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classifier import artifact
from classifier.explain import Contribution, feature_names, top_contributions
from classifier.labels import Task
from classifier.pipeline import Featuriser, Head
from classifier.signals import CommentInput
from classifier.text import normalise

__all__ = ["CommentInput", "Contribution", "Scorer", "Scores"]

THRESHOLD_KEYS = ("spam_hold", "spam", "abuse_hold", "abuse_reject")


@dataclass(frozen=True, slots=True)
class Scores:
    """Calibrated probabilities of one comment, and what pushed them up when asked."""

    spam: float
    abuse: float
    spam_top: tuple[Contribution, ...] = ()
    abuse_top: tuple[Contribution, ...] = ()


class Scorer:
    """Both heads folded into one weight matrix: a batch is one sparse product.

    Immutable after construction, so one instance can serve several threads."""

    def __init__(
        self,
        featuriser: Featuriser,
        heads: Mapping[Task, Head],
        thresholds: Mapping[str, float],
        card: Mapping[str, Any],
    ) -> None:
        missing = [k for k in THRESHOLD_KEYS if k not in thresholds]
        if missing:
            raise artifact.ArtifactError(f"model has no thresholds for {missing}")
        self.featuriser = featuriser
        self.heads = dict(heads)
        folded = [self.heads[task].folded() for task in (Task.SPAM, Task.ABUSE)]
        self._weights = np.ascontiguousarray(np.stack([w for w, _ in folded], axis=1))
        self._bias = np.array([b for _, b in folded])
        self.thresholds: Mapping[str, float] = MappingProxyType(
            {k: float(thresholds[k]) for k in THRESHOLD_KEYS}
        )
        self.card: Mapping[str, Any] = MappingProxyType(dict(card))
        self.version: str = str(card.get("version", "unversioned"))

    @classmethod
    def load(cls, path: Path | None = None) -> Scorer:
        """The verified artifact at ``path``, or the one shipped in the package."""
        data, card = artifact.load(path or artifact.SHIPPED)
        try:
            featuriser = Featuriser.from_data(data["featuriser"])
            heads = {Task(k): Head.from_data(v) for k, v in data["heads"].items()}
            thresholds = {str(k): float(v) for k, v in data["thresholds"].items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise artifact.ArtifactError(f"model artifact is incomplete: {exc!r}") from exc
        return cls(featuriser, heads, thresholds, card)

    def probabilities(self, items: Sequence[CommentInput]) -> NDArray[np.float64]:
        """(n, 2) calibrated probabilities of (spam, abuse)."""
        x = self.featuriser.transform(items)
        return np.asarray(1.0 / (1.0 + np.exp(-(x @ self._weights + self._bias))))

    def score(self, items: Sequence[CommentInput], explain: int = 0) -> list[Scores]:
        """Scores in the order of ``items``; ``explain=N`` adds each head's top-N contributions."""
        if not items:
            return []
        if explain <= 0:
            probs = self.probabilities(items)
            return [Scores(float(s), float(a)) for s, a in probs]
        x = self.featuriser.transform(items)
        probs = 1.0 / (1.0 + np.exp(-(x @ self._weights + self._bias)))
        out = []
        for i, item in enumerate(items):
            norm = normalise(item.comment)
            names = feature_names(self.featuriser, item, norm)
            row = x[i]
            tops = [
                top_contributions(row, self._weights[:, h], names, explain, item, norm)
                for h in (0, 1)
            ]
            out.append(Scores(float(probs[i, 0]), float(probs[i, 1]), tops[0], tops[1]))
        return out
