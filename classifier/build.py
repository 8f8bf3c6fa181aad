"""``train``: the corpus in, the verified artifact and its model card out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifier import artifact, card
from classifier.datasets import Corpus, load_feedback
from classifier.report import collect
from classifier.scorer import Scorer
from classifier.train import Progress, Settings, stderr_progress, train


def train_and_write(
    root: Path,
    out: Path,
    settings: Settings | None = None,
    say: Progress | None = None,
    feedback: Path | None = None,
) -> dict[str, Any]:
    """Train on every training row of ``root`` (and a site's corrections in ``feedback``),
    measure on its test rows, write artifact + card."""
    say = say or stderr_progress()
    say(f"reading datasets from {root}")
    extra = load_feedback(feedback) if feedback is not None else []
    if feedback is not None:
        say(f"{len(extra)} corrections from {feedback}")
    corpus = Corpus(root, extra)
    trained = train(corpus, settings or Settings(), say)
    data = {
        "featuriser": trained.featuriser.to_data(),
        "heads": {task.value: head.to_data() for task, head in trained.heads.items()},
        "thresholds": trained.thresholds,
    }
    scorer = Scorer.from_heads(trained.featuriser, trained.heads, trained.thresholds, {})
    metrics = collect(scorer.probabilities, root, trained.thresholds, trained.settings, say, corpus)
    info = card.build(trained, root, metrics, feedback)
    written = artifact.save(data, out, info, card.markdown(info))
    say(f"wrote {out} ({written['artifact']['bytes'] / 2**20:.1f} MiB)")
    return written
