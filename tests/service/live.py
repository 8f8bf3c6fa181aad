"""A `replyguard serve` process for tests that signal and kill it (helpers, not tests)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import orjson

from service.settings import clean_environment

from ..conftest import free_port
from .conftest import MODERATORS

# Every comment approved whatever the model says, and none refused for coming too fast or
# from one address: the fault tests count comments, they do not test the rules.
QUIET = {
    "REPLYGUARD_SPAM_HOLD": "1",
    "REPLYGUARD_SPAM_THRESHOLD": "1",
    "REPLYGUARD_ABUSE_HOLD": "1",
    "REPLYGUARD_ABUSE_REJECT": "1",
    "REPLYGUARD_TOKEN_FAILURE": "ignore",
    "REPLYGUARD_FLOOD_SECONDS": "0",
    "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
}


class Serve:
    """`python -m service serve` on a free loopback port; its log goes to a file."""

    def __init__(
        self,
        workdir: Path,
        env: dict[str, str],
        workers: int = 1,
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"serve-{self.port}-{time.monotonic_ns()}.log"
        workdir.mkdir(parents=True, exist_ok=True)
        clean = clean_environment()
        clean["REPLYGUARD_MODERATOR_TOKENS"] = ",".join(f"{n}:{t}" for n, t in MODERATORS.items())
        command = [sys.executable, "-m", "service", "serve", "--port", str(self.port)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--workers", str(workers)],
                env=clean | env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # a process group of its own, as under a shell
            )

    async def ready(self, within: float = 60) -> None:
        """Wait until /readyz answers 200."""
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"serve exited early:\n{self.log()}")
                try:
                    async with session.get(self.base + "/readyz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"serve did not become ready:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[dict[str, object]]:
        return [orjson.loads(line) for line in self.log().splitlines() if line.startswith("{")]

    def signal(self, signum: int, group: bool = False) -> None:
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)

    async def exited(self, within: float) -> int:
        """The exit code, waiting at most ``within`` seconds."""
        deadline = time.monotonic() + within
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"serve still running after {within} s")
            await asyncio.sleep(0.05)
        return self.process.returncode

    def stop(self) -> None:
        """SIGTERM, then SIGKILL to the whole group (workers included) if it lingers."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
