"""The length-signal experiment runs on the tiny folder and leaves the featuriser as it was."""

from pathlib import Path

import numpy as np

import classifier.pipeline as pipeline
from classifier.datasets import Corpus
from classifier.experiments import length_signal
from classifier.signals import CommentInput, signals


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
