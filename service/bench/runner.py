"""Runs the load benchmark: a private Redis, the baseline and the service, in alternation."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import redis

from ..embedded import EmbeddedRedis
from ..keys import Keys
from ..redisclient import as_str
from ..schemas import CommentRecord, Status
from ..settings import clean_environment
from .cpu import CpuMeter, CpuUse
from .loadgen import LoadResult, run_python, run_wrk, wrk_available
from .posts import run_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _memory_mib(pid: int) -> tuple[float, float]:
    """A process's resident memory and the private part of it (anonymous pages), in MiB.

    The rest is file pages: the code of Python and its libraries, and the arrays of the
    model's compiled copy, which every worker maps from one file and shares."""
    fields: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon"):
                    fields[key] = int(value.split()[0]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return fields.get("VmRSS", float("nan")), fields.get("RssAnon", float("nan"))


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return []
    return [int(x) for x in text.split()]


@dataclass
class Target:
    """One server under test: the baseline or the service with some number of workers."""

    name: str
    command: list[str]
    env: dict[str, str]
    workers: int = 0  # 0: the baseline
    processes: int = 1  # the baseline's processes
    port: int = field(default_factory=_free_port)
    cwd: Path | None = None  # where it runs: a checkout other than this one (bench --against)
    process: subprocess.Popen[bytes] | None = None
    results: dict[int, list[LoadResult]] = field(default_factory=dict)
    lags: dict[int, list[float]] = field(default_factory=dict)
    cpu: dict[int, list[CpuUse]] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    answered: int = 0  # 201s the load generator received in the measured runs
    cut_off: int = 0  # at most this many posts were in flight when a load generator stopped

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            [*self.command, "--port", str(self.port)],
            env=self.env,
            cwd=self.cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "readyz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready within {timeout:.0f} s")

    def worker_memory(self) -> list[tuple[float, float]]:
        """(resident, private) MiB of each worker (of the process, when it has none)."""
        if self.process is None:
            return []
        pids = _children(self.process.pid) or [self.process.pid]
        return [_memory_mib(pid) for pid in pids]

    def pids(self) -> list[int]:
        """The server's processes: the parent and its workers."""
        if self.process is None:
            return []
        return [self.process.pid, *_children(self.process.pid)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def form_token(target: Target) -> tuple[str, float]:
    with urllib.request.urlopen(target.url + "form-token?post=4127", timeout=5) as answer:  # noqa: S310
        given = json.loads(answer.read())
    return str(given["token"]), float(given["min_seconds"])


def _targets(workers: Sequence[int], redis_url: str) -> list[Target]:
    base_env = clean_environment()
    python = sys.executable
    baseline = [python, "-m", "service.bench.baseline"]
    targets = [Target("bare aiohttp", baseline, base_env)]
    # The same plain server in as many processes as the service has workers: what the machine
    # gives a second process at all, beside the load generator, measured in the same run.
    for count in workers:
        if count > 1:
            name = f"bare aiohttp, {count} processes"
            command = [*baseline, "--processes", str(count)]
            targets.append(Target(name, command, base_env, processes=count))
    for count in workers:
        env = {
            **base_env,
            "REPLYGUARD_REDIS_URL": redis_url,
            "REPLYGUARD_TRUSTED_PROXIES": "127.0.0.1,::1",
        }
        command = [python, "-m", "service", "serve", "--workers", str(count)]
        name = f"replyguard, {count} worker{'s' * (count > 1)}"
        targets.append(Target(name, command, env, workers=count))
    return targets


class LagProbe:
    """Asks /healthz every 20 ms during a run: how long a trivial request waits shows how long
    the event loop is kept busy (by scoring, for instance)."""

    def __init__(self, url: str) -> None:
        self.url = url + "healthz"
        self.times: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=5) as answer:  # noqa: S310
                    answer.read()
            except OSError:
                continue
            self.times.append((time.perf_counter() - started) * 1e3)

    def __enter__(self) -> LagProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def p99(self) -> float:
        return float(np.percentile(self.times, 99)) if self.times else float("nan")


def _decisions(store: redis.Redis | None) -> dict[str, int]:
    """How many comments the private Redis holds in each status."""
    if store is None:
        return {}
    keys = Keys()
    return {status.value: int(store.zcard(keys.queue(status))) for status in Status}


def _settled_decisions(store: redis.Redis | None, timeout: float = 5.0) -> dict[str, int]:
    """``_decisions`` once the server has stored the posts still in flight when the load
    generator stopped (two reads 0.1 s apart agree)."""
    counts = _decisions(store)
    deadline = time.monotonic() + timeout
    while store is not None and time.monotonic() < deadline:
        time.sleep(0.1)
        again = _decisions(store)
        if again == counts:
            break
        counts = again
    return counts


_REWRITE_FROM = 32 << 20  # bytes of append-only file; Redis itself rewrites from 64 MiB


def settle_redis(store: redis.Redis, timeout: float = 300.0) -> bool:
    """Have the private Redis rewrite its append-only file now, between runs, once the file
    has grown by half since its last rewrite, and wait for it; whether it did. Redis would
    rewrite it on its own each time it doubles (a fork, then seconds of a core), in whichever
    server's run that happened to fall, and that run would pay for it. So its own rewrites are
    turned off here, for the bench's Redis alone (``run_load`` also does so as soon as it
    starts). A rewrite already under way is waited for, not asked for twice."""
    store.config_set("auto-aof-rewrite-percentage", 0)
    deadline = time.monotonic() + timeout
    info = _rewritten(store, deadline)
    if not info.get("aof_enabled"):
        return False
    current, base = int(info.get("aof_current_size", 0)), int(info.get("aof_base_size", 0))
    if current < _REWRITE_FROM or current - base < base // 2:
        return False
    store.bgrewriteaof()
    _rewritten(store, deadline)
    return True


def _rewritten(store: redis.Redis, deadline: float) -> dict[str, Any]:
    """Redis's persistence figures once no append-only file rewrite is under way or due."""
    while True:
        info: dict[str, Any] = store.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            return info
        if time.monotonic() >= deadline:
            raise RuntimeError("Redis did not finish rewriting its append-only file in time")
        time.sleep(0.1)


def _forks(store: redis.Redis) -> int:
    """How many times Redis has forked (to rewrite or save its files) since it started."""
    return int(store.info("stats").get("total_forks", 0))


def _load(
    target: Target,
    args: argparse.Namespace,
    token: str,
    seconds: float,
    connections: int,
    redis_pid: int | None,
) -> tuple[LoadResult, float, CpuUse]:
    run = run_id()
    drive = run_wrk if args.tool == "wrk" else run_python
    with LagProbe(target.url) as probe, CpuMeter(target.pids(), redis_pid) as meter:
        result = drive(target.url, connections, seconds, run, token)
    assert meter.use is not None  # set on leaving the block
    return result, probe.p99(), meter.use


def _report(
    targets: Sequence[Target], args: argparse.Namespace, connections: int
) -> dict[str, object]:
    baseline = statistics.median(r.rate for r in targets[0].results[connections])
    print(
        f"\nload: {connections} connection{'s' * (connections > 1)}, {args.seconds:.0f} s per "
        f"run, {args.rounds} rounds in alternation, {args.tool}; medians over the rounds"
    )
    header = f"{'server':<24}{'req/s':>9}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'not 201':>9}"
    print(header + f"{'errors':>8}{'healthz p99':>13}  worker RSS (private) MiB")
    report: dict[str, object] = {"baseline_rps": baseline}
    for target in targets:
        results = target.results[connections]
        rate = statistics.median(r.rate for r in results)
        p50 = statistics.median(r.p50_ms for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        not201 = sum(r.non201 for r in results)
        errors = sum(r.socket_errors for r in results)
        sizes = target.worker_memory()
        memory = ", ".join(f"{r:.0f} ({p:.0f})" for r, p in sizes)
        lag = statistics.median(target.lags[connections])
        print(
            f"{target.name:<24}{rate:>9.0f}{rate / baseline:>8.3f}{p50:>9.2f}{p99:>9.2f}"
            f"{not201:>9}{errors:>8}{lag:>10.2f} ms  {memory}"
        )
        report[target.name] = {
            "rps": rate,
            "ratio": rate / baseline,
            "p50_ms": p50,
            "p99_ms": p99,
            "not_201": not201,
            "socket_errors": errors,
            "healthz_p99_ms": lag,
            "worker_rss_mib": [r for r, _ in sizes],
            "worker_private_mib": [p for _, p in sizes],
            "runs": [r.rate for r in results],
        }
    _cpu_report(targets, connections, report)
    if connections > 1:  # one connection keeps one process busy at a time, whatever the count
        report.update(_scaling(targets, connections))
    return report


def _cpu_figures(target: Target, connections: int) -> dict[str, dict[str, float]]:
    """Medians over the rounds: CPU microseconds per request and cores in use, by whom."""
    runs = list(zip(target.results[connections], target.cpu[connections], strict=True))
    per_request = [cpu.per_request_us(result.requests) for result, cpu in runs]
    cores = [cpu.cores() for _, cpu in runs]
    return {
        "cpu_us_per_request": {
            k: statistics.median(x[k] for x in per_request) for k in per_request[0]
        },
        "cores": {k: statistics.median(x[k] for x in cores) for k in cores[0]},
    }


def _cpu_report(targets: Sequence[Target], connections: int, report: dict[str, object]) -> None:
    """Where the CPU went: per request, by the server, Redis and the load generator, and how
    many of the machine's cores were busy."""
    cores = os.cpu_count() or 1
    print(f"\nCPU per request in microseconds, and cores in use (of {cores}); medians")
    print(
        f"{'server':<24}{'server':>9}{'Redis':>8}{'load gen':>10}"
        f"{'server cores':>14}{'Redis':>7}{'load gen':>10}{'machine':>9}"
    )
    for target in targets:
        figures = _cpu_figures(target, connections)
        us, busy = figures["cpu_us_per_request"], figures["cores"]
        print(
            f"{target.name:<24}{us['server']:>9.0f}{us['redis']:>8.0f}{us['load_generator']:>10.0f}"
            f"{busy['server']:>14.2f}{busy['redis']:>7.2f}{busy['load_generator']:>10.2f}"
            f"{busy['machine']:>9.2f}"
        )
        entry = report[target.name]
        assert isinstance(entry, dict)
        entry.update(figures)


def _scaling(targets: Sequence[Target], connections: int) -> dict[str, float]:
    """How the bare app in several processes compares with one process (what the machine gives
    a second process), and several workers with one, in requests per second and per second of
    the workers' CPU (printed, and returned by name), and whether each worker had a core."""
    cores = os.cpu_count() or 1
    scaling: dict[str, float] = {}
    bare = statistics.median(r.rate for r in targets[0].results[connections])
    for target in targets:
        if target.processes > 1:
            times = statistics.median(r.rate for r in target.results[connections]) / bare
            busy = _cpu_figures(target, connections)["cores"]
            print(
                f"{target.name}: {times:.2f} times one process's requests per second, what this "
                f"machine gives a second process of the plainest server ({cores} cores, "
                f"{busy['machine']:.2f} busy, {busy['server']:.2f} of them the server)"
            )
            scaling[f"{target.name}, times one process"] = times
    one = next((t for t in targets if t.workers == 1), None)
    if one is None:
        return scaling
    single = statistics.median(r.rate for r in one.results[connections])
    single_us = _cpu_figures(one, connections)["cpu_us_per_request"]["server"]
    for target in targets:
        if target.workers <= 1:
            continue
        times = statistics.median(r.rate for r in target.results[connections]) / single
        figures = _cpu_figures(target, connections)
        efficiency = single_us / max(figures["cpu_us_per_request"]["server"], 1e-9)
        busy = figures["cores"]
        others = busy["machine"] - busy["server"]
        if target.workers + 1 > cores:
            room = f"{cores} cores for {target.workers} workers, Redis and the load generator"
        else:
            room = f"{cores} cores, a core for each worker"
        print(
            f"{target.name}: {times:.2f} times one worker's requests per second, "
            f"{efficiency:.2f} times its requests per CPU second ({room}: "
            f"{busy['machine']:.2f} cores busy, {busy['server']:.2f} of them the workers, "
            f"{others:.2f} Redis, the load generator and the rest)"
        )
        scaling[f"{target.name}, times one worker"] = times
        scaling[f"{target.name}, requests per CPU second, times one worker"] = efficiency
    return scaling


def _report_decisions(targets: Sequence[Target], store: redis.Redis) -> dict[str, dict[str, int]]:
    """What the service decided for the measured posts: all of them should be approved, so
    that every run takes the whole path (rules, model, the write onto the approved stream);
    the reasons of any that were not are listed, with one of their comments."""
    print("\ndecisions on the measured posts (read from the private Redis):")
    decided = {t.name: dict(t.decisions) for t in targets if t.workers}
    for name, counts in decided.items():
        shown = ", ".join(f"{status} {count}" for status, count in counts.items())
        print(f"{name:<24}  {shown}")
    for reason, (count, example) in reasons_not_approved(store).items():
        print(f"  not approved, {count}: {reason} (e.g. {example!r})")
    return decided


def _report_stored(targets: Sequence[Target]) -> dict[str, dict[str, int]]:
    """Every post answered 201 must be in Redis: the comments stored during the measured runs
    against the 201s received. A few more may be stored than answered: wrk stops with requests
    in flight, which the service still stores but nobody reads the answer of."""
    stored: dict[str, dict[str, int]] = {}
    for target in targets:
        if not target.workers:
            continue
        count = sum(target.decisions.values())
        stored[target.name] = {
            "stored": count,
            "answered_201": target.answered,
            "cut_off_at_most": target.cut_off,
        }
        extra = count - target.answered
        if extra < 0:
            verdict = f"{-extra} answered 201 but NOT STORED"
        elif extra <= target.cut_off:
            verdict = f"{extra} more stored than answered, of at most {target.cut_off} in flight"
            verdict += " when the load generator stopped"
        else:
            verdict = f"{extra} more stored than answered: more than the {target.cut_off} in flight"
            verdict += " when the load generator stopped"
        print(f"{target.name:<24}  stored {count}, answered 201 {target.answered}: {verdict}")
    return stored


def reasons_not_approved(
    store: redis.Redis, keys: Keys | None = None, limit: int = 1000
) -> dict[str, tuple[int, str]]:
    """Each reason of the (first ``limit``) comments stored as other than approved: how many
    comments carry it, and one comment's text with its scores."""
    keys = keys or Keys()
    found: dict[str, tuple[int, str]] = {}
    for status in Status:
        if status is Status.APPROVED:
            continue
        for comment_id in store.zrange(keys.queue(status), 0, limit - 1):
            raw = store.hget(keys.comment(as_str(comment_id)), "record")
            if raw is None:
                continue
            record = CommentRecord.model_validate_json(raw)
            scores = record.scores
            seen = f"{record.content} (spam {scores.spam:.3f}, abuse {scores.abuse:.3f})"
            for reason in record.reasons:
                label = f"{status.value}: {reason.code}"
                count, example = found.get(label, (0, seen))
                found[label] = (count + 1, example)
    return found


def run_load(args: argparse.Namespace) -> dict[str, object]:
    """Start everything, warm up, measure in alternation, print the table."""
    with tempfile.TemporaryDirectory(prefix="replyguard-bench-") as tmp:
        embedded = EmbeddedRedis(Path(tmp) / "redis")
        redis_url = embedded.start()
        targets = _targets(args.workers, redis_url)
        redis_pid = embedded.process.pid if embedded.process is not None else None
        store = redis.Redis.from_url(redis_url)
        store.config_set("auto-aof-rewrite-percentage", 0)  # see settle_redis
        try:
            for target in targets:
                target.start()
            for target in targets:
                target.wait_ready()
            token, min_seconds = form_token(next(t for t in targets if t.workers))
            time.sleep(min_seconds + 0.2)
            for target in targets:
                _load(target, args, token, args.warmup, max(args.connections), redis_pid)
            for connections in args.connections:
                for round_no in range(args.rounds):
                    for target in targets:
                        settle_redis(store)
                        forks = _forks(store)
                        before = _decisions(store if target.workers else None)
                        result, lag, cpu = _load(
                            target, args, token, args.seconds, connections, redis_pid
                        )
                        after = _settled_decisions(store if target.workers else None)
                        target.answered += result.requests - result.non201
                        if args.tool == "wrk":  # it leaves the requests in flight unanswered
                            target.cut_off += connections
                        else:  # the Python generator counts a failed request as one made
                            target.answered -= result.socket_errors
                        forked = _forks(store) - forks
                        for status, count in after.items():
                            target.decisions[status] = (
                                target.decisions.get(status, 0) + count - before[status]
                            )
                        target.results.setdefault(connections, []).append(result)
                        target.lags.setdefault(connections, []).append(lag)
                        target.cpu.setdefault(connections, []).append(cpu)
                        print(
                            f"{connections:>3} conn, round {round_no + 1}: {target.name:<24} "
                            f"{result.rate:8.0f} req/s, p99 {result.p99_ms:6.1f} ms, "
                            f"not 201: {result.non201}"
                            + (f", Redis forked {forked} times meanwhile" if forked else ""),
                            flush=True,
                        )
            report: dict[str, object] = {
                f"{connections} connections": _report(targets, args, connections)
                for connections in args.connections
            }
            report["decisions"] = _report_decisions(targets, store)
            report["stored"] = _report_stored(targets)
            return report
        finally:
            for target in targets:
                target.stop()
            store.close()
            embedded.stop()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The bench command's options."""
    parser.add_argument(
        "--connections",
        type=lambda v: [int(x) for x in v.split(",")],
        # 64: each of two workers then has 32 requests in flight, as one worker has at 32.
        default=[32, 64, 1],
        help="comma-separated connection counts (default 32,64,1)",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds, per server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[1, 2],
        help="comma-separated worker counts to measure (default 1,2)",
    )
    parser.add_argument(
        "--tool", choices=["wrk", "python"], default="wrk" if wrk_available() else "python"
    )
    parser.add_argument("--no-scoring", action="store_true", help="skip the scoring benchmark")
    parser.add_argument(
        "--against",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="instead: this checkout's service and the one in CHECKOUT (another version of "
        "replyguard) side by side under the same load, their CPU per request compared",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")


def main(args: argparse.Namespace) -> int:
    """`replyguard bench`."""
    if args.against is not None:
        from .pair import run_pair

        report = run_pair(args)
        if args.json is not None:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return 0
    report = run_load(args)
    if not args.no_scoring:
        from .scoring import run_scoring

        print()
        report["scoring"] = run_scoring()
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    stored = report["stored"]
    assert isinstance(stored, dict)
    lost = unstored(stored)
    if lost:
        print(f"{lost} posts answered 201 are not in Redis", file=sys.stderr)
        return 1
    return 0


def unstored(stored: dict[str, dict[str, int]]) -> int:
    """How many posts answered 201 the private Redis does not hold (``_report_stored``'s
    figures): the bench fails if any, since an answered comment must never be lost."""
    return sum(max(0, kept["answered_201"] - kept["stored"]) for kept in stored.values())
