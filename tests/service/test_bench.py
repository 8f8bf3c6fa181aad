"""`replyguard bench` end to end, in miniature: every server starts, the load is all 201s."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.bench.loadgen import wrk_available

TOOLS = [
    "python",
    pytest.param("wrk", marks=pytest.mark.skipif(not wrk_available(), reason="no wrk")),
]


@pytest.mark.parametrize("tool", TOOLS)
def test_bench_measures_every_server_against_the_baseline(tool: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "service",
            "bench",
            "--seconds",
            "1",
            "--warmup",
            "0.5",
            "--rounds",
            "1",
            "--connections",
            "4",
            "--workers",
            "1,2",
            "--tool",
            tool,
            "--no-scoring",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())["4 connections"]
    servers = ["bare aiohttp", "replyguard, 1 worker", "replyguard, 2 workers"]
    for name in servers:
        entry = report[name]
        assert entry["rps"] > 0, name
        assert entry["not_201"] == 0, name
        assert entry["socket_errors"] == 0, name
        assert len(entry["worker_rss_mib"]) == (2 if "2 workers" in name else 1), name
        assert entry["cpu_us_per_request"]["server"] > 0, name
        assert entry["cores"]["machine"] >= entry["cores"]["server"] * 0.9, name
        assert entry["cpu_us_per_request"]["load_generator"] > 0, name
    for name in servers[1:]:
        assert report[name]["cpu_us_per_request"]["redis"] > 0, name
    assert report["bare aiohttp"]["ratio"] == 1.0
    assert report["replyguard, 2 workers, times one worker"] > 0
    assert report["replyguard, 2 workers, requests per CPU second, times one worker"] > 0
    assert "CPU per request" in done.stdout
    assert "times one worker" in done.stdout
    assert "ratio" in done.stdout
