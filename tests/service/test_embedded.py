"""The embedded Redis: started and stopped by replyguard, keeping its data across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from service.embedded import EmbeddedRedis, EmbeddedRedisError


def test_data_survives_a_restart(tmp_path: Path) -> None:
    embedded = EmbeddedRedis(tmp_path / "data")
    url = embedded.start()
    assert url.startswith("unix://")
    client = redis.Redis.from_url(url)
    client.set("replyguard:kept", "yes")
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    client.close()
    embedded.stop()
    assert embedded.process is None

    again = EmbeddedRedis(tmp_path / "data")
    client = redis.Redis.from_url(again.start())
    try:
        assert client.get("replyguard:kept") == b"yes"
    finally:
        client.close()
        again.stop()


def test_fsync_always_is_configurable(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path, appendfsync="always") as url:
        client = redis.Redis.from_url(url)
        assert client.config_get("appendfsync") == {"appendfsync": "always"}
        client.close()


def test_a_second_server_on_the_same_data_is_refused(tmp_path: Path) -> None:
    with EmbeddedRedis(tmp_path), pytest.raises(EmbeddedRedisError, match="already runs"):
        EmbeddedRedis(tmp_path).start()


def test_long_folders_fall_back_to_loopback_tcp(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    with EmbeddedRedis(deep) as url:
        assert url.startswith("redis://127.0.0.1:")
        client = redis.Redis.from_url(url)
        assert client.ping()
        client.close()
