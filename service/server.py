"""`replyguard serve`: the embedded Redis when none is configured, then one or N workers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aiohttp import web

from classifier import compiled
from classifier.scorer import Scorer

from .app import create_app
from .drain import InFlight
from .embedded import EmbeddedRedis
from .settings import Settings

log = logging.getLogger(__name__)

_RESTART_WINDOW = 10.0  # a worker that dies sooner than this after starting counts as a crash loop
_MAX_QUICK_DEATHS = 3


@contextlib.contextmanager
def redis_for(settings: Settings) -> Iterator[Settings]:
    """The settings with a Redis URL: the configured one, or an embedded server's."""
    if settings.redis_url is not None:
        yield settings
        return
    with EmbeddedRedis(settings.data_dir, settings.embedded_appendfsync) as url:
        yield settings.model_copy(update={"redis_url": url})


def serve(
    settings: Settings, host: str, port: int, workers: int, settings_file: Path | None = None
) -> int:
    """Run until SIGTERM or SIGINT, then shut down cleanly: requests, workers, Redis."""
    with redis_for(settings) as ready:
        if workers == 1:
            run_worker(ready, host, port, reuse_port=False)
            return 0
        return Supervisor(ready, host, port, workers, settings_file).run()


_GC_YOUNG_THRESHOLD = 10_000


def run_worker(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    """One worker process: serve until asked to stop, finishing requests in flight."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - not on Windows
        asyncio.run(_serve_app(settings, host, port, reuse_port))
    else:
        uvloop.run(_serve_app(settings, host, port, reuse_port))


async def _serve_app(settings: Settings, host: str, port: int, reuse_port: bool) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    app = create_app(settings)
    in_flight = InFlight()
    in_flight.install(app)
    runner = web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=settings.shutdown_timeout,
        handle_signals=False,
    )
    await runner.setup()
    # Everything loaded so far (the model, the app) lives as long as the process: keep the
    # collector from walking it again and again.
    gc.collect()
    gc.freeze()
    # Requests allocate containers in bursts that die young; at the default 700 the collector
    # ran about 80 times a second under load, 3 % of the CPU, to find almost nothing.
    gc.set_threshold(_GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    try:
        site = web.TCPSite(runner, host, port, reuse_port=reuse_port or None, backlog=1024)
        await site.start()
        log.info("serving", extra={"host": host, "port": port, "pid": os.getpid()})
        await stop.wait()
        log.info("stopping: finishing requests in flight", extra={"in_flight": in_flight.count})
        await site.stop()  # no new connections; the accepted ones are still read and answered
        if not await in_flight.idle(settings.shutdown_timeout):
            log.warning("requests still running at the shutdown timeout; cancelling them")
    finally:
        await runner.cleanup()
    log.info("stopped")


class Supervisor:
    """Runs N worker processes on one port (SO_REUSEPORT); restarts a worker that dies."""

    def __init__(
        self,
        settings: Settings,
        host: str,
        port: int,
        workers: int,
        settings_file: Path | None,
    ) -> None:
        self.settings = settings
        self.host = host
        self.port = port
        self.count = workers
        self.settings_file = settings_file
        self.stopping = False
        self.workers: dict[int, tuple[subprocess.Popen[bytes], float]] = {}

    def _command(self) -> list[str]:
        command = [sys.executable, "-m", "service"]
        if self.settings_file is not None:
            command += ["--settings", str(self.settings_file)]
        command += ["serve", "--host", self.host, "--port", str(self.port), "--workers", "1"]
        return [*command, "--reuse-port"]

    def _spawn(self, slot: int, env: dict[str, str]) -> None:
        process = subprocess.Popen(self._command(), env=env)  # noqa: S603 - our own CLI
        self.workers[slot] = (process, time.monotonic())
        log.info("worker started", extra={"slot": slot, "pid": process.pid})

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def run(self) -> int:
        assert self.settings.redis_url is not None
        # Once here, not in each worker at the same time; a model that fails to verify stops
        # the start with its own message, not as workers dying one after another.
        Scorer.prepare(self.settings.model_path, compiled.resolve(self.settings.model_cache))
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        with tempfile.TemporaryDirectory(prefix="replyguard-metrics-") as metrics_dir:
            env = {
                **os.environ,
                "REPLYGUARD_REDIS_URL": self.settings.redis_url,
                "PROMETHEUS_MULTIPROC_DIR": metrics_dir,
            }
            try:
                for slot in range(self.count):
                    self._spawn(slot, env)
                code = self._watch(env)
            finally:
                self._stop_all()
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
        return code

    def _watch(self, env: dict[str, str]) -> int:
        quick_deaths = 0
        while not self.stopping:
            time.sleep(0.2)
            for slot, (process, started) in list(self.workers.items()):
                if process.poll() is None or self.stopping:
                    continue
                log.error("worker died", extra={"slot": slot, "returncode": process.returncode})
                _mark_dead(env["PROMETHEUS_MULTIPROC_DIR"], process.pid)
                if time.monotonic() - started < _RESTART_WINDOW:
                    quick_deaths += 1
                    if quick_deaths >= _MAX_QUICK_DEATHS:
                        log.error("workers keep dying at start; giving up")
                        return 1
                self._spawn(slot, env)
        return 0

    def _stop_all(self) -> None:
        for process, _ in self.workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.settings.shutdown_timeout + 5
        for process, _ in self.workers.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("worker did not stop in time; killing it", extra={"pid": process.pid})
                process.kill()
                process.wait()


def _mark_dead(directory: str, pid: int) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
