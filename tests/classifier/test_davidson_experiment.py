"""The Davidson in-source experiment runs on the tiny folder and leaves normalisation as it was."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from classifier.datasets import Corpus
from classifier.experiments import davidson_in_source as experiment
from classifier.labels import Row, Task
from classifier.text import IDENTITY_WORDS, normalise

from .conftest import TINY


def test_identity_words_are_kept_only_inside_the_block() -> None:
    assert "gay" not in normalise("a gay man").split()
    with experiment.identity_words_kept(True):
        assert "gay" in normalise("a gay man").split()
    assert "gay" not in normalise("a gay man").split()
    assert experiment.text_module.IDENTITY_WORDS is IDENTITY_WORDS


def test_identity_rows_are_found_by_whole_words() -> None:
    rows = [
        Row(Task.ABUSE, "d", "f", str(k), t, 0)
        for k, t in enumerate(["Gay rights march", "a blackbird sang", "old news", "nothing here"])
    ]
    assert experiment.has_identity_word(rows).tolist() == [True, False, True, False]


@pytest.mark.parametrize("variant", ["base", "identity", "davidson2x", "c2x"])
def test_out_of_fold_scores_every_davidson_row(tiny_datasets: Path, variant: str) -> None:
    corpus = Corpus(tiny_datasets)
    rows = corpus.train_rows([experiment.DAVIDSON])
    logits = experiment.out_of_fold(corpus, variant, folds=2, base=TINY)
    y = np.array([r.label for r in rows])
    assert logits.shape == (len(rows),)
    assert np.isfinite(logits).all()
    # The tiny folder's insults are easy: a head that never saw a row still ranks it.
    assert roc_auc_score(y, logits) > 0.9
    assert experiment.text_module.IDENTITY_WORDS is IDENTITY_WORDS
