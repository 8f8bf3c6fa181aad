"""Settings: REPLYGUARD_* variables, an optional settings file beneath them, clear refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings, load_settings


def test_lists_and_pairs_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLYGUARD_MODERATOR_TOKENS", "ann:t1, bob:t2")
    monkeypatch.setenv("REPLYGUARD_API_KEYS", "k1,k2")
    monkeypatch.setenv("REPLYGUARD_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8,::1")
    monkeypatch.setenv("REPLYGUARD_ALLOWED_ORIGINS", "https://News.example.com/any/path")
    monkeypatch.setenv("REPLYGUARD_DISALLOWED_KEYS", "casino\nreplica watches, viagra")
    settings = Settings()
    assert {n: t.get_secret_value() for n, t in settings.moderator_tokens.items()} == {
        "ann": "t1",
        "bob": "t2",
    }
    assert [k.get_secret_value() for k in settings.api_keys] == ["k1", "k2"]
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    assert settings.allowed_origins == ["https://news.example.com"]
    assert settings.disallowed_keys == ["casino", "replica watches", "viagra"]
    assert "t1" not in repr(settings)


def test_a_settings_file_beneath_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "replyguard.env"
    file.write_text("REPLYGUARD_MAX_LINKS=5\nREPLYGUARD_RETENTION_DAYS=30\n")
    monkeypatch.setenv("REPLYGUARD_RETENTION_DAYS", "7")
    settings = load_settings(file)
    assert settings.max_links == 5
    assert settings.retention_days == 7  # the environment wins


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REPLYGUARD_MODERATOR_TOKENS", "no-colon"),
        ("REPLYGUARD_TRUSTED_PROXIES", "not-an-address"),
        ("REPLYGUARD_ALLOWED_ORIGINS", "news.example.com"),
        ("REPLYGUARD_REDIS_URL", "http://localhost"),
        ("REPLYGUARD_SPAM_HOLD", "1.5"),
        ("REPLYGUARD_TOKEN_FAILURE", "maybe"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`replyguard serve` run with only ``env``: expected to refuse to start."""
    return subprocess.run(
        [sys.executable, "-m", "service", "serve", "--port", "0"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_says_what_is_wrong_without_a_traceback() -> None:
    done = _serve({"REPLYGUARD_MAX_LINKS": "zero"})
    assert done.returncode == 2
    assert "invalid configuration" in done.stderr
    assert "max_links" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_model_that_does_not_verify_stops_the_start(tmp_path: Path) -> None:
    bad = tmp_path / "model.skops"
    bad.write_bytes(b"not a model")
    done = _serve({"REPLYGUARD_MODEL_PATH": str(bad), "REPLYGUARD_DATA_DIR": str(tmp_path / "var")})
    assert done.returncode == 1
    assert "cannot start" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "var" / "redis.pid").exists()  # the embedded Redis was stopped
