"""``train``: the corpus in, the verified artifact and its model card out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifier import artifact, card
from classifier.datasets import Corpus
from classifier.report import collect
from classifier.scorer import Scorer
from classifier.train import Progress, Settings, stderr_progress, train


def train_and_write(
    root: Path, out: Path, settings: Settings | None = None, say: Progress | None = None
) -> dict[str, Any]:
    """Train on every training row of ``root``, measure on its test rows, write artifact + card."""
    say = say or stderr_progress()
    say(f"reading datasets from {root}")
    corpus = Corpus(root)
    trained = train(corpus, settings or Settings(), say)
    data = {
        "featuriser": trained.featuriser.to_data(),
        "heads": {task.value: head.to_data() for task, head in trained.heads.items()},
        "thresholds": trained.thresholds,
    }
    scorer = Scorer(trained.featuriser, trained.heads, trained.thresholds, {})
    metrics = collect(scorer.probabilities, root, trained.thresholds, trained.settings, say, corpus)
    info = card.build(trained, root, metrics)
    written = artifact.save(data, out, info, card.markdown(info))
    say(f"wrote {out} ({written['artifact']['bytes'] / 2**20:.1f} MiB)")
    return written
