"""A tiny synthetic datasets folder laid out like ../shared/datasets, and a model trained on it."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from classifier.build import train_and_write
from classifier.datasets import default_datasets_dir
from classifier.train import Settings

SPAM = [
    "check out my channel {u} and subscribe",
    "free money click here {u} win a prize now",
    "buy cheap pills online {u} best price",
    "great post visit my website {u} for seo services",
    "call 08001234567 now to claim your free prize",
]
HAM = [
    "i think the {w} was interesting today",
    "thanks for the {w}, see you tomorrow",
    "this song reminds me of {w}",
    "we should talk about the {w} at lunch",
    "my friend liked the {w} a lot",
]
ABUSE = [
    "you are a stupid idiot about {w}",
    "shut up you moron, nobody cares about {w}",
    "what a pathetic loser, go away with your {w}",
    "you idiot, your {w} is garbage",
]
CLEAN = [
    "thanks for fixing the {w} section",
    "i added a source for the {w} claim",
    "please discuss the {w} on the talk page",
    "good point about the {w}, i agree",
]
WORDS = [
    "match",
    "article",
    "weather",
    "history",
    "election",
    "garden",
    "film",
    "bridge",
    "museum",
    "recipe",
    "train",
    "library",
    "concert",
    "river",
    "festival",
    "budget",
]


def _texts(templates: list[str], n: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(n):
        text = rng.choice(templates).format(u=f"http://site{i}.example.com", w=rng.choice(WORDS))
        out.append(f"{text} {rng.choice(WORDS)} {i}")
    return out


def write_datasets(root: Path, n: int = 60, seed: int = 1) -> Path:
    """Write every source with ``n`` rows per class; the last 10 % of each file are test rows."""
    rng = random.Random(seed)
    test_rows: list[list[str]] = []

    def mark(task: str, dataset: str, file: str, ids: list[str], labels: list[int]) -> None:
        cut = len(ids) - len(ids) // 10
        test_rows.extend(
            [task, dataset, file, i, str(y)] for i, y in zip(ids[cut:], labels[cut:], strict=True)
        )

    def labelled(pos: list[str], neg: list[str]) -> list[tuple[str, int]]:
        rows = [(t, 1) for t in _texts(pos, n, rng)] + [(t, 0) for t in _texts(neg, n, rng)]
        rng.shuffle(rows)
        return rows

    yt = root / "youtube-spam-collection"
    yt.mkdir(parents=True)
    rows = labelled(SPAM, HAM)
    with (yt / "Youtube01-Psy.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        for k, (text, y) in enumerate(rows):
            date = "" if y else "2014-01-01"  # the label leak of the real Eminem file
            w.writerow([f"c{k}", f"user{k}", date, text + "\ufeff" * (1 - y), y])
    mark(
        "spam",
        yt.name,
        "Youtube01-Psy.csv",
        [f"c{k}" for k in range(len(rows))],
        [y for _, y in rows],
    )

    sms = root / "sms-spam-collection"
    sms.mkdir()
    rows = labelled(SPAM, HAM)
    (sms / "SMSSpamCollection").write_text(
        "".join(f"{'spam' if y else 'ham'}\t{t}\n" for t, y in rows), encoding="utf-8"
    )
    mark(
        "spam",
        sms.name,
        "SMSSpamCollection",
        [str(k + 1) for k in range(len(rows))],
        [y for _, y in rows],
    )

    dav = root / "davidson-hate-offensive"
    dav.mkdir()
    rows = labelled(ABUSE, CLEAN)
    with (dav / "labeled_data.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"])
        for k, (text, y) in enumerate(rows):
            w.writerow([k, 3, 0, 3 * y, 3 * (1 - y), 1 if y else 2, f"RT @someone: {text}"])
    mark(
        "abuse",
        dav.name,
        "labeled_data.csv",
        [str(k) for k in range(len(rows))],
        [y for _, y in rows],
    )

    olid = root / "olid-train"
    olid.mkdir()
    rows = labelled(ABUSE, CLEAN)
    lines = ["id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c"]
    lines += [
        f'{9000 + k}\t@USER "{t} URL\t{"OFF" if y else "NOT"}\tNULL\tNULL'
        for k, (t, y) in enumerate(rows)
    ]
    (olid / "olid-training-v1.0.tsv").write_bytes(("\r\n".join(lines) + "\r\n").encode())
    mark(
        "abuse",
        olid.name,
        "olid-training-v1.0.tsv",
        [str(9000 + k) for k in range(len(rows))],
        [y for _, y in rows],
    )

    wiki = root / "wiki-toxicity-cat"
    wiki.mkdir()
    for name in ("gn.csv", "gc.csv"):
        rows = labelled(ABUSE, CLEAN)
        with (wiki / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "text", "label", "api", "parent"])
            w.writerows([f"{name[1]}{k}.1.1", t, y, 0.5, ""] for k, (t, y) in enumerate(rows))
        mark(
            "abuse",
            wiki.name,
            name,
            [f"{name[1]}{k}.1.1" for k in range(len(rows))],
            [y for _, y in rows],
        )
    rows = labelled(ABUSE, CLEAN)
    with (wiki / "cat_small.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "parent_text", "tox_codes_oc", "label_oc", "tox_codes_ic", "label_ic"])
        w.writerows([t, "", "[0.]", y, "[0.]", y] for t, y in rows)
    mark(
        "abuse",
        wiki.name,
        "cat_small.csv",
        [str(k) for k in range(len(rows))],
        [y for _, y in rows],
    )

    write_checks(root, rng)
    with (root / "test-rows.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["task", "dataset", "file", "row_id", "label"])
        w.writerows(test_rows)
    return root


def write_checks(root: Path, rng: random.Random) -> None:
    """The bias-evaluation files and the Jigsaw sample, in their real layouts."""
    bias = root / "wiki-toxicity-bias-eval"
    bias.mkdir()
    terms = ["gay", "muslim", "black", "middle eastern"]
    with (bias / "bias_madlibs_77k.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Text", "Label", "Template"])
        for term in terms:
            for adj, label in (
                ("stupid", "BAD"),
                ("idiot", "BAD"),
                ("kind", "NOT_BAD"),
                ("lovely", "NOT_BAD"),
            ):
                w.writerow([f"Sam is a {adj} {term}", label, "name_adj"])
            w.writerow([f"i am {term}", "NOT_BAD", "am_hate_adj"])
    for name in ("nonfuzzed", "fuzzed"):
        with (bias / f"toxicity_{name}_testset.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["rev_id", "comment", "toxic"])
            for k, text in enumerate(_texts(ABUSE, 10, rng) + _texts(CLEAN, 10, rng)):
                w.writerow([k, f"{text} {terms[k % 4]}NEWLINE_TOKEN", k < 10])
    jig = root / "jigsaw-toxic-sample"
    jig.mkdir()
    with (jig / "test_examples.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "comment_text",
                "toxic",
                "severe_toxic",
                "obscene",
                "threat",
                "insult",
                "identity_hate",
            ]
        )
        for k, text in enumerate(_texts(ABUSE, 5, rng) + _texts(CLEAN, 5, rng)):
            w.writerow([text, int(k < 5), 0, 0, 0, 0, 0])


# The shipped layout in small: the abuse head reads 2^12 character and 2^11 word columns, the
# spam head 2^10 and 2^9, its words counted and weighted at 2^10.
TINY = Settings(char_bits=12, word_bits=11, own_words={"spam": 10}, calibration_folds=3)


@pytest.fixture(scope="session")
def tiny_datasets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="session")
def tiny_model(tiny_datasets: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.skops"
    train_and_write(tiny_datasets, path, TINY, say=lambda _message: None)
    return path


REAL_DATASETS = default_datasets_dir()
needs_real_datasets = pytest.mark.skipif(
    not (REAL_DATASETS / "test-rows.csv").is_file(), reason="../shared/datasets is not here"
)
