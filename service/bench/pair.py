"""Two checkouts of the service side by side under the same load: what a code change is worth
on a machine whose speed drifts more from one minute to the next than the change itself.

Both servers run at once (one worker each, a key prefix each in one private Redis), each driven
by its own load generator; each round reads both servers' CPU per request from /proc over the
same seconds, so whatever the machine does falls on both. Then both are started again in the
other order and measured again: the server started second came out some percent cheaper when a
checkout was run against itself, and the geometric mean of the two orders cancels that.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..embedded import EmbeddedRedis
from ..settings import clean_environment
from .cpu import CpuMeter, CpuUse
from .loadgen import LoadResult, run_python, run_wrk
from .posts import run_id
from .runner import Target, form_token

HERE = Path(__file__).resolve().parents[2]  # this checkout: the directory holding service/


def checkout(path: Path) -> Path:
    """``path`` as a checkout of replyguard (its directory holds service/ and classifier/)."""
    path = path.resolve()
    if not (path / "service" / "__main__.py").is_file() or not (path / "classifier").is_dir():
        raise SystemExit(f"bench --against: {path} is not a replyguard checkout")
    return path


def _target(name: str, root: Path, redis_url: str, prefix: str) -> Target:
    env = clean_environment()
    env |= {
        "REPLYGUARD_REDIS_URL": redis_url,
        "REPLYGUARD_KEY_PREFIX": prefix,
        "REPLYGUARD_TRUSTED_PROXIES": "127.0.0.1,::1",
        "REPLYGUARD_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "service", "serve", "--workers", "1"]
    return Target(name, command, env, workers=1, cwd=root)


def _measure(
    target: Target, args: argparse.Namespace, token: str, seconds: float, connections: int
) -> tuple[LoadResult, CpuUse]:
    drive = run_wrk if args.tool == "wrk" else run_python
    with CpuMeter(target.pids(), None) as meter:
        result = drive(target.url, connections, seconds, run_id(), token)
    assert meter.use is not None  # set on leaving the block
    return result, meter.use


def run_pair(args: argparse.Namespace) -> dict[str, object]:
    """Measure this checkout against ``args.against``, both start orders; print and return."""
    other = checkout(args.against)
    connections = max(1, max(args.connections) // 2)
    print(
        f"this checkout ({HERE}) against {other}: one worker each, {connections} connections "
        f"each, {args.seconds:.0f} s rounds, {args.rounds} rounds in each start order, {args.tool}"
    )
    print(f"{'order':<14}{'round':>6}{'this req/s':>12}{'us/req':>8}{'other req/s':>13}"
          f"{'us/req':>8}{'this/other CPU':>16}{'not 201':>9}")  # fmt: skip
    ratios: dict[str, list[float]] = {"other first": [], "this first": []}
    rates: dict[str, list[float]] = {"this": [], "other": []}
    not201 = 0
    with tempfile.TemporaryDirectory(prefix="replyguard-pair-") as tmp:
        embedded = EmbeddedRedis(Path(tmp) / "redis")
        redis_url = embedded.start()
        try:
            for order in ratios:
                this = _target("this", HERE, redis_url, "rg-this:")
                that = _target("other", other, redis_url, "rg-other:")
                started = [that, this] if order == "other first" else [this, that]
                try:
                    for target in started:
                        target.start()
                        target.wait_ready()
                    (this_token, min_seconds), (that_token, _) = form_token(this), form_token(that)
                    time.sleep(min_seconds + 0.2)
                    driven = ((this, this_token), (that, that_token))
                    with ThreadPoolExecutor(2) as pool:
                        for round_no in range(args.rounds + 1):  # the first warms both up
                            seconds = args.warmup if round_no == 0 else args.seconds
                            a, b = (
                                pool.submit(_measure, t, args, token, seconds, connections)
                                for t, token in driven
                            )
                            (this_load, this_cpu), (that_load, that_cpu) = a.result(), b.result()
                            if round_no == 0:
                                continue
                            this_us = this_cpu.per_request_us(this_load.requests)["server"]
                            that_us = that_cpu.per_request_us(that_load.requests)["server"]
                            ratios[order].append(this_us / max(that_us, 1e-9))
                            rates["this"].append(this_load.rate)
                            rates["other"].append(that_load.rate)
                            refused = this_load.non201 + that_load.non201
                            not201 += refused
                            print(
                                f"{order:<14}{round_no:>6}{this_load.rate:>12.0f}{this_us:>8.0f}"
                                f"{that_load.rate:>13.0f}{that_us:>8.0f}"
                                f"{ratios[order][-1]:>16.3f}{refused:>9}",
                                flush=True,
                            )
                finally:
                    for target in started:
                        target.stop()
        finally:
            embedded.stop()
    medians = {order: statistics.median(values) for order, values in ratios.items()}
    estimate = math.sqrt(medians["other first"] * medians["this first"])
    bias = math.sqrt(medians["other first"] / medians["this first"])
    print(
        f"\nCPU per request, this checkout / the other: {estimate:.3f} "
        f"(medians {medians['other first']:.3f} with the other started first, "
        f"{medians['this first']:.3f} with this one first; the second started looked "
        f"{abs(1 - bias):.1%} {'cheaper' if bias < 1 else 'dearer'} than it is)"
    )
    print(
        f"requests per second side by side: this {min(rates['this']):.0f} to "
        f"{max(rates['this']):.0f}, the other {min(rates['other']):.0f} to "
        f"{max(rates['other']):.0f}; answers other than 201: {not201}"
    )
    return {
        "against": str(other),
        "cpu_per_request_this_over_other": estimate,
        "medians_by_order": medians,
        "ratios_by_order": ratios,
        "rps": rates,
        "not_201": not201,
    }
