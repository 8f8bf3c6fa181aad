"""The source-weights experiment weighs rows by source inside its block only, and runs on the tiny
folder."""

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import classifier.train as train_module
from classifier.datasets import Corpus
from classifier.experiments import source_weights as experiment
from classifier.labels import Row, Task

from .conftest import TINY


def _rows(*datasets: str) -> list[Row]:
    return [Row(Task.ABUSE, d, "f", str(k), "text", 0) for k, d in enumerate(datasets)]


def test_row_weights_follow_the_source_and_average_one() -> None:
    rows = _rows(experiment.DAVIDSON, experiment.DAVIDSON, experiment.OLID, experiment.WIKI)
    w = experiment.row_weights(rows, {experiment.DAVIDSON: 0.5})
    assert w.mean() == pytest.approx(1.0)
    assert w[0] == w[1] == pytest.approx(w[2] / 2)
    assert w[2] == w[3]
    assert experiment.row_weights(rows, {}).tolist() == [1.0] * 4


def test_fits_are_weighted_inside_the_block_only() -> None:
    rng = np.random.default_rng(0)
    x = sp.csr_matrix(rng.random((40, 5)))
    y = np.array([0, 1] * 20)
    weights = np.where(np.arange(40) < 20, 5.0, 0.2)
    plain = train_module.LogisticRegression().fit(x, y).coef_
    with experiment.weighted_fits(weights):
        weighted = train_module.LogisticRegression().fit(x, y).coef_
        other_rows = train_module.LogisticRegression().fit(x[:30], y[:30]).coef_
    assert not np.allclose(weighted, plain)
    expected = train_module.LogisticRegression().fit(x, y, sample_weight=weights).coef_
    assert np.allclose(weighted, expected)
    assert np.allclose(other_rows, train_module.LogisticRegression().fit(x[:30], y[:30]).coef_)
    assert train_module.LogisticRegression is experiment.LogisticRegression  # restored


@pytest.mark.parametrize("variant", ["base", "dav0.5"])
def test_a_held_out_row_is_an_auc(tiny_datasets: Path, variant: str) -> None:
    auc = experiment.held_out(Corpus(tiny_datasets), experiment.OLID, variant, TINY)
    assert 0.0 <= auc <= 1.0
