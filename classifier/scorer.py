"""The Scorer: loads the verified artifact and scores batches of comments, with explanations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from classifier import artifact, compiled
from classifier.explain import Contribution, explain_batch
from classifier.features import NgramHasher
from classifier.labels import Task
from classifier.pipeline import Featuriser, Head, Rows, embedding_of
from classifier.signals import SIGNAL_NAMES, CommentInput
from classifier.static import EmbeddingError

__all__ = ["CommentInput", "Contribution", "Scorer", "Scores"]

THRESHOLD_KEYS = ("spam_hold", "spam", "abuse_hold", "abuse_reject")


@dataclass(frozen=True, slots=True)
class Scores:
    """Calibrated probabilities of one comment, and what pushed them up when asked."""

    spam: float
    abuse: float
    spam_top: tuple[Contribution, ...] = ()
    abuse_top: tuple[Contribution, ...] = ()


def _check_signals(featuriser: Featuriser) -> None:
    """A model computes the signals it was trained with, or it is refused with a clear error."""
    if len(featuriser.signal_mean) != len(SIGNAL_NAMES):
        raise artifact.ArtifactError(
            f"model was trained with {len(featuriser.signal_mean)} signals, this version of "
            f"replyguard computes {len(SIGNAL_NAMES)}: use the artifact shipped with it or "
            "retrain (replyguard train)"
        )


def _verified(
    path: Path | None, cache: Path | bool | None
) -> tuple[Path, dict[str, Any], Path | None]:
    """The artifact's path (the shipped one by default), its verified card, and the folder of
    compiled copies that ``cache`` names (True: the default one; False or None: none)."""
    path = path or artifact.SHIPPED
    return path, artifact.verify(path), compiled.default_dir() if cache is True else (cache or None)


class Scorer:
    """Both heads folded into one weight matrix: a batch is one sparse product.

    Immutable after construction, so one instance can serve several threads."""

    def __init__(
        self,
        featuriser: Featuriser,
        weights: NDArray[np.float64],
        bias: NDArray[np.float64],
        thresholds: Mapping[str, float],
        card: Mapping[str, Any],
        source: str = "memory",
    ) -> None:
        """``weights`` is (features, 2) and ``bias`` (2,): the spam and abuse heads folded
        (``Head.folded``), so that the probabilities are sigmoid(x @ weights + bias)."""
        missing = [k for k in THRESHOLD_KEYS if k not in thresholds]
        if missing:
            raise artifact.ArtifactError(f"model has no thresholds for {missing}")
        _check_signals(featuriser)
        if weights.shape != (featuriser.n_features, 2) or bias.shape != (2,):
            raise artifact.ArtifactError(
                f"model heads read {weights.shape[0]} features, its featuriser makes "
                f"{featuriser.n_features}"
            )
        self.featuriser = featuriser
        self._weights = np.ascontiguousarray(weights, dtype=np.float64)
        self._bias = np.asarray(bias, dtype=np.float64)
        self._signals_at = featuriser.n_features - featuriser.dense_width
        self.thresholds: Mapping[str, float] = MappingProxyType(
            {k: float(thresholds[k]) for k in THRESHOLD_KEYS}
        )
        self.card: Mapping[str, Any] = MappingProxyType(dict(card))
        self.version: str = str(card.get("version", "unversioned"))
        # Where the numbers came from: "artifact" (skops), "compiled" (the cache), "memory".
        self.source = source

    @classmethod
    def from_heads(
        cls,
        featuriser: Featuriser,
        heads: Mapping[Task, Head],
        thresholds: Mapping[str, float],
        card: Mapping[str, Any],
        source: str = "memory",
    ) -> Scorer:
        """Both heads folded into one weight matrix: a batch is one sparse product."""
        folded = [heads[task].folded() for task in (Task.SPAM, Task.ABUSE)]
        widths = {len(w) for w, _ in folded}
        if widths != {featuriser.n_features}:
            raise artifact.ArtifactError(
                f"model heads read {sorted(widths)} features, its featuriser makes "
                f"{featuriser.n_features}"
            )
        weights = np.stack([w for w, _ in folded], axis=1)
        bias = np.array([b for _, b in folded])
        return cls(featuriser, weights, bias, thresholds, card, source)

    @classmethod
    def load(
        cls, path: Path | None = None, cache: Path | bool | None = True, *, apart: bool = False
    ) -> Scorer:
        """The verified artifact at ``path``, or the one shipped in the package.

        ``cache`` is the directory of compiled copies (``classifier.compiled``): True for the
        default one, False or None for none. The artifact is verified either way. With
        ``apart``, a copy that is missing is compiled by a child process and then read, so this
        process never imports scikit-learn (a long-lived worker keeps what it imported); if the
        child fails, the artifact is read here, as without ``apart``."""
        path, card, directory = _verified(path, cache)
        digest = str(card["artifact"]["sha256"])
        if directory is not None:
            scorer = cls._from_copy(directory, digest, card)
            if scorer is None and apart and compiled.compile_apart(path, directory):
                scorer = cls._from_copy(directory, digest, card)
            if scorer is not None:
                return scorer
        data, card = artifact.load(path, card)
        try:
            featuriser = Featuriser.from_data(data["featuriser"])
            # Before the heads: their stored columns are laid out for the model's own signals.
            _check_signals(featuriser)
            heads = {Task(k): Head.from_data(v) for k, v in data["heads"].items()}
            thresholds = {str(k): float(v) for k, v in data["thresholds"].items()}
        except EmbeddingError as exc:
            raise artifact.ArtifactError(str(exc)) from exc
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise artifact.ArtifactError(f"model artifact is incomplete: {exc!r}") from exc
        scorer = cls.from_heads(featuriser, heads, thresholds, card, source="artifact")
        if directory is not None:
            compiled.write(directory, digest, scorer.tables())
        return scorer

    @staticmethod
    def prepare(path: Path | None = None, cache: Path | bool | None = True) -> None:
        """Verify the artifact and, if its compiled copy is missing, compile it apart: what a
        process that starts several others, each loading the model, does first, so that the
        copy is made once and a model that does not verify stops the start at once."""
        path, card, directory = _verified(path, cache)
        if directory is None:
            return
        if not compiled.path_for(directory, str(card["artifact"]["sha256"])).exists():
            compiled.compile_apart(path, directory)

    @classmethod
    def _from_copy(cls, directory: Path, digest: str, card: Mapping[str, Any]) -> Scorer | None:
        """The scorer of the compiled copy in ``directory``, or None: none, or one that does
        not fit (the artifact has the last word: it loads, or it says what is wrong)."""
        tables = compiled.read(directory, digest)
        if tables is None:
            return None
        try:
            return cls.from_tables(tables, card)
        except (artifact.ArtifactError, KeyError, TypeError, ValueError, IndexError) as exc:
            compiled.log.warning("compiled model does not fit (%s); reading the artifact", exc)
            return None

    def tables(self) -> compiled.Tables:
        """Every number this scorer reads, as named arrays (``from_tables`` reverses it)."""
        f = self.featuriser
        h = f.hasher
        return {
            "weights": self._weights,
            "bias": self._bias,
            "thresholds": np.array([self.thresholds[k] for k in THRESHOLD_KEYS]),
            "hasher": np.array([h.char_bits, h.word_bits, *h.char_range, *h.word_range]),
            "char_idf": f.char_idf,
            "word_idf": f.word_idf,
            "view": np.array([f.view_bits]),
            "view_idf": f.view_idf,
            "signal_mean": f.signal_mean,
            "switches": np.array([f.signals_on, f.sublinear_tf, f.phrases_in_fields, f.unmask]),
            "abusive_words": np.array(sorted(f.abusive_words), dtype=np.str_),
            "spam_phrases": np.array(f.spam_phrases, dtype=np.str_),
            # The embedding table is the package's own file, named by its sha256 ("": none).
            "embedding": np.array(f.embedding.sha256 if f.embedding is not None else ""),
            "embedding_scale": np.array(f.embedding_scale),
            "embedding_mean": f.embedding_mean,
        }

    @classmethod
    def from_tables(cls, tables: Mapping[str, NDArray[Any]], card: Mapping[str, Any]) -> Scorer:
        """The scorer whose ``tables()`` these are; ValueError or KeyError if they do not fit."""
        cb, wb, c0, c1, w0, w1 = (int(v) for v in tables["hasher"])
        signals_on, sublinear_tf, phrases_in_fields, unmask = (bool(v) for v in tables["switches"])
        featuriser = Featuriser(
            NgramHasher(cb, wb, (c0, c1), (w0, w1)),
            np.asarray(tables["char_idf"], np.float32),
            np.asarray(tables["word_idf"], np.float32),
            np.asarray(tables["signal_mean"], np.float64),
            signals_on,
            sublinear_tf,
            frozenset(str(w) for w in tables["abusive_words"]),
            tuple(str(p) for p in tables["spam_phrases"]),
            phrases_in_fields,
            unmask,
            int(tables["view"][0]),
            np.asarray(tables["view_idf"], np.float32),
            *embedding_of(
                {
                    "sha256": str(tables["embedding"]),
                    "scale": float(tables["embedding_scale"]),
                    "mean": tables["embedding_mean"],
                }
            ),
        )
        if (
            len(featuriser.char_idf) != 1 << cb
            or len(featuriser.word_idf) != 1 << wb
            or len(featuriser.view_idf) != featuriser.view_width
        ):
            raise ValueError("IDF tables do not match the hasher's widths")
        values = (float(v) for v in tables["thresholds"])
        thresholds = dict(zip(THRESHOLD_KEYS, values, strict=True))
        weights = np.asarray(tables["weights"])
        if weights.dtype != np.float64:
            raise ValueError(f"weights are {weights.dtype}, not float64")
        return cls(featuriser, weights, tables["bias"], thresholds, card, source="compiled")

    def probabilities(self, items: Sequence[CommentInput]) -> NDArray[np.float64]:
        """(n, 2) calibrated probabilities of (spam, abuse)."""
        return self._probabilities(self.featuriser.rows(items))

    def _contributions(self, batch: Rows) -> NDArray[np.float64]:
        """Each n-gram triplet's value x weight, for both heads: (non-zeros, 2)."""
        # take, not self._weights[batch.cols]: the same rows, gathered about 9 times faster
        # (numpy's fancy indexing of a 2-D array goes through its general indexing machinery).
        return np.asarray(batch.values[:, None] * self._weights.take(batch.cols, axis=0))

    def _probabilities(
        self, batch: Rows, contributions: NDArray[np.float64] | None = None
    ) -> NDArray[np.float64]:
        # One pass over the batch's non-zero features for both heads: x @ W without scipy.
        if contributions is None:
            contributions = self._contributions(batch)
        # The dense part as products summed in column order, not a matrix product: BLAS
        # picks its summation order by the batch's size, and a comment's score must not depend
        # on the comments scored beside it.
        signal_weights = self._weights[self._signals_at :]
        logits = (batch.dense[:, :, None] * signal_weights[None, :, :]).sum(axis=1) + self._bias
        for head in range(logits.shape[1]):
            logits[:, head] += np.bincount(
                batch.rows, weights=contributions[:, head], minlength=batch.n
            )
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def score(self, items: Sequence[CommentInput], explain: int = 0) -> list[Scores]:
        """Scores in the order of ``items``; ``explain=N`` adds each head's top-N contributions."""
        if not items:
            return []
        batch = self.featuriser.rows(items)
        contributions = self._contributions(batch)
        probs = self._probabilities(batch, contributions)
        if explain <= 0:
            return [Scores(float(s), float(a)) for s, a in probs]
        tops = explain_batch(self.featuriser, self._weights, batch, contributions, items, explain)
        return [
            Scores(float(p[0]), float(p[1]), top[0], top[1])
            for p, top in zip(probs, tops, strict=True)
        ]
