"""Training through the real code on the tiny folder: orderings, calibration, thresholds."""

import copy
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from classifier.artifact import verify
from classifier.build import train_and_write
from classifier.card import signal_weights
from classifier.datasets import Corpus, DatasetError, load_feedback
from classifier.labels import Task
from classifier.pipeline import Featuriser, Head, shared_columns, spread
from classifier.scorer import CommentInput, Scorer
from classifier.signals import SIGNAL_NAMES
from classifier.train import Settings, folding, train

from .conftest import TINY


def test_folded_weights_equal_the_estimators(tiny_datasets: Path) -> None:
    trained = train(Corpus(tiny_datasets), TINY, lambda _m: None)
    items = [
        CommentInput("free money click here http://x.example.com"),
        CommentInput("you are a stupid idiot"),
        CommentInput("thanks for the article"),
    ]
    x = trained.featuriser.transform(items)
    scorer = Scorer.from_heads(trained.featuriser, trained.heads, trained.thresholds, {})
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


def test_a_folded_head_reads_its_columns_as_hashed_into_fewer(tiny_datasets: Path) -> None:
    # TINY folds the spam head by (2, 1) bits: every four character columns (and every two
    # columns of the narrow word block it reads) that share their top hash bits share one
    # weight, which is what a featuriser with two (one) fewer bits would give them as one
    # column. The abuse head reads the wide word block, with free weights, and not the narrow.
    assert TINY.fold == {"spam": (2, 1)}
    assert TINY.own_words == {"spam": 10}
    trained = train(Corpus(tiny_datasets), TINY, lambda _m: None)
    chars, words, view = 1 << TINY.char_bits, 1 << TINY.word_bits, 1 << 10
    assert trained.featuriser.view_bits == 10
    for member in trained.heads[Task.SPAM].members:
        coef = member.coef_[0]
        assert len(coef) == trained.featuriser.n_features
        char_block = coef[:chars].reshape(-1, 4)
        view_block = coef[chars + words : chars + words + view].reshape(-1, 2)
        assert np.all(char_block == char_block[:, :1])
        assert np.all(view_block == view_block[:, :1])
        assert np.count_nonzero(char_block[:, 0]) > 0
        assert np.count_nonzero(view_block[:, 0]) > 0
        assert not np.any(coef[chars : chars + words])  # not the wide word block
    for member in trained.heads[Task.ABUSE].members:
        coef = member.coef_[0]
        assert np.any(coef[:chars].reshape(-1, 4) != coef[:chars].reshape(-1, 4)[:, :1])
        assert np.count_nonzero(coef[chars : chars + words]) > 0
        assert not np.any(coef[chars + words : chars + words + view])  # not the narrow block
    # Folding the matrix and reading the folded weights gives the same logits as the full ones.
    items = [CommentInput("free money click here http://x.example.com")]
    x = trained.featuriser.transform(items)
    to = folding(TINY, Task.SPAM)
    assert to is not None
    reads = to >= 0
    folded_x = np.zeros((1, int(to.max()) + 1))
    np.add.at(folded_x, (0, to[reads]), x.toarray()[0][reads])
    member = trained.heads[Task.SPAM].members[0]
    folded_w = np.zeros(folded_x.shape[1])
    folded_w[to[reads]] = member.coef_[0][reads]
    np.testing.assert_allclose(
        member.decision_function(x), folded_x @ folded_w + member.intercept_[0], rtol=1e-9
    )


def test_a_head_on_shared_columns_stores_each_tied_weight_once(tiny_datasets: Path) -> None:
    trained = train(Corpus(tiny_datasets), TINY, lambda _m: None)
    spam = trained.heads[Task.SPAM]
    data = spam.to_data()
    # The dense block: the signals, then the sentence embedding's 256 numbers.
    dense = trained.featuriser.dense_width
    assert dense == len(SIGNAL_NAMES) + 256
    width = (1 << TINY.char_bits >> 2) + (1 << 10 >> 1) + dense
    assert [m.coef_.shape[1] for m in data["members"]] == [width] * len(spam.members)
    back = Head.from_data(copy.deepcopy(data))
    for before, after in zip(spam.members, back.members, strict=True):
        assert np.array_equal(before.coef_, after.coef_)
    assert back.shared == spam.shared
    # The abuse head stores no weight for the narrow block it does not read.
    abuse = trained.heads[Task.ABUSE]
    stored = abuse.to_data()
    wide = (1 << TINY.char_bits) + (1 << TINY.word_bits) + dense
    assert stored["members"][0].coef_.shape[1] == wide
    back = Head.from_data(copy.deepcopy(stored))
    assert np.array_equal(back.members[0].coef_, abuse.members[0].coef_)
    assert back.members[0].coef_.shape[1] == trained.featuriser.n_features


def test_a_head_of_an_artifact_without_the_narrow_block_reads_as_before() -> None:
    # Four values in ``shared``: folded columns of one word block, no column left unread.
    to = shared_columns(4, 3, (2, 1))
    assert to.min() == 0
    assert list(to[:16]) == [c >> 2 for c in range(16)]
    assert list(to[16:24]) == [4 + (c >> 1) for c in range(8)]
    coef = np.arange(4 + 4 + len(SIGNAL_NAMES), dtype=np.float64)[None, :]
    assert np.array_equal(spread(coef, to), coef[:, to])


def _write_feedback(path: Path, lines: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_sites_corrections_teach_the_form_fields(tiny_datasets: Path, tmp_path: Path) -> None:
    # The public sets have no website field, so its weight is 0 until a site's own
    # corrections, with the field filled on the spam and empty on the rest, are trained on.
    spam = [
        {
            "comment": f"Nice article number {i}, very informative.",
            "author": f"seo expert {i}",
            "email": f"x{i}@mail.example",
            "url": f"http://shop{i}.example",
            "label": "spam",
        }
        for i in range(20)
    ]
    ham = [
        {
            "comment": f"Nice article number {i}, very informative.",
            "author": f"Reader {i}",
            "email": f"r{i}@mail.example",
            "url": "",
            "label": "ham",
        }
        for i in range(20, 40)
    ]
    path = _write_feedback(tmp_path / "feedback.jsonl", spam + ham)
    without = train(Corpus(tiny_datasets), TINY, lambda _m: None)
    rows = load_feedback(path)
    assert [(r.task, r.label) for r in rows[:1] + rows[-1:]] == [(Task.SPAM, 1), (Task.SPAM, 0)]
    assert rows[0].url == "http://shop0.example"
    assert rows[0].author == "seo expert 0"
    trained = train(Corpus(tiny_datasets, rows), TINY, lambda _m: None)
    assert trained.rows["feedback"] == 40
    assert without.rows.get("feedback") is None
    before = signal_weights(without)["website field filled"]
    after = signal_weights(trained)["website field filled"]
    assert before == {"spam": 0.0, "abuse": 0.0, "training_mean": 0.0, "in_training_data": False}
    assert after["in_training_data"]
    assert after["spam"] > 0
    # The same text scores higher as spam with the website filled in than without.
    scorer = Scorer.from_heads(trained.featuriser, trained.heads, trained.thresholds, {})
    text = "Nice article number 99, very informative."
    filled, empty = scorer.probabilities(
        [CommentInput(text, author="Reader", url="http://a.example"), CommentInput(text, "Reader")]
    )[:, 0]
    assert filled > empty


def test_feedback_lines_that_cannot_be_read_are_named(tmp_path: Path) -> None:
    cases = {
        "not JSON": "nope\n",
        "needs an object with a comment string": json.dumps({"label": "spam"}) + "\n",
        "label must be spam, abuse or ham": json.dumps({"comment": "x", "label": "ok"}) + "\n",
        "must be strings": json.dumps({"comment": "x", "label": "ham", "url": 3}) + "\n",
    }
    for message, text in cases.items():
        path = tmp_path / "bad.jsonl"
        path.write_text(json.dumps({"comment": "fine", "label": "ham"}) + "\n" + text)
        with pytest.raises(DatasetError, match=f"bad.jsonl:2: .*{message}"):
            load_feedback(path)
    with pytest.raises(DatasetError, match="missing feedback file"):
        load_feedback(tmp_path / "absent.jsonl")


def test_a_dataset_left_out_is_not_trained_on_and_the_card_says_so(
    tiny_datasets: Path, tmp_path: Path
) -> None:
    corpus = Corpus(tiny_datasets)
    full = train(corpus, TINY, lambda _m: None)
    settings = dataclasses.replace(TINY, without=("olid-train",))
    lean = train(corpus, settings, lambda _m: None)
    olid = len(corpus.train_rows(["olid-train"]))
    assert olid > 0
    # OLID's rows are gone from both heads: the abuse head's own, the spam head's negatives.
    assert lean.rows == {task: count - olid for task, count in full.rows.items()}
    assert settings.sources(Task.ABUSE) == ("davidson-hate-offensive", "wiki-toxicity-cat")

    train_and_write(tiny_datasets, tmp_path / "m.skops", settings, say=lambda _m: None)
    card = verify(tmp_path / "m.skops")
    assert card["settings"]["without"] == ["olid-train"]
    assert Settings.from_data(card["settings"]).without == ("olid-train",)
    assert card["data_sources"]["olid-train"]["use"].startswith("left out of training")
    assert "olid-train" not in card["data_sources"]["davidson-hate-offensive"]["use"]
    # Its test rows are still measured, now as a source the model has not seen.
    assert "olid-train" in card["metrics"]["test rows"]
    # In the leave-one-source-out table no model is trained on it: the abuse rows hold out
    # Davidson (trained on Wikipedia), Wikipedia (on Davidson) and OLID (on both).
    table = card["metrics"]["leave-one-source-out vs TF-IDF + LR reference"]
    trained_on = [row["trained_on"] for row in table.values() if row["task"] == "abuse"]
    assert trained_on == [
        "wiki-toxicity-cat",
        "davidson-hate-offensive+wiki-toxicity-cat",
        "davidson-hate-offensive",
    ]


def test_leaving_out_what_a_head_cannot_do_without_is_refused() -> None:
    with pytest.raises(DatasetError, match="spam head needs one of its datasets"):
        Settings(without=("youtube-spam-collection", "sms-spam-collection"))
    with pytest.raises(DatasetError, match="unknown dataset 'imdb'"):
        Settings(without=("imdb",))


def test_a_model_without_the_embedding_reads_the_signals_alone(tiny_datasets: Path) -> None:
    trained = train(
        Corpus(tiny_datasets), dataclasses.replace(TINY, embedding_scale=0.0), lambda _m: None
    )
    assert trained.featuriser.embedding is None
    assert trained.featuriser.dense_width == len(SIGNAL_NAMES)
    data = trained.featuriser.to_data()
    assert data["embedding"] is None
    assert Featuriser.from_data(data).embedding is None
    width = trained.featuriser.n_features
    assert all(len(head.folded()[0]) == width for head in trained.heads.values())
