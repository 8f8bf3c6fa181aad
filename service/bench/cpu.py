"""Where a run's CPU went: the server's processes, Redis, the load generator, the machine.

Read from /proc (Linux) and getrusage: on a machine with few cores, the workers, Redis and the
load generator compete for the same cores, and these figures show how much each took."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType

_TICK = float(os.sysconf("SC_CLK_TCK"))


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            text = stat.read()
    except OSError:
        return 0.0
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def machine_busy_seconds() -> float:
    """CPU seconds all cores together spent other than idle, since boot."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(x) for x in stat.readline().split()[1:9]]
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    return (sum(values) - values[3] - values[4]) / _TICK


def _own_seconds() -> float:
    """This process and its waited-for children (the load generator, wrk or Python)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        use = resource.getrusage(who)
        total += use.ru_utime + use.ru_stime
    return total


@dataclass(frozen=True, slots=True)
class CpuUse:
    """CPU seconds over one run, by whom, and the run's wall-clock seconds."""

    server: float
    redis: float
    load_generator: float
    machine: float
    wall: float

    def per_request_us(self, requests: int) -> dict[str, float]:
        """Microseconds of CPU per request, by whom."""
        each = 1e6 / max(requests, 1)
        return {
            "server": self.server * each,
            "redis": self.redis * each,
            "load_generator": self.load_generator * each,
        }

    def cores(self) -> dict[str, float]:
        """Cores in use on average over the run, by whom and on the whole machine."""
        wall = max(self.wall, 1e-9)
        return {
            "server": self.server / wall,
            "redis": self.redis / wall,
            "load_generator": self.load_generator / wall,
            "machine": self.machine / wall,
        }


class CpuMeter:
    """Measures the CPU the named processes, this process with its children and the machine
    use inside a ``with`` block."""

    def __init__(self, server_pids: Sequence[int], redis_pid: int | None) -> None:
        self.server_pids = list(server_pids)
        self.redis_pid = redis_pid
        self._start: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)
        self.use: CpuUse | None = None

    def _sample(self) -> tuple[float, float, float, float, float]:
        server = sum(process_seconds(pid) for pid in self.server_pids)
        redis = process_seconds(self.redis_pid) if self.redis_pid is not None else 0.0
        return server, redis, _own_seconds(), machine_busy_seconds(), time.monotonic()

    def __enter__(self) -> CpuMeter:
        self._start = self._sample()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        end = self._sample()
        server, redis, own, machine, wall = (b - a for a, b in zip(self._start, end, strict=True))
        self.use = CpuUse(server, redis, own, machine, wall)
