"""Dataset loaders: each source's quirks, the mapping to the two labels, de-duplication, test rows.

Label mapping (1 = spam / abusive):
- youtube-spam-collection: CLASS 1 = spam. DATE is never read (its presence leaks the label in
  Eminem) and U+FEFF is stripped (its absence leaks the label in Eminem and Shakira).
- sms-spam-collection: ``spam`` = 1, ``ham`` = 0; split on the first TAB, row id = line number.
- davidson-hate-offensive: class 0 (hate) or 1 (offensive) = abusive, 2 (neither) = 0.
  The retweet marker ``RT @user:`` is removed: it is Twitter plumbing, not the author's words.
- olid-train: subtask_a OFF = abusive, NOT = 0; read with quoting off. Its ``URL`` placeholder
  becomes a link so that it reads like the links in every other source.
- wiki-toxicity-cat: ``label`` (gn.csv, gc.csv) and ``label_oc`` (cat_small.csv) 1 = toxic.
- wiki-toxicity-bias-eval and jigsaw-toxic-sample: checks only, never training (see ``checks``).
- feedback (optional, ``train --feedback``): a site's own corrections as ``replyguard feedback``
  exports them; ``spam`` = spam, ``abuse`` = abusive, ``ham`` = neither. They join both heads and
  are the only rows with the website, e-mail and author fields a form sends.
HTML entities are decoded by the shared text normalisation, not here.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from classifier.labels import Row, Task

SPAM_SOURCES = ("youtube-spam-collection", "sms-spam-collection")
ABUSE_SOURCES = ("davidson-hate-offensive", "olid-train", "wiki-toxicity-cat")
SOURCES: dict[Task, tuple[str, ...]] = {Task.SPAM: SPAM_SOURCES, Task.ABUSE: ABUSE_SOURCES}
FEEDBACK = "feedback"
_FEEDBACK_LABELS = {"spam": (Task.SPAM, 1), "abuse": (Task.ABUSE, 1), "ham": (Task.SPAM, 0)}

_RETWEET = re.compile(r"\bRT\s+@\w+:?")
_OLID_URL = re.compile(r"\bURL\b")
_NON_ALNUM_ASCII = re.compile(r"[^a-z0-9]")


class DatasetError(Exception):
    """A dataset folder is missing or a file is not laid out as its SOURCE.md says."""


def default_datasets_dir() -> Path:
    """REPLYGUARD_DATASETS, else ``../shared/datasets`` next to the repository root."""
    env = os.environ.get("REPLYGUARD_DATASETS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


def _read_csv(path: Path, tabs: bool = False) -> Iterator[dict[str, str]]:
    """Rows of a CSV file; ``tabs`` reads tab-separated with quoting off (OLID)."""
    if not path.is_file():
        raise DatasetError(f"missing dataset file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        if tabs:
            yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        else:
            yield from csv.DictReader(handle)


def load_youtube(root: Path) -> Iterator[Row]:
    """The five YouTube files; CONTENT and AUTHOR only, U+FEFF stripped."""
    folder = root / "youtube-spam-collection"
    files = sorted(p.name for p in folder.glob("Youtube0*.csv"))
    if not files:
        raise DatasetError(f"no Youtube0*.csv in {folder}")
    for name in files:
        for rec in _read_csv(folder / name):
            text = rec["CONTENT"].replace("\ufeff", "")
            yield Row(
                Task.SPAM,
                folder.name,
                name,
                rec["COMMENT_ID"],
                text,
                int(rec["CLASS"]),
                rec["AUTHOR"].replace("\ufeff", ""),
            )


def load_sms(root: Path) -> Iterator[Row]:
    """SMS Spam Collection: ``label<TAB>text`` per line, no quoting."""
    path = root / "sms-spam-collection" / "SMSSpamCollection"
    if not path.is_file():
        raise DatasetError(f"missing dataset file: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            label, _, text = line.rstrip("\r\n").partition("\t")
            yield Row(
                Task.SPAM, path.parent.name, path.name, str(number), text, int(label == "spam")
            )


def load_davidson(root: Path) -> Iterator[Row]:
    """Davidson tweets: hate or offensive = abusive; retweet markers removed."""
    path = root / "davidson-hate-offensive" / "labeled_data.csv"
    for rec in _read_csv(path):
        text = _RETWEET.sub(" ", rec["tweet"])
        yield Row(
            Task.ABUSE, path.parent.name, path.name, rec[""], text, int(rec["class"] in ("0", "1"))
        )


def load_olid(root: Path) -> Iterator[Row]:
    """OLID training split, read with quoting off; OFF = abusive."""
    path = root / "olid-train" / "olid-training-v1.0.tsv"
    for rec in _read_csv(path, tabs=True):
        text = _OLID_URL.sub("http://url.invalid", rec["tweet"])
        yield Row(
            Task.ABUSE, path.parent.name, path.name, rec["id"], text, int(rec["subtask_a"] == "OFF")
        )


def load_wiki_cat(root: Path) -> Iterator[Row]:
    """Wikipedia Talk comments of CAT-LARGE (gn, gc) and CAT-SMALL (out-of-context label)."""
    folder = root / "wiki-toxicity-cat"
    for name in ("gn.csv", "gc.csv"):
        for rec in _read_csv(folder / name):
            yield Row(Task.ABUSE, folder.name, name, rec["id"], rec["text"], int(rec["label"]))
    for position, rec in enumerate(_read_csv(folder / "cat_small.csv")):
        yield Row(
            Task.ABUSE,
            folder.name,
            "cat_small.csv",
            str(position),
            rec["text"],
            int(rec["label_oc"]),
        )


LOADERS = {
    "youtube-spam-collection": load_youtube,
    "sms-spam-collection": load_sms,
    "davidson-hate-offensive": load_davidson,
    "olid-train": load_olid,
    "wiki-toxicity-cat": load_wiki_cat,
}


def load_feedback(path: Path) -> list[Row]:
    """A ``replyguard feedback`` export: one JSON object per line with ``comment``, ``label``
    (spam, abuse or ham) and optionally ``author``, ``email``, ``url``. A "ham" row is a
    negative of both heads; a "spam" row a negative of the abuse head, and the reverse."""
    if not path.is_file():
        raise DatasetError(f"missing feedback file: {path}")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if not isinstance(data, dict) or not isinstance(data.get("comment"), str):
                raise DatasetError(f"{path}:{number}: needs an object with a comment string")
            if data.get("label") not in _FEEDBACK_LABELS:
                raise DatasetError(f"{path}:{number}: label must be spam, abuse or ham")
            fields = {k: data.get(k) or "" for k in ("author", "email", "url")}
            if not all(isinstance(v, str) for v in fields.values()):
                raise DatasetError(f"{path}:{number}: author, email and url must be strings")
            task, label = _FEEDBACK_LABELS[data["label"]]
            rows.append(
                Row(task, FEEDBACK, path.name, str(number), data["comment"], label, **fields)
            )
    return rows


def dedup_keys(text: str) -> tuple[str, str]:
    """EVALUATION.md's duplicate key (lower-cased, entities decoded, U+FEFF removed, letters and
    digits only), in its Unicode and its ASCII reading, so either reading of the rule matches."""
    low = html.unescape(text).replace("\ufeff", "").lower()
    return "".join(ch for ch in low if ch.isalnum()), _NON_ALNUM_ASCII.sub("", low)


def read_test_ids(root: Path) -> set[tuple[str, str, str]]:
    """The (dataset, file, row_id) triples of test-rows.csv."""
    return {(r["dataset"], r["file"], r["row_id"]) for r in _read_csv(root / "test-rows.csv")}


def load_source(root: Path, dataset: str) -> list[Row]:
    """Every row of one training source, in file order."""
    if dataset not in LOADERS:
        raise DatasetError(f"unknown dataset {dataset!r}; known: {', '.join(LOADERS)}")
    return list(LOADERS[dataset](root))


class Corpus:
    """All training sources split into held-back test rows and de-duplicated training rows."""

    def __init__(self, root: Path, feedback: Sequence[Row] = ()) -> None:
        self.root = root
        test_ids = read_test_ids(root)
        # A site's corrections come first, so that where one repeats a public row's text, the
        # site's label is the one kept.
        rows = [*feedback, *(row for name in LOADERS for row in load_source(root, name))]
        self.test = _unique_ids([row for row in rows if row.ident in test_ids])
        banned = {key for row in self.test for key in dedup_keys(row.text) if key}
        self.train = _dedup(
            row
            for row in rows
            if row.ident not in test_ids and not banned.intersection(dedup_keys(row.text))
        )

    def train_rows(self, sources: Iterable[str]) -> list[Row]:
        """Training rows of the named sources."""
        wanted = set(sources)
        return [row for row in self.train if row.dataset in wanted]

    def test_rows(self, dataset: str) -> list[Row]:
        """Held-back test rows of one source."""
        return [row for row in self.test if row.dataset == dataset]


def _unique_ids(rows: Iterable[Row]) -> list[Row]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for row in rows:
        if row.ident not in seen:
            seen.add(row.ident)
            out.append(row)
    return out


def _dedup(rows: Iterable[Row]) -> list[Row]:
    """First row of each text per task; empty texts dropped; keys compared across sources."""
    seen: set[tuple[Task, str]] = set()
    out = []
    for row in rows:
        key = dedup_keys(row.text)[0]
        if key and (row.task, key) not in seen:
            seen.add((row.task, key))
            out.append(row)
    return out
