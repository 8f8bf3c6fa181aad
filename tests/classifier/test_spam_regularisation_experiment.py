"""The spam-regularisation experiment reads its variants as documented and gives six figures."""

import dataclasses
from pathlib import Path

import pytest

from classifier.datasets import Corpus
from classifier.experiments import spam_regularisation as experiment
from classifier.train import Settings

from .conftest import TINY


def test_a_variant_names_the_spam_members_c_and_leaves_the_rest() -> None:
    shipped = experiment.settings_for("32,16")
    assert shipped == Settings()  # the shipped C values
    strong = experiment.settings_for("2,1")
    assert strong.members["spam"] == (("plain", 2.0), ("nb", 1.0))
    assert strong.members["abuse"] == Settings().members["abuse"]
    assert dataclasses.replace(strong, members=Settings().members) == Settings()
    for bad in ("2", "2,1,1", "x,1", "0,1", "-1,2"):
        with pytest.raises(ValueError, match=r"PLAIN,NB|positive"):
            experiment.settings_for(bad)


def test_a_run_gives_six_figures(tiny_datasets: Path) -> None:
    figures = experiment.run(Corpus(tiny_datasets), experiment.settings_for("2,1", TINY))
    assert len(figures) == 6
    assert all(0.0 <= value <= 1.0 for value in figures.values())
