"""The length-signal experiment runs on the tiny folder and leaves the featuriser as it was."""

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import classifier.pipeline as pipeline
from classifier.datasets import Corpus
from classifier.experiments import length_signal
from classifier.loso import held_out_sets
from classifier.signals import CommentInput, signals

from .conftest import TINY


def test_variants_change_only_the_length_column() -> None:
    items = [CommentInput("short"), CommentInput("x" * 500)]
    texts = [i.comment for i in items]
    base = signals(items, texts)
    none = length_signal.length_variant("nolen")(items, texts, frozenset(), ())
    capped = length_signal.length_variant("cap100")(items, texts, frozenset(), ())
    at = length_signal.LENGTH
    assert np.array_equal(np.delete(none, at, axis=1), np.delete(base, at, axis=1))
    assert none[:, at].tolist() == [0.0, 0.0]
    assert capped[0, at] == base[0, at]
    assert capped[1, at] < base[1, at]


def test_a_run_gives_four_figures_and_restores_the_signals(tiny_datasets: Path) -> None:
    figures = length_signal.run(Corpus(tiny_datasets), "nolen")
    assert len(figures) == 4
    assert all(0.0 <= value <= 1.0 for value in figures.values())
    assert vars(pipeline)["signals"] is signals


def test_the_sentence_embedding_table_scores_every_held_out_source(
    tiny_datasets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classifier.experiments import sentence_embeddings

    corpus = Corpus(tiny_datasets)
    scales: list[float] = []
    real = sentence_embeddings.ours_held_out

    def spy(*args: Any) -> Any:
        scales.append(args[-1].embedding_scale)  # the settings the head is trained with
        return real(*args)

    monkeypatch.setattr(sentence_embeddings, "ours_held_out", spy)
    without = sentence_embeddings.table(corpus, "0", TINY)
    with_it = sentence_embeddings.table(corpus, "0.5", TINY)
    assert set(without) == set(with_it) == {name for _, name, _ in held_out_sets(corpus)}
    assert all(0.0 <= auc <= 1.0 for auc in [*without.values(), *with_it.values()])
    assert scales == [0.0] * len(without) + [0.5] * len(with_it)
    assert sentence_embeddings.main(["many"]) == 2
