"""Service fixtures: settings for one test, the shipped model (loaded once), a live test client."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from classifier import compiled
from classifier.scorer import Scorer
from service.app import create_app
from service.settings import Settings

MODERATORS = {"ann": "ann-secret-token", "bob": "bob-secret-token"}
ORIGIN = "https://news.example.com"
ARTICLE = f"{ORIGIN}/2026/11/30/council-votes-on-new-bridge/"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests build their own settings; an operator's REPLYGUARD_* variables must not leak in."""
    for name in list(os.environ):
        # Kept: the test Redis, and the run's own folder of compiled models (tests/conftest.py).
        if name.startswith("REPLYGUARD_") and name not in (
            "REPLYGUARD_TEST_REDIS_URL",
            compiled.ENV,
        ):
            monkeypatch.delenv(name)
    return


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    """The shipped model, verified and loaded once for the whole session."""
    return Scorer.load()


@pytest.fixture
def make_settings(redis_url: str, key_prefix: str) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "redis_url": redis_url,
            "key_prefix": key_prefix,
            "moderator_tokens": MODERATORS,
            "allowed_origins": [ORIGIN],
            "trusted_proxies": ["127.0.0.1/32", "10.0.0.0/8"],
            "secret_key": "test-secret",
            "redis_timeout": 0.5,
            # Most tests post many comments from one address; the rules' own tests turn
            # these back on.
            "token_failure": "ignore",
            "flood_seconds": 0,
            "rate_limit_per_minute": 0,
        }
        values.update(overrides)
        return Settings(**values)

    return make


ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
TALLIES = pytest.StashKey[dict[str, Counter[str]]]()


@pytest.fixture(scope="session")
def tallies(pytestconfig: pytest.Config) -> dict[str, Counter[str]]:
    """Counts the fuzz tests keep (cases tried, answers by status), printed after the run."""
    return pytestconfig.stash.setdefault(TALLIES, {})


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for name, counts in sorted(config.stash.get(TALLIES, {}).items()):
        shown = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        terminalreporter.write_line(f"{name}: {shown}")


@pytest.fixture
def make_client(
    aiohttp_client: Any, make_settings: Callable[..., Settings], scorer: Scorer
) -> ClientFactory:
    async def make(**overrides: Any) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = await aiohttp_client(
            create_app(make_settings(**overrides), scorer=scorer)
        )
        return client

    return make


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient[Any, Any]:
    return await make_client()


def form(**fields: str) -> dict[str, str]:
    """A valid "Leave a Reply" post, with any field replaced."""
    values = {
        "comment": "Thanks for the clear write-up. Will the bridge have a cycle lane?",
        "author": "Maria Lopez",
        "email": "maria.lopez@example.org",
        "url": "",
        "comment_post_ID": "4127",
        "comment_parent": "0",
        "wp-comment-cookies-consent": "yes",
    }
    values.update(fields)
    return values


def bearer(name: str = "ann") -> dict[str, str]:
    return {"Authorization": f"Bearer {MODERATORS[name]}"}
