"""`replyguard feedback`: corrections exported from a real Redis, then read by training."""

from __future__ import annotations

import asyncio
import io
import itertools
import socket
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient

from classifier.datasets import load_feedback
from classifier.labels import Task
from service.__main__ import main
from service.feedback import entry_line, export
from service.settings import Settings

from .conftest import ClientFactory, bearer, form
from .test_queue import QUIET_MODEL

Client = TestClient[Any, Any]
_serial = itertools.count()
HELD = "Read this http://one.example and http://two.example and http://three.example today"


@pytest.fixture
async def client(make_client: ClientFactory) -> Client:
    """The model kept quiet, so that the link rule alone holds the comments made here."""
    return await make_client(**QUIET_MODEL)


async def held(client: Client, **fields: str) -> str:
    response = await client.post(
        "/comments", data=form(comment=f"{HELD} ({next(_serial)})", **fields)
    )
    body = await response.json()
    assert body["status"] == "pending", body
    return str(body["id"])


async def act(client: Client, comment_id: str, action: str, who: str = "ann") -> None:
    response = await client.post(f"/moderation/comments/{comment_id}/{action}", headers=bearer(who))
    assert response.status == 200, await response.text()


async def exported(settings: Settings) -> list[dict[str, str]]:
    out = io.BytesIO()
    count = await export(settings, str(settings.redis_url), out)
    lines = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines)
    return lines


async def test_corrections_are_exported_with_the_form_fields(
    client: Client, make_settings: Any
) -> None:
    settings = make_settings(**QUIET_MODEL)
    assert await exported(settings) == []
    spam = await held(client, author="cheap pills", url="http://pills.example")
    ham = await held(client, author="Ann Reader", email="ann@example.org")
    rejected = await held(client, author="Troll")
    undone = await held(client, author="Changed Mind")
    await held(client, author="Not Corrected")  # left as the rules decided: no correction
    await act(client, spam, "spam")
    await act(client, ham, "approve")
    await act(client, rejected, "reject", "bob")
    await act(client, undone, "approve")
    await act(client, undone, "hold")  # back to pending: undecided, so not exported
    lines = await exported(settings)
    by_author = {line["author"]: line for line in lines}
    assert sorted(by_author) == ["Ann Reader", "Troll", "cheap pills"]
    assert by_author["cheap pills"]["label"] == "spam"
    assert by_author["cheap pills"]["url"] == "http://pills.example"
    assert by_author["Ann Reader"]["label"] == "ham"
    assert by_author["Ann Reader"]["email"] == "ann@example.org"
    assert by_author["Troll"] == by_author["Troll"] | {"label": "abuse", "by": "bob"}
    assert by_author["Troll"]["comment"].startswith(HELD)
    # A correction taken back later: the comment's status now is its label.
    await act(client, ham, "spam")
    relabelled = {line["author"]: line["label"] for line in await exported(settings)}
    assert relabelled["Ann Reader"] == "spam"


async def test_the_export_trains(
    client: Client, make_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(**QUIET_MODEL)
    spam = await held(client, author="best seo", url="http://seo.example")
    ham = await held(client, author="Jo")
    await act(client, spam, "spam")
    await act(client, ham, "approve")
    monkeypatch.setenv("REPLYGUARD_REDIS_URL", str(settings.redis_url))
    monkeypatch.setenv("REPLYGUARD_KEY_PREFIX", settings.key_prefix)
    path = tmp_path / "feedback.jsonl"
    assert await asyncio.to_thread(main, ["feedback", "--out", str(path)]) == 0
    rows = load_feedback(path)
    assert [(r.author, r.task, r.label, r.url) for r in rows] == [
        ("best seo", Task.SPAM, 1, "http://seo.example"),
        ("Jo", Task.SPAM, 0, ""),
    ]


def test_without_a_redis_the_export_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPLYGUARD_DATA_DIR", str(tmp_path))
    assert main(["feedback"]) == 2
    assert "no Redis to read from" in capsys.readouterr().err


async def test_the_export_reads_the_stream_a_page_at_a_time(
    client: Client, make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(**QUIET_MODEL)
    ids = [await held(client, author=f"Paged {i}") for i in range(5)]
    for i, comment_id in enumerate(ids):
        await act(client, comment_id, "spam" if i % 2 else "approve")
    monkeypatch.setattr("service.feedback._PAGE", 2)  # the stream and the statuses, 2 a page
    lines = await exported(settings)
    assert [line["author"] for line in lines] == [f"Paged {i}" for i in range(5)]
    assert [line["label"] for line in lines] == ["ham", "spam", "ham", "spam", "ham"]


def test_a_redis_that_does_not_answer_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("REPLYGUARD_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    assert main(["feedback"]) == 1
    err = capsys.readouterr().err
    assert "cannot read the feedback stream" in err
    assert "Traceback" not in err


def test_an_entry_that_cannot_be_read_is_skipped() -> None:
    assert entry_line({"id": "x", "label": "spam", "comment": "{not json"}) is None
    assert entry_line({"id": "x", "label": "spam", "comment": "[1]"}) is None
    assert entry_line({"id": "x", "label": "maybe", "comment": "{}"}) is None
    assert entry_line({"id": "x", "label": "spam", "comment": '{"content": " "}'}) is None
    key, line = entry_line({"id": "x", "label": "spam", "comment": '{"content": "Buy"}'}) or (
        "",
        {},
    )
    assert (key, line["comment"], line["label"]) == ("x", "Buy", "spam")
