"""From comments to one feature matrix shared by both heads, and a head's calibrated model."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
from numpy.typing import NDArray

from classifier.features import Grams, NgramHasher, count_triplets, doc_frequencies
from classifier.signals import SIGNAL_NAMES, CommentInput, Findings, signals
from classifier.static import StaticEmbedding
from classifier.static import load as load_embedding
from classifier.text import normalise

if TYPE_CHECKING:  # scoring needs neither: scipy and scikit-learn are imported where they are
    from sklearn.linear_model import LogisticRegression

Matrix: TypeAlias = Any  # scipy.sparse.csr_matrix; scipy is untyped here
Vector = NDArray[np.float64]
_CHUNK = 2048  # larger batches only cost more memory, not less time per row


@dataclass(frozen=True, slots=True)
class Rows:
    """A batch's features without scipy: the n-gram block as (row, column, value) triplets in
    row order, and the signals as a dense block. Scoring reads these directly."""

    n: int
    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    values: Vector
    dense: Vector  # (n, dense_width): the signals, centred, then the scaled embedding
    texts: list[str]
    grams: Grams
    first: NDArray[np.int64]  # per triplet: its first n-gram in ``grams`` (char or word)
    findings: list[Findings] = field(default_factory=list)  # per comment, for explanations


def _idf(df: NDArray[np.int64], n_docs: int) -> NDArray[np.float32]:
    """Smoothed IDF, rounded to float16 precision (0.05 %) because it is stored that way."""
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    return np.asarray(idf, dtype=np.float16).astype(np.float32)


@dataclass
class Featuriser:
    """normalise -> hashed n-gram TF-IDF (characters, words) + form signals, as one CSR matrix.

    With ``view_bits``, the word n-grams come twice: hashed into ``word_bits`` columns and, as
    a block of their own after those, into ``view_bits`` fewer, with their own counts, IDF and
    unit length, exactly as a featuriser with ``word_bits = view_bits`` would make them. A head
    reads one of the two word blocks (``shared_columns``): the abuse head the wide one, the
    spam head the narrow one, each the width it carries furthest to an unseen source with."""

    hasher: NgramHasher = field(default_factory=NgramHasher)
    char_idf: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    word_idf: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    signal_mean: Vector = field(default_factory=lambda: np.zeros(len(SIGNAL_NAMES)))
    signals_on: bool = True
    sublinear_tf: bool = True
    abusive_words: frozenset[str] = frozenset()  # the "abusive words" signals' list
    spam_phrases: tuple[str, ...] = ()  # the "spam phrases" signal's list
    # ... looked for in the author name and the website address as well (False in artifacts
    # made before this switch existed: they were trained reading the comment alone)
    phrases_in_fields: bool = False
    # Masked swear words restored by ``normalise`` ("f***", "b*tch"); False in artifacts made
    # before the switch existed, which were trained on the text with its masks.
    unmask: bool = False
    # The narrow word block's width in bits (0: none) and its IDF; 0 in artifacts made before
    # the block existed, whose heads read one word block each.
    view_bits: int = 0
    view_idf: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    # The comment's static sentence embedding (``classifier.static``), times ``embedding_scale``,
    # as dense columns after the signals; None in artifacts made before it existed.
    embedding: StaticEmbedding | None = None
    embedding_scale: float = 0.0
    # The training comments' mean embedding: subtracted, as the signals' means are, so that
    # the embedding's share of a score (its explanation) is against a typical comment's.
    embedding_mean: Vector = field(default_factory=lambda: np.zeros(0))
    _idf_cache: tuple[Any, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.view_bits <= self.hasher.word_bits:
            raise ValueError(
                f"the narrow word block's {self.view_bits} bits must be at most the word "
                f"block's {self.hasher.word_bits}"
            )

    def _idf_all(self) -> NDArray[np.float32]:
        """The IDF vectors end to end, as the columns of the n-gram blocks run (made once)."""
        parts = (self.char_idf, self.word_idf, self.view_idf)
        cached = self._idf_cache
        if not cached or any(a is not b for a, b in zip(cached[0], parts, strict=True)):
            cached = (parts, np.concatenate(parts))
            self._idf_cache = cached
        return cast(NDArray[np.float32], cached[1])

    @property
    def view_width(self) -> int:
        """Columns of the narrow word block (0 without one)."""
        return 1 << self.view_bits if self.view_bits else 0

    @property
    def dense_width(self) -> int:
        """Columns of the dense block at the end: the signals, then the embedding."""
        return len(SIGNAL_NAMES) + (self.embedding.dims if self.embedding is not None else 0)

    @property
    def n_features(self) -> int:
        """Width of the matrix: character block, word block, narrow word block, then the
        dense block (signals, embedding)."""
        return (
            (1 << self.hasher.char_bits)
            + (1 << self.hasher.word_bits)
            + self.view_width
            + self.dense_width
        )

    def _view_cols(self, word_cols: NDArray[np.int64]) -> NDArray[np.int64]:
        """The narrow block's column of each word n-gram: its hash's top ``view_bits`` bits,
        which is the column the n-gram gets when hashed into that many."""
        return word_cols >> (self.hasher.word_bits - self.view_bits)

    def fit(self, items: Sequence[CommentInput]) -> Featuriser:
        """Learn the inverse document frequencies of the training comments."""
        char_df = np.zeros(1 << self.hasher.char_bits, dtype=np.int64)
        word_df = np.zeros(1 << self.hasher.word_bits, dtype=np.int64)
        view_df = np.zeros(self.view_width, dtype=np.int64)
        signal_sum = np.zeros(len(SIGNAL_NAMES))
        embedding_sum = np.zeros(self.embedding.dims if self.embedding is not None else 0)
        for i in range(0, len(items), _CHUNK):
            chunk = items[i : i + _CHUNK]
            texts = [normalise(item.comment, self.unmask) for item in chunk]
            grams = self.hasher.grams(texts)
            char_df += doc_frequencies(grams.char_docs, grams.char_cols, self.hasher.char_bits)
            word_df += doc_frequencies(grams.word_docs, grams.word_cols, self.hasher.word_bits)
            if self.view_bits:
                view_cols = self._view_cols(grams.word_cols)
                view_df += doc_frequencies(grams.word_docs, view_cols, self.view_bits)
            signal_sum += self._signals(chunk, texts).sum(axis=0)
            if self.embedding is not None:
                embedding_sum += self.embedding.embed(texts).sum(axis=0)
        self.char_idf, self.word_idf = _idf(char_df, len(items)), _idf(word_df, len(items))
        self.view_idf = _idf(view_df, len(items))
        self.signal_mean = signal_sum / max(len(items), 1)
        self.embedding_mean = embedding_sum / max(len(items), 1)
        return self

    def transform(self, items: Sequence[CommentInput]) -> Matrix:
        """The feature matrix, one row per comment (built from ``rows``: the same numbers)."""
        import scipy.sparse as sp  # training and evaluation only: scoring does without scipy

        if len(items) > _CHUNK:
            parts = [self.transform(items[i : i + _CHUNK]) for i in range(0, len(items), _CHUNK)]
            return sp.vstack(parts, format="csr")
        batch = self.rows(items)
        signals_at = self.n_features - self.dense_width
        dense_rows, dense_cols = np.nonzero(batch.dense)
        return sp.csr_matrix(
            (
                np.concatenate([batch.values, batch.dense[dense_rows, dense_cols]]),
                (
                    np.concatenate([batch.rows, dense_rows]),
                    np.concatenate([batch.cols, dense_cols + signals_at]),
                ),
            ),
            shape=(len(items), self.n_features),
        )

    def rows(self, items: Sequence[CommentInput]) -> Rows:
        """The features of a batch as triplets and a dense block (the fast scoring path).

        The n-gram block is tf (or 1 + log tf) x idf, the character and the word parts (and
        the narrow word part) each scaled to unit length per comment, as scikit-learn TF-IDF
        vectorisers would give; all parts are counted in one pass, in one column space
        (characters, words, narrow words)."""
        texts = [normalise(item.comment, self.unmask) for item in items]
        grams = self.hasher.grams(texts)
        words_at = 1 << self.hasher.char_bits
        view_at = words_at + (1 << self.hasher.word_bits)
        n_chars, n_words = len(grams.char_docs), len(grams.word_docs)
        docs = [grams.char_docs, grams.word_docs]
        columns = [grams.char_cols, grams.word_cols + words_at]
        if self.view_bits:
            docs.append(grams.word_docs)
            columns.append(self._view_cols(grams.word_cols) + view_at)
        bits = (view_at + self.view_width - 1).bit_length()
        rows, cols, counts, first = count_triplets(
            np.concatenate(docs), np.concatenate(columns), bits
        )
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts.astype(np.float64)
        values = tf * self._idf_all()[cols]
        # (comment, block): characters 0, words 1, narrow words 2
        part = rows * 3 + (cols >= words_at) + (cols >= view_at)
        norms = np.sqrt(np.bincount(part, weights=values**2, minlength=3 * len(items)))
        # Centred, so a signal's contribution is relative to a typical training comment.
        findings: list[Findings] = []
        dense = self._signals(items, texts, findings) - self.signal_mean
        if not self.signals_on:
            dense = np.zeros_like(dense)
        if self.embedding is not None:
            # The normalised text, as the n-grams read it: identity words dropped, so that
            # naming one is no sign of abuse here either (the card's fairness checks).
            meaning = self.embedding.embed(texts) - self.embedding_mean
            dense = np.hstack([dense, self.embedding_scale * meaning])
        return Rows(
            n=len(items),
            rows=rows,
            cols=cols,
            values=values / np.maximum(norms, 1e-12)[part],
            dense=dense,
            texts=texts,
            grams=grams,
            # Either word block names its n-grams by the word n-grams of ``grams``.
            first=first - n_chars * (cols >= words_at) - n_words * (cols >= view_at),
            findings=findings,
        )

    def _signals(
        self,
        items: Sequence[CommentInput],
        texts: Sequence[str],
        findings: list[Findings] | None = None,
    ) -> Vector:
        return signals(
            items,
            texts,
            self.abusive_words,
            self.spam_phrases,
            self.phrases_in_fields,
            self.unmask,
            findings,
        )

    def to_data(self) -> dict[str, Any]:
        """Plain data for the artifact."""
        return {
            "hasher": self.hasher.params(),
            "char_idf": self.char_idf.astype(np.float16),
            "word_idf": self.word_idf.astype(np.float16),
            "signal_mean": self.signal_mean,
            "signals_on": self.signals_on,
            "sublinear_tf": self.sublinear_tf,
            "abusive_words": sorted(self.abusive_words),
            "spam_phrases": list(self.spam_phrases),
            "phrases_in_fields": self.phrases_in_fields,
            "unmask": self.unmask,
            "view_bits": self.view_bits,
            "view_idf": self.view_idf.astype(np.float16),
            "embedding": (
                {
                    "sha256": self.embedding.sha256,
                    "scale": self.embedding_scale,
                    "mean": self.embedding_mean,
                }
                if self.embedding is not None
                else None
            ),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Featuriser:
        """The inverse of ``to_data``."""
        params = data["hasher"]
        hasher = NgramHasher(
            params["char_bits"],
            params["word_bits"],
            tuple(params["char_range"]),
            tuple(params["word_range"]),
        )
        return cls(
            hasher,
            np.asarray(data["char_idf"], np.float32),
            np.asarray(data["word_idf"], np.float32),
            np.asarray(data["signal_mean"], np.float64),
            bool(data.get("signals_on", True)),
            bool(data.get("sublinear_tf", True)),
            frozenset(str(w) for w in data.get("abusive_words", ())),
            tuple(str(p) for p in data.get("spam_phrases", ())),
            bool(data.get("phrases_in_fields", False)),
            bool(data.get("unmask", False)),
            int(data.get("view_bits", 0)),
            np.asarray(data.get("view_idf", np.zeros(0)), np.float32),
            *embedding_of(data.get("embedding")),
        )


def embedding_of(
    data: dict[str, Any] | None,
) -> tuple[StaticEmbedding | None, float, Vector]:
    """The shipped embedding table a model names (checked by its sha256), its scale and the
    training comments' mean embedding."""
    if not data or not data.get("sha256"):
        return None, 0.0, np.zeros(0)
    table = load_embedding(sha256=str(data["sha256"]))
    mean = np.asarray(data["mean"], dtype=np.float64)
    if mean.shape != (table.dims,):
        raise ValueError(f"mean embedding of {mean.shape} numbers, the table has {table.dims}")
    return table, float(data["scale"]), mean


@dataclass
class Head:
    """One task's model: linear members whose logits are averaged, then Platt-calibrated; all of
    it folds into a single weight vector and bias. A member trained on NB-weighted features is
    kept with its coefficients multiplied by the ratios, so every member reads the plain
    features (the same function, and no ratio vector to ship)."""

    members: list[LogisticRegression]
    calibrator: LogisticRegression
    # (char bits, word bits, char shift, word shift, narrow word bits, reads the narrow word
    # block) for a head whose members were fitted on shared columns or on one of two word
    # blocks (see ``shared_columns``): their tied weights are stored once each, and none for
    # the block they do not read. Artifacts made before the narrow block stored four.
    shared: tuple[int, ...] | None = None

    def decision(self, x: Matrix) -> Vector:
        """The members' mean logit, computed by each scikit-learn estimator itself."""
        logits = [member.decision_function(x) for member in self.members]
        return np.asarray(np.mean(logits, axis=0), dtype=np.float64)

    def predict_proba(self, x: Matrix) -> Vector:
        """Calibrated probability of the positive class, through the estimators."""
        proba = self.calibrator.predict_proba(self.decision(x).reshape(-1, 1))
        return np.asarray(proba[:, 1], dtype=np.float64)

    def folded(self) -> tuple[Vector, float]:
        """(w, b) with predict_proba(x) == sigmoid(x @ w + b)."""
        weight = np.mean([np.asarray(m.coef_[0], np.float64) for m in self.members], axis=0)
        bias = float(np.mean([m.intercept_[0] for m in self.members]))
        scale = float(self.calibrator.coef_[0, 0])
        return weight * scale, bias * scale + float(self.calibrator.intercept_[0])

    def to_data(self) -> dict[str, Any]:
        """The fitted estimators for the artifact, coefficients as float16 (``fit_members``
        already rounded them so)."""
        keep = None
        if self.shared is not None:
            to = head_columns(self.shared)
            values, keep = np.unique(to, return_index=True)
            keep = keep[values >= 0]
        members = []
        for member in self.members:
            stored = copy.deepcopy(member)
            coef = member.coef_ if keep is None else member.coef_[:, keep]
            stored.coef_ = coef.astype(np.float16)
            stored.n_features_in_ = coef.shape[1]
            members.append(stored)
        data: dict[str, Any] = {"members": members, "calibrator": self.calibrator}
        if self.shared is not None:
            data["shared"] = list(self.shared)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Head:
        """The inverse of ``to_data``. The members keep their coefficients as stored (float16):
        ``folded`` and scikit-learn compute in float64 from them, with the same values, and a
        loaded model holds a quarter of the bytes."""
        members = list(data["members"])
        shared = data.get("shared")
        if shared is None:
            return cls(members, data["calibrator"])
        layout = tuple(int(v) for v in shared)
        to = head_columns(layout)
        for member in members:
            member.coef_ = spread(member.coef_, to)
            member.n_features_in_ = len(to)
        return cls(members, data["calibrator"], layout)


def head_columns(shared: tuple[int, ...]) -> NDArray[np.int64]:
    """``shared_columns`` of a ``Head.shared`` layout (four values: no narrow block; six: no
    embedding; seven: the dense block's width last)."""
    cb, wb, sc, sw, *view = shared
    view_bits, reads_view = (view[0], bool(view[1])) if view else (0, False)
    dense = view[2] if len(view) > 2 else len(SIGNAL_NAMES)
    return shared_columns(cb, wb, (sc, sw), view_bits, reads_view, dense)


def shared_columns(
    char_bits: int,
    word_bits: int,
    shift: tuple[int, int],
    view_bits: int = 0,
    reads_view: bool = False,
    dense: int = len(SIGNAL_NAMES),
) -> NDArray[np.int64]:
    """Each feature's column in a head's own space, -1 for a feature the head does not read.

    The n-gram columns are shared by ``shift`` (characters, words) bits: a column is named by
    its hash's top bits, so dropping low bits is the same as hashing into fewer columns. With a
    narrow word block (``view_bits``; see ``Featuriser``) a head reads one of the two word
    blocks, the narrow one if ``reads_view``, and the word shift applies to the one it reads.
    The dense block (signals, embedding; ``dense`` columns) keeps a column each."""
    chars, words = 1 << char_bits, 1 << word_bits
    view = 1 << view_bits if view_bits else 0
    char_cols = np.arange(chars) >> shift[0]
    at = chars >> shift[0]
    if reads_view:
        word_cols = np.full(words, -1, dtype=np.int64)
        view_cols = at + (np.arange(view) >> shift[1])
        at += view >> shift[1]
    else:
        word_cols = at + (np.arange(words) >> shift[1])
        view_cols = np.full(view, -1, dtype=np.int64)
        at += words >> shift[1]
    return np.concatenate([char_cols, word_cols, view_cols, at + np.arange(dense)])


def spread(coef: NDArray[Any], to: NDArray[np.int64]) -> NDArray[Any]:
    """A head's weights (columns of its own space) over every feature: each feature gets its
    column's weight, 0 where ``to`` says the head does not read it."""
    out = np.zeros((coef.shape[0], len(to)), dtype=coef.dtype)
    reads = to >= 0
    out[:, reads] = coef[:, to[reads]]
    return out


def nb_ratios(x: Matrix, y: NDArray[np.int64], alpha: float = 1.0) -> Vector:
    """Log-count ratios of binarised features between the classes (Wang & Manning's NBSVM)."""
    binary = x.copy()
    binary.data = np.ones_like(binary.data)
    pos = np.asarray(binary[y == 1].sum(axis=0)).ravel() + alpha
    neg = np.asarray(binary[y == 0].sum(axis=0)).ravel() + alpha
    return np.asarray(np.log((pos / pos.sum()) / (neg / neg.sum())), dtype=np.float64)
