"""Training through the real code on the tiny folder: orderings, calibration, thresholds."""

from pathlib import Path

import numpy as np

from classifier.datasets import Corpus
from classifier.scorer import CommentInput, Scorer
from classifier.train import train

from .conftest import TINY


def test_folded_weights_equal_the_estimators(tiny_datasets: Path) -> None:
    trained = train(Corpus(tiny_datasets), TINY, lambda _m: None)
    items = [
        CommentInput("free money click here http://x.example.com"),
        CommentInput("you are a stupid idiot"),
        CommentInput("thanks for the article"),
    ]
    x = trained.featuriser.transform(items)
    scorer = Scorer(trained.featuriser, trained.heads, trained.thresholds, {})
    fast = scorer.probabilities(items)
    for column, head in enumerate(trained.heads.values()):
        np.testing.assert_allclose(fast[:, column], head.predict_proba(x), rtol=1e-9, atol=1e-12)


def test_training_is_deterministic(tiny_datasets: Path) -> None:
    corpus = Corpus(tiny_datasets)
    a = train(corpus, TINY, lambda _m: None)
    b = train(corpus, TINY, lambda _m: None)
    assert a.thresholds == b.thresholds
    for task, head in a.heads.items():
        assert np.array_equal(head.folded()[0], b.heads[task].folded()[0])


def test_tiny_model_orders_comments(tiny_model: Path) -> None:
    scorer = Scorer.load(tiny_model)
    spam, ham, abuse, polite = scorer.score(
        [
            CommentInput("buy cheap pills online http://pills.example.com best price"),
            CommentInput("i think the match was interesting today"),
            CommentInput("shut up you moron, you stupid idiot"),
            CommentInput("thanks for fixing the history section"),
        ]
    )
    assert spam.spam > ham.spam
    assert abuse.abuse > polite.abuse
    assert all(0.0 <= s <= 1.0 for r in (spam, ham, abuse, polite) for s in (r.spam, r.abuse))
    t = scorer.thresholds
    assert 0 < t["spam_hold"] <= t["spam"] < 1
    assert 0 < t["abuse_hold"] <= t["abuse_reject"] < 1
