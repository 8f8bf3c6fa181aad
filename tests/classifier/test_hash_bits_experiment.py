"""The hash-bits experiment reads its variants as documented and scores every held-out source."""

import dataclasses
from pathlib import Path

import pytest

from classifier.datasets import SOURCES, Corpus
from classifier.experiments import hash_bits as experiment
from classifier.train import Settings


def test_a_variant_names_the_column_bits_and_the_spam_heads_fold() -> None:
    shipped = experiment.settings_for("20,18,2,1")
    assert (shipped.char_bits, shipped.word_bits, shipped.fold) == (20, 18, {"spam": (2, 1)})
    # The settings shipped until the spam head got word columns of its own: one word block.
    assert shipped == dataclasses.replace(Settings(), word_bits=18, own_words={})
    wide = experiment.settings_for("20,20")  # the spam head keeps 2^18 and 2^17 columns
    assert (wide.word_bits, wide.fold) == (20, {"spam": (2, 3)})
    for bad in ("20", "20,16", "20,18,2", "x,y"):
        with pytest.raises(ValueError, match="not CHAR,WORD"):
            experiment.settings_for(bad)


def test_the_table_has_a_figure_for_every_source(tiny_datasets: Path) -> None:
    tiny = dataclasses.replace(experiment.settings_for("12,10,2,1"), calibration_folds=3)
    figures = experiment.table(Corpus(tiny_datasets), tiny)
    assert set(figures) == {name for names in SOURCES.values() for name in names}
    assert all(0.0 <= value <= 1.0 for value in figures.values())
