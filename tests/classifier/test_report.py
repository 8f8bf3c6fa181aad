"""``evaluate`` writes its tables and ROC/PR plots, alt-profanity-check beside ours."""

import json
from pathlib import Path

from classifier.report import run_evaluation
from classifier.scorer import Scorer


def test_quick_evaluation_writes_tables_and_plots(
    tiny_model: Path, tiny_datasets: Path, tmp_path: Path
) -> None:
    run_evaluation(Scorer.load(tiny_model), tiny_datasets, tmp_path, quick=True)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert set(metrics["test rows"]) >= {"youtube-spam-collection", "olid-train"}
    assert "leave-one-source-out vs TF-IDF + LR reference" not in metrics
    olid = metrics["test rows"]["olid-train"]
    assert 0.0 <= olid["benign_held"] <= 1.0
    assert 0.0 <= olid["recall_at_hold"] <= 1.0
    assert "abuse vs alt-profanity-check (test rows)" in metrics
    assert (tmp_path / "olid-train-roc.png").stat().st_size > 1000
    assert (tmp_path / "sms-spam-collection-pr.png").is_file()
    assert (tmp_path / "metrics.md").read_text().startswith("# Evaluation of model")
