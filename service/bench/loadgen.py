"""Load generators: wrk (Debian's package) when present, else an asyncio one in Python."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiohttp
import numpy as np

from .posts import post_body


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One run's figures."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non201: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(url: str, connections: int, seconds: float, run: str, token: str) -> LoadResult:
    """Drive ``url`` with wrk and the post script; distinct posts per run id."""
    script = resources.files("service.bench").joinpath("post.lua")
    with resources.as_file(script) as path:
        done = subprocess.run(  # noqa: S603 - a fixed tool and our own script
            [
                str(shutil.which("wrk")),
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(Path(path)),
                "--timeout",
                "10s",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={"RG_RUN": run, "RG_TOKEN": token, "PATH": "/usr/bin:/bin"},
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    data = json.loads(line.removeprefix("RESULT "))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1e3,
        p99_ms=data["p99_us"] / 1e3,
        non201=data["non201"],
        socket_errors=data["socket_errors"],
    )


def run_python(url: str, connections: int, seconds: float, run: str, token: str) -> LoadResult:
    """The same load from Python (slower than wrk, so it caps what can be measured)."""
    return asyncio.run(_python_load(url, connections, seconds, run, token))


async def _python_load(
    url: str, connections: int, seconds: float, run: str, token: str
) -> LoadResult:
    latencies: list[float] = []
    counts = {"non201": 0, "errors": 0}
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(slot: int) -> None:
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                body, ip = post_body(run, slot, n, token)
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Forwarded-For": ip,
                }
                started = time.perf_counter()
                try:
                    async with session.post(url + "comments", data=body, headers=headers) as r:
                        await r.read()
                        counts["non201"] += r.status != 201
                except aiohttp.ClientError:
                    counts["errors"] += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(connections)))
        elapsed = time.perf_counter() - started
    lat = np.array(latencies) * 1e3 if latencies else np.zeros(1)
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=float(np.percentile(lat, 50)),
        p99_ms=float(np.percentile(lat, 99)),
        non201=counts["non201"],
        socket_errors=counts["errors"],
    )
