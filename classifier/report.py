"""``evaluate``: print the tables of a model and write them, with plots, into a folder."""

from __future__ import annotations

import json
from pathlib import Path

from classifier.datasets import Corpus
from classifier.evaluate import test_metrics
from classifier.scorer import Scorer


def run_evaluation(scorer: Scorer, root: Path, out: Path, quick: bool) -> None:
    """Measure ``scorer`` on the test rows of ``root``; tables to stdout and ``out``."""
    corpus = Corpus(root)
    table = test_metrics(scorer.probabilities, corpus, dict(scorer.thresholds))
    out.mkdir(parents=True, exist_ok=True)
    (out / "test_rows.json").write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(table, indent=2))
