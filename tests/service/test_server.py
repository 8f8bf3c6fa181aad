"""`replyguard serve` as a real process: embedded Redis, clean shutdown, data kept, workers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from classifier import compiled
from service.settings import clean_environment

from ..conftest import free_port
from .conftest import MODERATORS, bearer, form

pytestmark = pytest.mark.slow


def _request(
    url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


class Service:
    def __init__(self, data_dir: Path, workers: int = 1, model_cache: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = clean_environment()  # keeps the run's folder of compiled models (tests/conftest.py)
        if model_cache is not None:
            env[compiled.ENV] = str(model_cache)
        env |= {
            "REPLYGUARD_DATA_DIR": str(data_dir),
            "REPLYGUARD_MODERATOR_TOKENS": ",".join(f"{n}:{t}" for n, t in MODERATORS.items()),
            "REPLYGUARD_LOG_LEVEL": "INFO",
            "REPLYGUARD_TOKEN_FAILURE": "ignore",
            "REPLYGUARD_FLOOD_SECONDS": "0",
            "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    self.process.stderr.read().decode() if self.process.stderr else ""
                )
            try:
                if _request(self.base + "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("service did not become ready")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=60)
        return self.process.returncode, err.decode()


def test_serve_keeps_comments_across_a_restart(tmp_path: Path) -> None:
    # A folder of compiled models of its own: the first start has a child process read the
    # skops artifact and leave the compiled copy, which it and the restart read.
    service = Service(tmp_path / "var", model_cache=tmp_path / "model-cache")
    try:
        status, body = _request(service.base + "/comments", form())
        assert status == 201
        comment_id = body["id"]
    finally:
        code, log = service.stop()
    assert code == 0
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert "embedded redis started" in messages
    assert "embedded redis stopped" in messages
    assert messages.index("stopped") < messages.index("embedded redis stopped")
    assert all(form()["comment"] not in line for line in log.splitlines())
    assert all("maria.lopez@example.org" not in line for line in log.splitlines())
    assert any(line.get("request_id") for line in lines if line["message"] == "request")
    assert _model_sources(lines) == ["compiled"]
    assert messages.count("model compiled in a child process") == 1

    again = Service(tmp_path / "var", model_cache=tmp_path / "model-cache")
    try:
        status, record = _request(
            f"{again.base}/moderation/comments/{comment_id}", headers=bearer()
        )
        assert status == 200
        assert record["content"] == form()["comment"]
    finally:
        code, log = again.stop()
    assert code == 0
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert _model_sources(lines) == ["compiled"]
    assert "model compiled in a child process" not in [line["message"] for line in lines]


def _model_sources(lines: list[dict[str, Any]]) -> list[str]:
    return [line["model_source"] for line in lines if line["message"] == "model loaded"]


def test_two_workers_share_one_port(tmp_path: Path) -> None:
    # A folder of compiled models of its own: the supervisor has the copy made once, before
    # the workers start, and both read it.
    service = Service(tmp_path / "var", workers=2, model_cache=tmp_path / "model-cache")
    try:
        for i in range(20):
            status, _ = _request(
                service.base + "/comments", form(author=f"Reader {i}", comment=f"Point {i}.")
            )
            assert status == 201
        status, page = _request(
            service.base + "/moderation/comments?status=approved&limit=100", headers=bearer()
        )
        assert status == 200
        assert len(page["items"]) == 20
        with urllib.request.urlopen(service.base + "/metrics", timeout=10) as response:
            metrics = response.read().decode()
        total = sum(
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith('replyguard_http_requests_total{method="POST",route="/comments"')
        )
        assert total == 20  # counted across both workers
    finally:
        code, log = service.stop()
    assert code == 0
    started = [
        json.loads(line)
        for line in log.splitlines()
        if line.startswith("{") and '"worker started"' in line
    ]
    assert len(started) == 2
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert _model_sources(lines) == ["compiled", "compiled"]
    compiles = [line for line in lines if line["message"] == "model compiled in a child process"]
    assert len(compiles) == 1
    # Before the first worker: the workers did not each compile the model at the same time.
    assert lines.index(compiles[0]) < lines.index(started[0])


def test_serve_with_workers_refuses_a_model_that_does_not_verify(tmp_path: Path) -> None:
    model = tmp_path / "model.skops"
    model.write_bytes(b"not a model")
    env = clean_environment() | {"REPLYGUARD_MODEL_PATH": str(model)}
    done = subprocess.run(
        [sys.executable, "-m", "service", "serve", "--port", str(free_port()), "--workers", "2"],
        env=env | {"REPLYGUARD_DATA_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "replyguard: cannot start:" in done.stderr
    assert "worker started" not in done.stderr
