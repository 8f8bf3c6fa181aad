"""Loaders: each quirk handled, test rows and their duplicates never in training."""

from pathlib import Path

import pytest

from classifier.datasets import Corpus, DatasetError, dedup_keys, load_source, read_test_ids
from classifier.labels import Task

from .conftest import REAL_DATASETS, needs_real_datasets


def test_youtube_strips_byte_order_marks_and_ignores_date(tiny_datasets: Path) -> None:
    rows = load_source(tiny_datasets, "youtube-spam-collection")
    assert rows
    assert all("\ufeff" not in r.text for r in rows)
    assert all(r.author.startswith("user") for r in rows)
    assert {r.task for r in rows} == {Task.SPAM}


def test_sms_row_ids_are_line_numbers(tiny_datasets: Path) -> None:
    rows = load_source(tiny_datasets, "sms-spam-collection")
    assert [r.row_id for r in rows[:3]] == ["1", "2", "3"]


def test_olid_reads_quotes_literally_and_links_its_placeholder(tiny_datasets: Path) -> None:
    rows = load_source(tiny_datasets, "olid-train")
    assert all(r.text.startswith('@USER "') for r in rows)
    assert all("http://" in r.text for r in rows)


def test_davidson_drops_retweet_marker(tiny_datasets: Path) -> None:
    rows = load_source(tiny_datasets, "davidson-hate-offensive")
    assert not any("RT @" in r.text for r in rows)
    assert {r.label for r in rows} == {0, 1}


def test_unknown_or_missing_source(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        load_source(tmp_path, "nope")
    with pytest.raises(DatasetError):
        load_source(tmp_path, "davidson-hate-offensive")


def test_test_rows_and_their_duplicates_are_excluded(tiny_datasets: Path) -> None:
    corpus = Corpus(tiny_datasets)
    test_ids = read_test_ids(tiny_datasets)
    assert corpus.test
    assert {r.ident for r in corpus.test} <= test_ids
    assert not any(r.ident in test_ids for r in corpus.train)
    test_keys = {k for r in corpus.test for k in dedup_keys(r.text)}
    assert not any(set(dedup_keys(r.text)) & test_keys for r in corpus.train)


def test_dedup_key_follows_evaluation_rule() -> None:
    assert dedup_keys("Great&amp;Song!\ufeff")[0] == dedup_keys("great song")[0] == "greatsong"


@needs_real_datasets
def test_real_test_rows_are_all_found() -> None:
    corpus = Corpus(REAL_DATASETS)
    assert len(corpus.test) == len(read_test_ids(REAL_DATASETS))
    train_keys = {dedup_keys(r.text)[0] for r in corpus.train}
    assert not train_keys & {dedup_keys(r.text)[0] for r in corpus.test}
