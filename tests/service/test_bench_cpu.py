"""The benchmark's CPU accounting: a busy process is charged, an idle one is not."""

import os
import subprocess
import sys
import time

from service.bench.cpu import CpuMeter, CpuUse, machine_busy_seconds, process_seconds

_SPIN = "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass\n"
_IDLE = "import time\ntime.sleep(30)\n"
# Spins until it has used this much CPU itself, however busy the machine is.
_SPIN_CPU = "import time\nwhile time.process_time() < 0.5: pass\n"


def _spawn(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def test_a_busy_server_is_charged_and_an_idle_redis_is_not() -> None:
    busy, idle = _spawn(_SPIN), _spawn(_IDLE)
    try:
        time.sleep(0.3)  # both started
        with CpuMeter([busy.pid], idle.pid) as meter:
            time.sleep(1.0)
        use = meter.use
        assert use is not None
        assert 0.2 < use.server <= use.wall * 1.1
        assert use.redis < 0.05
        assert use.machine >= use.server * 0.9
        assert 0.9 < use.wall < 2.0
        cores = use.cores()
        assert 0.2 < cores["server"] <= 1.1
    finally:
        busy.kill()
        idle.kill()
        busy.wait()
        idle.wait()


def test_the_load_generator_is_this_process_and_its_children() -> None:
    with CpuMeter([], None) as meter:
        subprocess.run([sys.executable, "-c", _SPIN_CPU], check=True)
    assert meter.use is not None
    assert meter.use.load_generator >= 0.4
    assert meter.use.server == 0.0


def test_figures_per_request() -> None:
    use = CpuUse(server=2.0, redis=0.5, load_generator=0.25, machine=3.0, wall=2.0)
    assert use.per_request_us(1000) == {"server": 2000.0, "redis": 500.0, "load_generator": 250.0}
    assert use.cores() == {"server": 1.0, "redis": 0.25, "load_generator": 0.125, "machine": 1.5}


def test_a_gone_process_counts_nothing_and_the_machine_counts_up() -> None:
    child = _spawn("pass")
    child.wait()
    assert process_seconds(child.pid) == 0.0
    assert process_seconds(os.getpid()) > 0.0
    before, started = machine_busy_seconds(), time.process_time()
    while time.process_time() - started < 0.3:  # this process busy for 0.3 s of CPU
        pass
    assert machine_busy_seconds() - before >= 0.2
