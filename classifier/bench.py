"""Scoring micro-benchmark: the shipped scorer against a plain scikit-learn TF-IDF + LR pipeline."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, make_pipeline

from classifier import compiled
from classifier.scorer import CommentInput, Scorer

# fmt: off
_WORDS = (
    "the", "a", "to", "of", "and", "in", "is", "it", "you", "that", "for", "this", "was", "on",
    "are", "with", "as", "have", "be", "at", "not", "but", "they", "article", "great", "post",
    "thanks", "council", "road", "school", "people", "think", "really", "good", "government",
    "would", "check", "out", "my", "website", "free", "money", "click", "here", "subscribe",
    "channel", "love", "song", "video", "best", "ever", "idiot", "stupid", "shut", "up", "wrong",
    "read", "again", "agree", "disagree", "point", "year", "week", "city", "police",
)
# fmt: on
_LOAD_SNIPPET = """
import time
t = time.perf_counter()
{body}
elapsed = time.perf_counter() - t
rss = int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) / 1024
print(elapsed, rss)
"""


def comments(n: int, seed: int = 0) -> list[CommentInput]:
    """Deterministic comment-like texts of 5 to 80 words, some with links."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    out = []
    for i in range(n):
        words = rng.choices(_WORDS, k=rng.randint(5, 80))
        if i % 7 == 0:
            words.append(f"http://example{i % 50}.com/page")
        text = " ".join(words).capitalize() + rng.choice([".", "!", "?", "!!!"])
        out.append(CommentInput(comment=text, author=f"reader{i}", email=f"r{i}@example.org"))
    return out


class Reference:
    """Two plain TF-IDF (word 1-2 + char_wb 2-5) + LR pipelines, the usual way to do this."""

    def __init__(self, items: Sequence[CommentInput]) -> None:
        texts = [c.comment for c in items]
        y = np.arange(len(texts)) % 2
        self.heads = []
        for _ in range(2):
            union = FeatureUnion(
                [
                    ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                    (
                        "char",
                        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
                    ),
                ]
            )
            self.heads.append(make_pipeline(union, LogisticRegression(max_iter=200)).fit(texts, y))

    def score(self, batch: Sequence[CommentInput]) -> object:
        docs = [c.comment for c in batch]
        return [head.predict_proba(docs)[:, 1] for head in self.heads]


def _timed(fn: Callable[[], object], seconds: float) -> list[float]:
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 20:
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


# A comment's longest form: WordPress's limit, 65,525 bytes (all the texts below are ASCII).
LONGEST = 65_525


def _longest(make: Callable[[random.Random], str], seed: int = 0) -> str:
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    parts: list[str] = []
    size = -1
    while True:
        part = make(rng)
        if size + 1 + len(part) >= LONGEST:  # the last part is cut to fill the size exactly
            parts.append(part[: LONGEST - size - 1])
            return " ".join(parts)
        parts.append(part)
        size += 1 + len(part)


def _letters(rng: random.Random, k: int) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=k))


# Comments of the longest size, each made of one kind of token. All but the first once cost
# time with the square of the length (masked words, unclosed tags, dotted words) or, remembered,
# memory (listed words); the first is the baseline they are timed against.
CRAFTED: dict[str, Callable[[random.Random], str]] = {
    "plain words": lambda rng: rng.choice(_WORDS),
    'one hyphened swear word ("sh-t sh-t ...")': lambda rng: "sh-t",
    'distinct masked tokens ("ab*cde")': lambda rng: f"{_letters(rng, 2)}*{_letters(rng, 3)}",
    'distinct hyphened with a digit ("abc1-def")': (
        lambda rng: f"{_letters(rng, 3)}{rng.randint(0, 9)}-{_letters(rng, 3)}"
    ),
    'mask runs between hyphens ("f-*#-k")': (
        lambda rng: f"f-{''.join(rng.choices('*#%@$_', k=rng.randint(1, 4)))}-k"
    ),
    'unclosed link tags ("<a <a ...")': lambda rng: "<a",
    'listed abusive words ("idiot moron ...")': (
        lambda rng: rng.choice(("idiot", "moron", "stupid", "fuck", "shit", "bitch", "crap"))
    ),
    'long dotted words ("a.a.a...a.com")': (
        lambda rng: "a." * 499 + rng.choices(("a", "com", "a@x.org"), (96, 2, 2))[0]
    ),
}


def crafted(scorer: Scorer, rounds: int = 3) -> dict[str, float]:
    """Milliseconds to score (with explanations) one comment of the longest size made of each
    kind of token in ``CRAFTED``, medians over ``rounds``; the first kind is the baseline."""
    out: dict[str, float] = {}
    for i, (kind, make) in enumerate(CRAFTED.items()):
        text = _longest(make, seed=i)
        item = CommentInput(comment=text, author="Reader", email="reader@example.org")
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            scorer.score([item], explain=5)
            times.append(time.perf_counter() - started)
        out[kind] = float(np.median(times) * 1e3)
    return out


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def held(scorer: Scorer, count: int) -> tuple[int, float]:
    """How many comments were measured, and how many MiB more this process held after them:
    ``count`` distinct comments of the longest size of each kind in ``CRAFTED``, scored after
    as many others (which settle the allocator's own pools). What grows is what something that
    remembers comments (a cache) keeps of them."""

    def score_distinct(first: int) -> int:
        for i, make in enumerate(CRAFTED.values()):
            for n in range(first, first + count):
                text = _longest(make, seed=1000 * i + n)
                tag = f" zq{n:08x}"  # distinct even where a kind repeats one token
                item = CommentInput(comment=text[: LONGEST - len(tag)] + tag, author="Reader")
                scorer.score([item], explain=5)
        return count * len(CRAFTED)

    score_distinct(0)
    before = _rss_mib()
    scored = score_distinct(count)
    return scored, _rss_mib() - before


def _subprocess_load(body: str, cache: str | None = None) -> tuple[float, float]:
    code = _LOAD_SNIPPET.format(body=body)
    env = dict(os.environ)
    if cache is not None:
        env[compiled.ENV] = cache
    done = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    elapsed, rss = done.stdout.split()
    return float(elapsed), float(rss)


def run(model: Path | None = None, seconds: float = 2.0, batch: int = 256) -> dict[str, float]:
    """Print and return: one comment p50/p99 (ms), batch throughput (comments/s), load time (s)
    and resident memory (MiB) of a loaded model, each with its ratio to the reference pipeline."""
    scorer = Scorer.load(model)
    items = comments(4096)
    reference = Reference(items[:2048])
    blocks = [items[i : i + batch] for i in range(0, len(items), batch)]
    figures: dict[str, float] = {}
    for name, score in (("replyguard", scorer.score), ("reference", reference.score)):
        single = _timed(lambda: score([items[7]]), seconds)  # noqa: B023 (used at once)
        turn = iter(range(1 << 62))
        many = _timed(lambda: score(blocks[next(turn) % len(blocks)]), seconds)  # noqa: B023
        figures[f"{name}.p50_ms"] = float(np.percentile(single, 50) * 1e3)
        figures[f"{name}.p99_ms"] = float(np.percentile(single, 99) * 1e3)
        figures[f"{name}.batch_per_s"] = batch / float(np.median(many))
    load = (
        "from pathlib import Path\nfrom classifier.scorer import Scorer\n"
        f"Scorer.load({f'Path({str(model)!r})' if model else None})"
    )
    # The compiled copy is there: this process's load above left it (classifier.compiled).
    figures["replyguard.load_s"], figures["replyguard.rss_mib"] = _subprocess_load(load)
    # A first load, from the skops artifact alone (what writes the compiled copy).
    figures["replyguard.first_load_s"], figures["replyguard.first_rss_mib"] = _subprocess_load(
        load, cache="off"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference.skops"
        sio.dump(reference.heads, path)
        figures["reference.first_load_s"], figures["reference.first_rss_mib"] = _subprocess_load(
            "import skops.io as sio\n"
            f"sio.load({str(path)!r}, trusted=sio.get_untrusted_types(file={str(path)!r}))"
        )
    figures["reference.load_s"] = figures["reference.first_load_s"]
    figures["reference.rss_mib"] = figures["reference.first_rss_mib"]
    _print(figures, batch)
    longest = crafted(scorer, rounds=max(1, min(3, round(seconds * 1.5))))
    baseline = next(iter(longest.values()))
    print(f"\none comment of {LONGEST:,} bytes, both heads with explanations; medians")
    print(f"{'made of':<46}{'ms':>9}{'ratio':>9}")
    for kind, ms in longest.items():
        print(f"{kind:<46}{ms:>9.1f}{ms / baseline:>8.2f}x")
        figures[f"longest.{kind}.ms"] = ms
    scored, grown = held(scorer, count=max(4, round(seconds * 15)))
    print(f"memory held after {scored} more distinct comments of that size: {grown:+.1f} MiB")
    figures["longest.held_mib"] = grown
    return figures


def _print(figures: dict[str, float], batch: int) -> None:
    rows = [
        ("one comment p50", "p50_ms", "ms"),
        ("one comment p99", "p99_ms", "ms"),
        (f"batches of {batch}", "batch_per_s", "comments/s"),
        ("load time", "load_s", "s"),
        ("resident memory", "rss_mib", "MiB"),
        ("first load time", "first_load_s", "s"),
        ("its memory", "first_rss_mib", "MiB"),
    ]
    print(f"{'measure':<20}{'replyguard':>14}{'reference':>14}{'ratio':>9}")
    for label, key, unit in rows:
        ours, ref = figures[f"replyguard.{key}"], figures[f"reference.{key}"]
        print(f"{label:<20}{ours:>11.3f} {unit:<3}{ref:>10.3f} {unit:<3}{ours / ref:>8.2f}x")
    print(
        "load time and memory: a fresh process with the compiled copy of the model; first load:"
        " from the skops artifact alone, as before the copy exists (the reference loads the same"
        " way both times)"
    )
    per = 1e3 / figures["replyguard.batch_per_s"]
    print(f"both heads cost {per:.3f} ms per comment in batches of {batch}")
