"""The artifact is verified before anything is built from it."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from classifier import spamphrases
from classifier.artifact import ArtifactError, card_paths, load, save, verify
from classifier.card import CHECK_SETS, markdown
from classifier.datasets import LOADERS
from classifier.datasets import SOURCES as TRAINED_ON
from classifier.features import NgramHasher
from classifier.provenance import SOURCES
from classifier.scorer import Scorer
from classifier.signals import SIGNAL_NAMES, CommentInput
from classifier.spamphrases import SPAM_PHRASES


def _copy(model: Path, tmp_path: Path) -> Path:
    for source in (model, *card_paths(model)):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / model.name


def test_card_records_checksum_version_and_metrics(tiny_model: Path) -> None:
    card = verify(tiny_model)
    assert card["version"].endswith(card["artifact"]["sha256"][:8])
    assert set(card["thresholds"]) == {"spam_hold", "spam", "abuse_hold", "abuse_reject"}
    assert "test rows" in card["metrics"]
    assert card_paths(tiny_model)[1].read_text().startswith("# Model card")


def test_card_names_every_dataset_its_use_citation_and_terms(tiny_model: Path) -> None:
    card = verify(tiny_model)
    sources = card["data_sources"]
    # Every dataset a loader reads or a check scores has its provenance in the card.
    assert set(sources) == set(LOADERS) | set(CHECK_SETS)
    assert set(SOURCES) == set(sources)
    for task, names in TRAINED_ON.items():
        for name in names:
            assert f"{task.value} head" in sources[name]["use"]
    for name in CHECK_SETS:
        assert sources[name]["use"] == "scored by the checks, never trained on"
    # The abuse sources join the spam head as its negatives (Settings.negatives).
    assert "spam head, as comments that are not spam" in sources["olid-train"]["use"]
    text = card_paths(tiny_model)[1].read_text()
    assert "## Data sources and their terms" in text
    assert "## Intended use and limits" in text
    for name in sources:
        assert f"`{name}`" in text
        assert SOURCES[name].citation in text
        assert SOURCES[name].terms in text
    assert "research" in sources["olid-train"]["terms"]


def test_card_of_an_older_model_renders_without_sources(tiny_model: Path) -> None:
    card = dict(verify(tiny_model))
    del card["data_sources"]
    text = markdown(card)
    assert text.startswith("# Model card")
    assert "## Data sources" not in text


def test_tampered_artifact_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model, tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="does not match its card"):
        Scorer.load(path)


def test_other_library_version_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    path = _copy(tiny_model, tmp_path)
    card_path = card_paths(path)[0]
    card = json.loads(card_path.read_text())
    card["libraries"]["scikit-learn"] = "0.1"
    card_path.write_text(json.dumps(card))
    with pytest.raises(ArtifactError, match=r"scikit-learn 0\.1"):
        Scorer.load(path)


def test_missing_files_are_clear_errors(tiny_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="missing"):
        Scorer.load(tmp_path / "nothing.skops")
    path = _copy(tiny_model, tmp_path)
    card_paths(path)[0].unlink()
    with pytest.raises(ArtifactError, match="card"):
        Scorer.load(path)


def test_card_carries_every_table(tiny_model: Path) -> None:
    metrics = verify(tiny_model)["metrics"]
    loso = metrics["leave-one-source-out vs TF-IDF + LR reference"]
    assert set(loso) == {
        f"{name} (held out)"
        for name in (
            "youtube-spam-collection",
            "sms-spam-collection",
            "davidson-hate-offensive",
            "olid-train",
            "wiki-toxicity-cat",
        )
    }
    assert all("reference_roc_auc" in row for row in loso.values())
    assert "abuse vs alt-profanity-check (test rows)" in metrics
    assert "gap" in metrics["fairness: identity comments"]
    assert "gay" in metrics["fairness: madlibs per identity term"]


def test_a_model_of_another_feature_layout_is_refused(tiny_model: Path) -> None:
    scorer = Scorer.load(tiny_model)
    tables = scorer.tables()
    weights, bias = tables["weights"], tables["bias"]
    fewer = dataclasses.replace(scorer.featuriser, signal_mean=scorer.featuriser.signal_mean[:-2])
    with pytest.raises(ArtifactError, match=f"trained with {len(SIGNAL_NAMES) - 2} signals"):
        Scorer(fewer, weights, bias, scorer.thresholds, scorer.card)
    hasher = scorer.featuriser.hasher
    narrower = dataclasses.replace(
        scorer.featuriser,
        hasher=NgramHasher(hasher.char_bits, hasher.word_bits - 1),
    )
    with pytest.raises(ArtifactError, match="heads read"):
        Scorer(narrower, weights, bias, scorer.thresholds, scorer.card)


def test_card_shows_each_signals_weight_and_which_no_training_row_had(tiny_model: Path) -> None:
    card = verify(tiny_model)
    scorer = Scorer.load(tiny_model)
    weights = card["signal_weights"]
    assert set(weights) == set(SIGNAL_NAMES)
    at = scorer.featuriser.n_features - scorer.featuriser.dense_width
    for i, name in enumerate(SIGNAL_NAMES):
        row = weights[name]
        for column, head in enumerate(("spam", "abuse")):
            # The card's figure is the weight the scorer really applies.
            assert row[head] == pytest.approx(scorer._weights[at + i, column], rel=1e-6, abs=1e-9)
        assert row["in_training_data"] == (scorer.featuriser.signal_mean[i] != 0)
    # The training sets carry no website field: that signal is unseen, and so has no weight.
    website = weights["website field filled"]
    assert website["in_training_data"] is False
    assert website["spam"] == website["abuse"] == 0
    assert weights["length"]["in_training_data"] is True
    text = card_paths(tiny_model)[1].read_text()
    assert "## Signal weights" in text
    assert "| website field filled | 0.000 | 0.000 | 0.0000 | no |" in text
    assert "Note: alt-profanity-check was trained on every row of the Davidson set" in text
    assert "No training row shows: link in author name, website field filled" in text


def test_the_artifact_carries_the_phrase_list_it_was_trained_with(tiny_model: Path) -> None:
    card = verify(tiny_model)
    scorer = Scorer.load(tiny_model)
    assert scorer.featuriser.spam_phrases == SPAM_PHRASES
    listed = card["features"]["spam_phrases"]
    assert listed["count"] == len(SPAM_PHRASES)
    assert listed["sha256"] == spamphrases.digest(SPAM_PHRASES)
    # Scoring matches the stored list, not the one in the code: a model is what it was trained as.
    spammy = [CommentInput("Great post, thanks for sharing!")]
    assert scorer.featuriser.rows(spammy).dense[0, SIGNAL_NAMES.index("spam phrases")] != 0
    without = dataclasses.replace(scorer.featuriser, spam_phrases=())
    assert without.rows(spammy).dense[0, SIGNAL_NAMES.index("spam phrases")] == pytest.approx(
        -scorer.featuriser.signal_mean[SIGNAL_NAMES.index("spam phrases")]
    )


def test_an_artifact_of_an_older_signal_layout_is_refused_on_load(
    tiny_model: Path, tmp_path: Path
) -> None:
    # A site's own model trained by an older version (one signal fewer): a clear startup
    # error, not an index error from the heads' stored columns.
    data, card = load(tiny_model)
    data["featuriser"]["signal_mean"] = data["featuriser"]["signal_mean"][:-1]
    path = tmp_path / "older.skops"
    save(data, path, dict(card), "# Model card\n")
    with pytest.raises(ArtifactError, match=f"trained with {len(SIGNAL_NAMES) - 1} signals"):
        Scorer.load(path)
