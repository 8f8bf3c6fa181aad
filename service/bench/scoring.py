"""The scoring part of the benchmark: the model alone, and what explanations add."""

from __future__ import annotations

import statistics
import time

from classifier import bench as model_bench
from classifier.scorer import Scorer


def _per_comment_ms(scorer: Scorer, batch: int, explain: int, seconds: float) -> float:
    items = model_bench.comments(batch * 8, seed=1)
    blocks = [items[i : i + batch] for i in range(0, len(items), batch)]
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    k = 0
    while time.perf_counter() < deadline or len(times) < 5:
        started = time.perf_counter()
        scorer.score(blocks[k % len(blocks)], explain=explain)
        times.append((time.perf_counter() - started) / batch * 1e3)
        k += 1
    return statistics.median(times)


def run_scoring(seconds: float = 2.0) -> dict[str, float]:
    """The classifier's micro-benchmark, then the cost of the explanations the service keeps."""
    figures = model_bench.run(seconds=seconds)
    scorer = Scorer.load()
    print("\nper comment, both heads, with the service's explanations (top 5 per head):")
    print(f"{'batch':>7}{'scores ms':>12}{'with explanations ms':>23}{'ratio':>8}")
    for batch in (1, 32, 256):
        plain = _per_comment_ms(scorer, batch, 0, seconds / 2)
        explained = _per_comment_ms(scorer, batch, 5, seconds / 2)
        figures[f"explain.batch{batch}.plain_ms"] = plain
        figures[f"explain.batch{batch}.explained_ms"] = explained
        print(f"{batch:>7}{plain:>12.3f}{explained:>23.3f}{explained / plain:>8.2f}x")
    return figures
