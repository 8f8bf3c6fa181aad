"""Training: the data mix of each head, its members, calibration and thresholds."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from classifier.datasets import ABUSE_SOURCES, FEEDBACK, LOADERS, SOURCES, Corpus, DatasetError
from classifier.features import NgramHasher
from classifier.labels import Row, Task
from classifier.lexicon import load_words
from classifier.metrics import threshold_for_precision, threshold_for_recall
from classifier.pipeline import Featuriser, Head, Matrix, head_columns, nb_ratios, spread
from classifier.signals import SIGNAL_NAMES, CommentInput
from classifier.spamphrases import SPAM_PHRASES
from classifier.static import load as load_embedding

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """Everything that decides a trained model; recorded in the model card."""

    char_bits: int = 20
    word_bits: int = 20
    # Heads that read the word n-grams hashed into fewer columns of their own, with their own
    # IDF (a second word block; one width for all such heads), instead of the word_bits ones.
    own_words: dict[str, int] = field(default_factory=lambda: {"spam": 18})
    # Heads that read the n-gram columns folded together (characters, words: by this many bits;
    # the words of the block they read), which is the same as hashing into that many fewer
    # bits. Chosen on the leave-one-source-out table: the abuse head carried further with 2^20
    # and 2^20 columns (Wikipedia 0.8276 with 2^18 word columns, 0.8315 with 2^20), the spam
    # head with 2^18 and 2^17, its words counted and weighted at 2^18 (a spam head on the wide
    # columns lost YouTube 0.833 -> 0.822, SMS 0.942 -> 0.936; its 2^17 folded from words
    # weighted at 2^20, YouTube 0.8716 -> 0.8679: see classifier/README.md).
    fold: dict[str, tuple[int, int]] = field(default_factory=lambda: {"spam": (2, 1)})
    # (view, C): each member is a logistic regression on plain or NB-weighted features.
    # Chosen on the leave-one-source-out table: the spam head carried better from one source to
    # the other with weak regularisation, the abuse head to Wikipedia with stronger. A spam head
    # with C 2 and 1 ranked each source's spam above unseen talk-page comments better but held
    # and marked as many of them, and lost YouTube (classifier/README.md, "Known limit").
    members: dict[str, tuple[tuple[str, float], ...]] = field(
        default_factory=lambda: {
            "spam": (("plain", 32.0), ("nb", 16.0)),
            "abuse": (("plain", 4.0), ("nb", 2.0)),
        }
    )
    nb_alpha: float = 1.0
    balanced: tuple[str, ...] = ()  # heads whose members weight the classes equally
    calibration_folds: int = 3
    # The other task's texts join a head as negatives: abusive tweets are not spam, and
    # spam or ham messages are (nearly all) not abusive.
    # Texts of other sources that join a head as negatives, whatever their own label: the
    # abuse sources' tweets and talk-page comments are not spam. The reverse (SMS and YouTube
    # texts as non-abusive) lowered the abuse head on held-out sources, so it is off.
    negatives: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {"spam": ABUSE_SOURCES, "abuse": ()}
    )
    signals: bool = True
    # The "abusive words" signals (classifier.lexicon): one learnt weight for any listed word.
    abusive_words: bool = True
    # The "spam phrases" signal (classifier.spamphrases): one learnt weight for any listed phrase.
    spam_phrases: bool = True
    # ... looked for in the author name and the website address as well as in the comment.
    spam_phrases_in_fields: bool = True
    # Masked swear words restored in the text (classifier.text.MASKED_WORDS).
    unmask: bool = True
    sublinear_tf: bool = True
    # The comment's static sentence embedding (classifier.static) as 256 more dense columns,
    # times this (0: none). Chosen on the leave-one-source-out table (classifier/README.md,
    # "Sentence embeddings"): at 0.5 every held-out source but Davidson rose.
    embedding_scale: float = 0.5
    base_rate: dict[str, float] = field(default_factory=lambda: {"spam": 0.05, "abuse": 0.05})
    hold_recall: dict[str, float] = field(default_factory=lambda: {"spam": 0.95, "abuse": 0.9})
    decide_precision: dict[str, float] = field(
        default_factory=lambda: {"spam": 0.95, "abuse": 0.97}
    )
    seed: int = 0
    # Public datasets left out altogether (``replyguard train --without``): a site that cannot
    # accept a dataset's terms trains without its rows; their test rows are still scored, as a
    # source the model has not seen.
    without: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.without) - set(LOADERS))
        if unknown:
            raise DatasetError(
                f"unknown dataset {unknown[0]!r} to leave out; known: {', '.join(LOADERS)}"
            )
        for task, names in SOURCES.items():
            if set(names) <= set(self.without):
                raise DatasetError(
                    f"the {task.value} head needs one of its datasets: {', '.join(names)}"
                )

    def sources(self, task: Task) -> tuple[str, ...]:
        """The public datasets ``task``'s head trains on as its own."""
        return tuple(name for name in SOURCES[task] if name not in self.without)

    def kept(self, rows: Sequence[Row]) -> list[Row]:
        """``rows`` without those of the datasets left out."""
        left_out = set(self.without)
        return [row for row in rows if row.dataset not in left_out]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from their card form (lists back to tuples); unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if "members" in values:
            values["members"] = {
                k: tuple((str(v), float(c)) for v, c in ms) for k, ms in values["members"].items()
            }
        if "balanced" in values:
            values["balanced"] = tuple(values["balanced"])
        if "own_words" in values:
            values["own_words"] = {k: int(v) for k, v in values["own_words"].items()}
        elif "word_bits" in values:  # cards from before the narrow block: one word block
            values["own_words"] = {}
        if "fold" in values:
            values["fold"] = {k: (int(c), int(w)) for k, (c, w) in values["fold"].items()}
        if "negatives" in values:
            values["negatives"] = {k: tuple(v) for k, v in values["negatives"].items()}
        if "without" in values:
            values["without"] = tuple(values["without"])
        values.setdefault("embedding_scale", 0.0)  # cards from before the embedding
        return cls(**values)


def stderr_progress() -> Progress:
    """A progress printer to stderr with elapsed seconds."""
    start = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - start:7.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def as_input(row: Row) -> CommentInput:
    """The form input a training row stands for."""
    return CommentInput(comment=row.text, author=row.author, email=row.email, url=row.url)


def head_labels(rows: Sequence[Row], task: Task) -> NDArray[np.int64]:
    """1 where a row is a positive of ``task``; rows of the other task are negatives."""
    return np.fromiter((int(r.task == task and r.label == 1) for r in rows), np.int64, len(rows))


def head_rows(
    rows: Sequence[Row], task: Task, sources: Sequence[str], settings: Settings
) -> list[Row]:
    """The rows one head trains on: its own sources, plus the settings' extra negatives."""
    wanted = set(sources) | set(settings.negatives.get(task.value, ()))
    return [row for row in rows if row.dataset in wanted]


def new_featuriser(settings: Settings) -> Featuriser:
    """An unfitted featuriser as the settings describe it."""
    hasher = NgramHasher(settings.char_bits, settings.word_bits)
    words = load_words() if settings.abusive_words else frozenset()
    return Featuriser(
        hasher,
        view_bits=view_bits(settings),
        signals_on=settings.signals,
        sublinear_tf=settings.sublinear_tf,
        abusive_words=words,
        spam_phrases=SPAM_PHRASES if settings.spam_phrases else (),
        phrases_in_fields=settings.spam_phrases and settings.spam_phrases_in_fields,
        unmask=settings.unmask,
        embedding=load_embedding() if settings.embedding_scale else None,
        embedding_scale=settings.embedding_scale,
    )


def dense_width(settings: Settings) -> int:
    """Columns of the dense block the settings' featuriser makes (signals, embedding)."""
    return len(SIGNAL_NAMES) + (load_embedding().dims if settings.embedding_scale else 0)


def _half(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rounded to float16 precision (0.05 %), as the artifact stores it: a quarter of the bytes,
    and training, evaluation and scoring all use the stored values."""
    return values.astype(np.float16).astype(np.float64)


def view_bits(settings: Settings) -> int:
    """The narrow word block's bits (0: none), the one width of ``settings.own_words``."""
    widths = set(settings.own_words.values())
    if len(widths) > 1:
        raise ValueError(f"heads ask for narrow word blocks of several widths: {widths}")
    return widths.pop() if widths else 0


def layout(settings: Settings, task: Task) -> tuple[int, ...] | None:
    """``Head.shared`` for a head that reads folded columns or one of two word blocks."""
    shift = settings.fold.get(task.value)
    bits = view_bits(settings)
    if shift is None and not bits:
        return None
    sc, sw = shift or (0, 0)
    dense = dense_width(settings)
    if not bits and dense == len(SIGNAL_NAMES):
        return (settings.char_bits, settings.word_bits, sc, sw)
    own = (bits, int(task.value in settings.own_words))
    if dense == len(SIGNAL_NAMES):
        return (settings.char_bits, settings.word_bits, sc, sw, *own)
    return (settings.char_bits, settings.word_bits, sc, sw, *own, dense)


def folding(settings: Settings, task: Task) -> NDArray[np.int64] | None:
    """For a head that reads folded columns or one word block of two: each feature's column
    in the head's own space, -1 where it reads none."""
    shared = layout(settings, task)
    return None if shared is None else head_columns(shared)


def fit_members(x: Matrix, y: NDArray[np.int64], settings: Settings, task: Task) -> Head:
    """Fit each member; the calibrator is left as identity until ``fit_head`` sets it.

    A head with folded columns is fitted on the folded matrix, and its weights are spread back
    over the full columns (each full column gets its folded column's weight), so every head
    reads the same features and x @ w is the same either way."""
    to = folding(settings, task)
    if to is not None:
        reads = np.flatnonzero(to >= 0)
        fold = sp.csr_matrix(
            (np.ones(len(reads)), (reads, to[reads])), shape=(len(to), int(to.max()) + 1)
        )
        x = (x @ fold).tocsr()
    nb = nb_ratios(x, y, settings.nb_alpha)
    nb[-dense_width(settings) :] = 1.0  # signals and embedding are not counts: no NB weighting
    members = []
    for view, c in settings.members[task.value]:
        weight = "balanced" if task.value in settings.balanced else None
        model = LogisticRegression(C=c, max_iter=2000, tol=1e-5, class_weight=weight)
        model.fit(x.multiply(nb).tocsr() if view == "nb" else x, y)
        # (x * nb) @ w == x @ (nb * w): the NB member then reads the plain features too.
        coef = model.coef_ * nb if view == "nb" else model.coef_
        if to is not None:
            coef = spread(coef, to)
            model.n_features_in_ = len(to)
        model.coef_ = _half(coef)
        members.append(model)
    identity = LogisticRegression()
    identity.classes_ = np.array([0, 1])
    identity.coef_ = np.array([[1.0]])
    identity.intercept_ = np.array([0.0])
    return Head(members, identity, layout(settings, task))


def out_of_fold_logits(
    x: Matrix, y: NDArray[np.int64], settings: Settings, task: Task
) -> NDArray[np.float64]:
    """Each row's logit from members that never saw it."""
    logits = np.zeros(len(y))
    folds = StratifiedKFold(settings.calibration_folds, shuffle=True, random_state=settings.seed)
    for fit_idx, held_idx in folds.split(np.zeros(len(y)), y):
        head = fit_members(x[fit_idx], y[fit_idx], settings, task)
        logits[held_idx] = head.decision(x[held_idx])
    return logits


def fit_head(
    x: Matrix, y: NDArray[np.int64], settings: Settings, task: Task, say: Progress
) -> tuple[Head, NDArray[np.float64]]:
    """A calibrated head and its out-of-fold calibrated probabilities."""
    say(f"  out-of-fold logits ({settings.calibration_folds} folds)")
    logits = out_of_fold_logits(x, y, settings, task)
    calibrator = LogisticRegression(C=1e4).fit(logits.reshape(-1, 1), y)
    say("  final members on all rows")
    head = fit_members(x, y, settings, task)
    head.calibrator = calibrator
    oof = calibrator.predict_proba(logits.reshape(-1, 1))[:, 1]
    return head, np.asarray(oof, dtype=np.float64)


def choose_thresholds(
    task: Task, y: NDArray[np.int64], p: NDArray[np.float64], settings: Settings
) -> dict[str, float]:
    """Hold threshold by recall; outright decision by precision at the assumed base rate."""
    key = task.value
    hold = threshold_for_recall(y, p, settings.hold_recall[key])
    decide = threshold_for_precision(y, p, settings.decide_precision[key], settings.base_rate[key])
    decide = max(decide, hold)
    if task is Task.SPAM:
        return {"spam_hold": hold, "spam": decide}
    return {"abuse_hold": hold, "abuse_reject": decide}


@dataclass
class Trained:
    """What training produces, before it is written out."""

    featuriser: Featuriser
    heads: dict[Task, Head]
    thresholds: dict[str, float]
    settings: Settings
    rows: dict[str, int]

    def settings_data(self) -> dict[str, object]:
        """The settings as JSON-ready data."""
        return asdict(self.settings)


def train(corpus: Corpus, settings: Settings, say: Progress) -> Trained:
    """Train both heads on every training row (held-back test rows are already excluded) of
    the datasets not left out."""
    rows = settings.kept(corpus.train)
    say(f"fitting features on {len(rows)} training rows")
    featuriser = new_featuriser(settings)
    items = [as_input(r) for r in rows]
    featuriser.fit(items)
    x_all = featuriser.transform(items)
    index = {id(r): i for i, r in enumerate(rows)}
    heads: dict[Task, Head] = {}
    thresholds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for task in Task:
        # A site's own corrections (``train --feedback``), if any, join both heads.
        chosen = head_rows(rows, task, (*settings.sources(task), FEEDBACK), settings)
        x = x_all[[index[id(r)] for r in chosen]]
        y = head_labels(chosen, task)
        say(f"{task.value} head: {len(y)} rows, {int(y.sum())} positive")
        heads[task], oof = fit_head(x, y, settings, task, say)
        thresholds.update(choose_thresholds(task, y, oof, settings))
        counts[task.value] = len(y)
    corrections = sum(r.dataset == FEEDBACK for r in rows)
    if corrections:
        counts[FEEDBACK] = corrections  # of them, a site's own corrections
    return Trained(featuriser, heads, thresholds, settings, counts)
