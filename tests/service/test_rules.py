"""Each moderation rule through POST /comments, alone and combined with the model's scores."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest
import redis.asyncio
from aiohttp.test_utils import TestClient

from service.appkeys import MODERATION
from service.formtoken import issue
from service.keys import Keys
from service.schemas import Status

from .conftest import ClientFactory, bearer, form

Client = TestClient[Any, Any]
SECRET = b"test-secret"
_ip = itertools.count(1)

# Thresholds that force what "the model" says, whatever the text: scores are in [0, 1).
MODEL_QUIET = {"spam_hold": 1.0, "spam_threshold": 1.0, "abuse_hold": 1.0, "abuse_reject": 1.0}
MODEL_HOLDS = {"spam_hold": 0.0, "spam_threshold": 1.0, "abuse_hold": 1.0, "abuse_reject": 1.0}
MODEL_SPAM = {"spam_hold": 0.0, "spam_threshold": 0.0, "abuse_hold": 1.0, "abuse_reject": 1.0}
MODEL_REJECTS = {"spam_hold": 1.0, "spam_threshold": 1.0, "abuse_hold": 0.0, "abuse_reject": 0.0}


def fresh_ip() -> dict[str, str]:
    return {"X-Forwarded-For": f"203.0.113.{next(_ip) % 250 + 1}"}


def aged_token(post_id: int = 4127, age: float = 10.0) -> str:
    return issue(SECRET, post_id, now=time.time() - age)


async def post(client: Client, headers: dict[str, str] | None = None, **fields: str) -> Any:
    response = await client.post("/comments", data=form(**fields), headers=headers or fresh_ip())
    return response.status, await response.json()


async def patch_rules(client: Client, **changes: Any) -> Any:
    response = await client.patch("/moderation/rules", json=changes, headers=bearer())
    assert response.status == 200, await response.text()
    return await response.json()


def codes(body: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in body["reasons"]]


# The table: each rule alone and with the model --------------------------------------------

CASES = [
    # (rules, extra form fields, expected status, expected reason codes (in order))
    (MODEL_QUIET, {}, "approved", ["below_thresholds"]),
    (MODEL_QUIET, {"rg_website": "http://spam.example"}, "spam", ["honeypot"]),
    (MODEL_HOLDS, {"rg_website": "x"}, "spam", ["honeypot", "spam_hold"]),
    (MODEL_QUIET, {"comment": "See http://a.example and http://b.example"}, "pending", ["links"]),
    (
        MODEL_SPAM,
        {"comment": "See http://a.example and http://b.example"},
        "spam",
        ["spam", "links"],
    ),
    (MODEL_QUIET | {"moderation_keys": ["bridge"]}, {}, "pending", ["moderation_key"]),
    (MODEL_SPAM | {"moderation_keys": ["bridge"]}, {}, "spam", ["spam", "moderation_key"]),
    (MODEL_QUIET | {"disallowed_keys": ["bridge"]}, {}, "rejected", ["disallowed_key"]),
    (
        MODEL_REJECTS | {"disallowed_keys": ["bridge"]},
        {},
        "rejected",
        ["disallowed_key", "abuse_reject"],
    ),
    (MODEL_REJECTS, {}, "rejected", ["abuse_reject"]),
    (MODEL_HOLDS, {}, "pending", ["spam_hold"]),
    (
        MODEL_QUIET | {"shadow_mode": "approve", "disallowed_keys": ["bridge"]},
        {},
        "approved",
        ["shadow_mode", "disallowed_key"],
    ),
    (MODEL_SPAM | {"shadow_mode": "hold"}, {}, "pending", ["shadow_mode", "spam"]),
    (
        MODEL_QUIET | {"honeypot_field": "hp"},
        {"hp": "filled", "rg_website": ""},
        "spam",
        ["honeypot"],
    ),
]


@pytest.mark.parametrize(("rules", "fields", "status", "expected"), CASES)
async def test_rule_table(
    client: Client, rules: dict[str, Any], fields: dict[str, str], status: str, expected: list[str]
) -> None:
    await patch_rules(client, **rules)
    code, body = await post(client, **fields)
    assert code == 201
    assert body["status"] == status
    assert codes(body) == expected


# Keys: matched in every field, disguised or not --------------------------------------------


@pytest.mark.parametrize(
    ("fields", "headers"),
    [
        ({"comment": "Buy CHEAP pills"}, {}),
        ({"comment": "Buy ch\u200beap pills"}, {}),  # zero-width space
        ({"comment": "Buy \u0441he\u0430p pills"}, {}),  # Cyrillic s and a
        ({"comment": "Buy ｃｈｅａｐ pills"}, {}),  # full-width letters
        ({"author": "Cheap Watches"}, {}),
        ({"email": "cheap@example.org"}, {}),
        ({"url": "https://cheap.example"}, {}),
        ({}, {"User-Agent": "CheapBot/1.0"}),
        ({}, {"X-Forwarded-For": "198.51.100.77"}),
    ],
)
async def test_keys_are_found_in_every_field(
    client: Client, fields: dict[str, str], headers: dict[str, str]
) -> None:
    await patch_rules(client, **MODEL_QUIET, moderation_keys=["cheap", "198.51.100.77"])
    code, body = await post(client, headers={**fresh_ip(), **headers}, **fields)
    assert code == 201
    assert body["status"] == "pending"
    assert codes(body) == ["moderation_key"]


# Submit timing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "failure", "status", "expected"),
    [
        (lambda: aged_token(age=10), "hold", "approved", ["below_thresholds"]),
        (lambda: aged_token(age=1), "hold", "spam", ["too_fast"]),
        (lambda: "", "hold", "pending", ["token_missing"]),
        (lambda: aged_token()[:-2] + "xx", "hold", "pending", ["token_forged"]),
        (lambda: aged_token(post_id=99), "hold", "pending", ["token_forged"]),
        (lambda: "v1.4127.not-a-token", "hold", "pending", ["token_forged"]),
        (lambda: aged_token(age=3 * 86400), "hold", "pending", ["token_expired"]),
        (lambda: "", "spam", "spam", ["token_missing"]),
        (lambda: "", "ignore", "approved", ["below_thresholds"]),
        (lambda: aged_token(age=1), "ignore", "spam", ["too_fast"]),
    ],
)
async def test_submit_timing(
    make_client: ClientFactory, token: Any, failure: str, status: str, expected: list[str]
) -> None:
    client = await make_client(token_failure=failure, **MODEL_QUIET)
    code, body = await post(client, rg_token=token())
    assert code == 201
    assert body["status"] == status
    assert codes(body) == expected


async def test_form_token_endpoint_gives_a_working_token(make_client: ClientFactory) -> None:
    client = await make_client(token_failure="hold", min_submit_seconds=0.2, **MODEL_QUIET)
    response = await client.get("/form-token?post=4127")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    given = await response.json()
    assert given["field"] == "rg_token"
    assert given["honeypot_field"] == "rg_website"
    code, body = await post(client, rg_token=given["token"])
    assert (code, body["status"], codes(body)) == (201, "spam", ["too_fast"])
    await asyncio.sleep(0.25)
    code, body = await post(client, rg_token=given["token"], comment="A second thought.")
    assert (code, body["status"]) == (201, "approved")
    assert (await client.get("/form-token?post=abc")).status == 422


# Previously approved authors ---------------------------------------------------------------


async def test_previously_approved_author_is_trusted(client: Client) -> None:
    await patch_rules(client, **MODEL_QUIET)
    _, first = await post(client, author="Maria Lopez", email="maria@example.org")
    assert first["status"] == "approved"
    await patch_rules(client, **MODEL_HOLDS)
    _, again = await post(
        client,
        author="MARIA LOPEZ",
        email="Maria@Example.org",
        comment="A follow-up question about the bridge.",
    )
    assert again["status"] == "approved"
    assert codes(again) == ["trusted_author"]
    _, stranger = await post(
        client,
        author="Maria Lopez",
        email="other@example.org",
        comment="Someone else with the same name.",
    )
    assert stranger["status"] == "pending"
    await patch_rules(client, spam_threshold=0.0)  # the model very sure: trust ends there
    _, spam = await post(
        client, author="Maria Lopez", email="maria@example.org", comment="Third comment."
    )
    assert spam["status"] == "spam"
    await patch_rules(client, spam_threshold=1.0, trusted_authors=False)
    _, off = await post(
        client, author="Maria Lopez", email="maria@example.org", comment="Fourth comment."
    )
    assert off["status"] == "pending"


async def test_moderator_approval_makes_an_author_trusted(client: Client) -> None:
    await patch_rules(client, **MODEL_HOLDS)
    _, held = await post(client, author="Li Wei", email="li@example.org")
    assert held["status"] == "pending"
    await client.post(f"/moderation/comments/{held['id']}/approve", headers=bearer())
    _, later = await post(client, author="Li Wei", email="li@example.org", comment="Thanks!")
    assert later["status"] == "approved"
    assert codes(later) == ["trusted_author"]


async def test_trusted_author_still_held_for_links(client: Client) -> None:
    await patch_rules(client, **MODEL_QUIET)
    await post(client, author="Ann", email="ann@example.org")
    _, links = await post(
        client, author="Ann", email="ann@example.org", comment="http://a.example http://b.example"
    )
    assert links["status"] == "pending"
    assert codes(links) == ["links"]


# Duplicates, floods and the rate limit -----------------------------------------------------


async def test_duplicates_are_409(client: Client) -> None:
    code, first = await post(client)
    assert code == 201
    code, body = await post(client)
    assert code == 409
    assert body == {
        "error": "Duplicate comment detected; it looks as though you've already said that!",
        "id": first["id"],
    }
    assert (await post(client, email="someone.else@example.org"))[0] == 409  # same author
    assert (await post(client, author="Someone Else"))[0] == 409  # same e-mail
    assert (await post(client, author="X", email="x@example.org"))[0] == 201
    assert (await post(client, comment_post_ID="99"))[0] == 201  # another post


async def test_flood_is_429_after_the_duplicate_check(make_client: ClientFactory) -> None:
    client = await make_client(flood_seconds=15)
    ip = fresh_ip()
    assert (await post(client, headers=ip))[0] == 201
    assert (await post(client, headers=ip))[0] == 409  # duplicate first, as WordPress
    response = await client.post(
        "/comments",
        data=form(author="New", email="new@example.org", comment="Other"),
        headers=ip,
    )
    assert response.status == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 15
    assert (await response.json()) == {"error": "You are posting comments too quickly. Slow down."}
    same_email = await post(client, comment="From elsewhere")  # another address
    assert same_email[0] == 429
    assert (await post(client, author="B", email="b@example.org", comment="Hi"))[0] == 201


async def test_rate_limit_holds_across_workers(make_client: ClientFactory, key_prefix: str) -> None:
    """Two applications (two workers) on one Redis share the window."""
    one = await make_client(rate_limit_per_minute=3)
    two = await make_client(rate_limit_per_minute=3)
    ip = fresh_ip()
    for i, client in enumerate([one, two, one]):
        code, _ = await post(
            client, headers=ip, author=f"A{i}", email=f"a{i}@example.org", comment=f"Comment {i}"
        )
        assert code == 201
    response = await two.post(
        "/comments",
        data=form(author="A3", email="a3@example.org", comment="Comment 3"),
        headers=ip,
    )
    assert response.status == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert (await post(one, author="B", email="b@example.org", comment="Other address"))[0] == 201


# Per-post settings and replies -------------------------------------------------------------


async def test_closed_post(client: Client) -> None:
    response = await client.put("/moderation/posts/4127", json={"closed": True}, headers=bearer())
    assert response.status == 200
    code, body = await post(client)
    assert (code, body) == (403, {"error": "Sorry, comments are closed for this item."})
    assert (await post(client, comment_post_ID="4128"))[0] == 201
    got = await (await client.get("/moderation/posts/4127", headers=bearer())).json()
    assert got == {"closed": True, "moderate_all": False}


async def test_every_comment_held_on_a_post(client: Client) -> None:
    await patch_rules(client, **MODEL_QUIET)
    await client.put("/moderation/posts/4127", json={"moderate_all": True}, headers=bearer())
    _, body = await post(client)
    assert body["status"] == "pending"
    assert codes(body) == ["post_moderated"]


@pytest.mark.parametrize("body", [{"closed": "maybe"}, {"other": True}, [1]])
async def test_post_settings_are_validated(client: Client, body: Any) -> None:
    response = await client.put("/moderation/posts/4127", json=body, headers=bearer())
    assert response.status in (400, 422)
    assert (await client.put("/moderation/posts/x", json={}, headers=bearer())).status == 404
    assert (await client.put("/moderation/posts/1", json={})).status == 401


@pytest.mark.parametrize("post_id", ["\u00b3", "\u0663", "0", str(2**63), "-1"])
async def test_post_ids_that_are_not_ascii_numbers_are_404(client: Client, post_id: str) -> None:
    # "³" and Arabic-Indic digits pass str.isdigit() but are no post number.
    response = await client.get(f"/moderation/posts/{post_id}", headers=bearer())
    assert response.status == 404
    response = await client.put(f"/moderation/posts/{post_id}", json={}, headers=bearer())
    assert response.status == 404


async def test_replies_need_an_approved_parent_on_the_same_post(client: Client) -> None:
    await patch_rules(client, **MODEL_QUIET)
    _, parent = await post(client)
    assert parent["status"] == "approved"
    code, _ = await post(
        client, comment_parent=parent["id"], comment="A reply", author="B", email="b@example.org"
    )
    assert code == 201
    refused = "Sorry, replies to unapproved comments are not allowed."
    for parent_id, post_id in [
        ("01JDZZZZZZZZZZZZZZZZZZZZZZ", "4127"),
        ("12", "4127"),
        (parent["id"], "999"),
    ]:
        code, body = await post(
            client,
            comment_parent=parent_id,
            comment_post_ID=post_id,
            comment=f"Reply to {parent_id}",
            author="C",
            email="c@example.org",
        )
        assert (code, body) == (403, {"error": refused})
    await client.post(f"/moderation/comments/{parent['id']}/hold", headers=bearer())
    code, _ = await post(
        client, comment_parent=parent["id"], comment="Late reply", author="D", email="d@example.org"
    )
    assert code == 403


# Rules at runtime --------------------------------------------------------------------------


async def test_rules_api(client: Client) -> None:
    assert (await client.get("/moderation/rules")).status == 401
    view = await (await client.get("/moderation/rules", headers=bearer())).json()
    assert view["overridden"] == []
    assert view["rules"]["max_links"] == 2
    changed = await patch_rules(client, max_links=5, moderation_keys=["casino"])
    assert changed["rules"]["max_links"] == 5
    assert changed["overridden"] == ["max_links", "moderation_keys"]
    assert changed["version"] == view["version"] + 1
    reset = await patch_rules(client, max_links=None)
    assert reset["rules"]["max_links"] == 2
    assert reset["overridden"] == ["moderation_keys"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"max_links": 0}, "max_links"),
        ({"no_such_rule": 1}, "no_such_rule"),
        ({"spam_hold": 0.9, "spam_threshold": 0.5}, "body"),
        ({"shadow_mode": "sometimes"}, "shadow_mode"),
        ({"moderation_keys": "not a list"}, "moderation_keys"),
    ],
)
async def test_bad_rules_are_422(client: Client, body: dict[str, Any], field: str) -> None:
    response = await client.patch("/moderation/rules", json=body, headers=bearer())
    assert response.status == 422
    assert field in (await response.json())["errors"]


async def test_rule_changes_reach_every_worker_at_once(make_client: ClientFactory) -> None:
    one = await make_client()
    two = await make_client()
    await patch_rules(one, **MODEL_QUIET, disallowed_keys=["bridge"])
    _, body = await post(two)
    assert body["status"] == "rejected"
    await patch_rules(two, disallowed_keys=None)
    _, body = await post(one, comment="The bridge again")
    assert body["status"] == "approved"


async def test_shadow_mode_is_counted(client: Client) -> None:
    await patch_rules(client, **MODEL_SPAM, shadow_mode="approve")
    _, body = await post(client)
    assert body["status"] == "approved"
    record = await (await client.get(f"/moderation/comments/{body['id']}", headers=bearer())).json()
    assert record["decided_status"] == "spam"
    metrics = await (await client.get("/metrics")).text()
    assert 'replyguard_shadow_decisions_total{would_be="spam"} 1.0' in metrics


# Privacy -----------------------------------------------------------------------------------


async def test_raw_ip_only_when_configured(make_client: ClientFactory) -> None:
    hashed = await make_client()
    _, body = await post(hashed, headers={"X-Forwarded-For": "203.0.113.50"})
    record = await (await hashed.get(f"/moderation/comments/{body['id']}", headers=bearer())).json()
    assert record["ip"] is None
    assert len(record["ip_hash"]) == 32
    raw = await make_client(store_raw_ip=True)
    _, body = await post(raw, headers={"X-Forwarded-For": "203.0.113.51"}, comment="Raw")
    record = await (await raw.get(f"/moderation/comments/{body['id']}", headers=bearer())).json()
    assert record["ip"] == "203.0.113.51"


async def test_spam_expires_and_approval_keeps(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    keys = Keys(key_prefix)
    await patch_rules(client, **MODEL_SPAM)
    _, body = await post(client)
    ttl = await redis_client.ttl(keys.comment(body["id"]))
    assert 15 * 86400 - 60 < ttl <= 15 * 86400
    await client.post(f"/moderation/comments/{body['id']}/approve", headers=bearer())
    assert await redis_client.ttl(keys.comment(body["id"])) == -1
    await client.post(f"/moderation/comments/{body['id']}/reject", headers=bearer())
    assert await redis_client.ttl(keys.comment(body["id"])) > 0
    # Once expired, it leaves its queue.
    await redis_client.zadd(keys.expiry(), {body["id"]: 1})
    await redis_client.delete(keys.comment(body["id"]))
    from service.store import Store

    assert await Store(redis_client, keys).sweep_expired() == 1
    assert await redis_client.zcard(keys.queue(Status.REJECTED)) == 0


async def test_erase_by_email(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    keys = Keys(key_prefix)
    await patch_rules(client, **MODEL_QUIET)
    _, kept = await post(client, author="Other", email="other@example.org", comment="Stays")
    _, one = await post(client, email="gone@example.org", comment="First")
    await patch_rules(client, **MODEL_HOLDS, trusted_authors=False)
    _, two = await post(client, email="gone@example.org", comment="Second")
    assert (one["status"], two["status"]) == ("approved", "pending")

    assert (await client.post("/moderation/erase", json={"email": "x@y.z"})).status == 401
    response = await client.post(
        "/moderation/erase", json={"email": "gone@example.org"}, headers=bearer()
    )
    assert response.status == 200
    assert await response.json() == {"email": "gone@example.org", "erased": 2, "retracted": 1}
    for comment_id in (one["id"], two["id"]):
        got = await client.get(f"/moderation/comments/{comment_id}", headers=bearer())
        assert got.status == 404
    entries = await redis_client.xrange(keys.approved_stream())
    assert [(f[b"event"], f[b"id"].decode()) for _, f in entries] == [
        (b"approved", kept["id"]),
        (b"retracted", one["id"]),
    ]
    assert b"gone@example.org" not in b"".join(f[b"comment"] for _, f in entries)
    assert not await redis_client.exists(keys.by_email("gone@example.org"))
    # No duplicate left behind: the same words may be said again.
    assert (await post(client, email="gone@example.org", comment="First"))[0] == 201


# One round trip for the usual comment ------------------------------------------------------


def script_calls(client: Client, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the Lua scripts the application runs from now on (it still runs them)."""
    store = client.app[MODERATION].store
    names = {store._context.sha: "context", store._create.sha: "create"}
    pipeline = store._scripts
    real = pipeline.call
    seen: list[str] = []

    async def call(script: Any, keys: Any, args: Any) -> Any:
        seen.append(names.get(script.sha, "other"))
        return await real(script, keys, args)

    monkeypatch.setattr(pipeline, "call", call)
    return seen


async def scored(client: Client) -> float:
    metrics = await (await client.get("/metrics")).text()
    line = next(x for x in metrics.splitlines() if x.startswith("replyguard_scoring_seconds_count"))
    return float(line.split()[-1])


async def test_a_usual_comment_is_decided_and_written_in_one_script_call(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await patch_rules(client, **MODEL_QUIET)
    await post(client)  # the first comment fetches the shared secret
    seen = script_calls(client, monkeypatch)
    code, body = await post(client, author="Ann", email="ann@example.org", comment="New here")
    assert (code, body["status"]) == (201, "approved")
    assert seen == ["create"]
    stored = await client.get(f"/moderation/comments/{body['id']}", headers=bearer())
    assert (await stored.json())["status"] == "approved"


async def test_comments_that_arrive_together_are_each_written_in_one_script_call(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await patch_rules(client, **MODEL_QUIET)
    await post(client)  # the first comment fetches the shared secret
    seen = script_calls(client, monkeypatch)
    answers = await asyncio.gather(
        *(
            post(client, author=f"Reader {i}", email=f"r{i}@example.org", comment=f"Point {i}")
            for i in range(6)
        )
    )
    assert [(code, body["status"]) for code, body in answers] == [(201, "approved")] * 6
    assert seen == ["create"] * 6


async def test_a_reply_or_a_trusted_author_reads_the_state_first(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await patch_rules(client, **MODEL_QUIET)
    _, first = await post(client, author="Maria Lopez", email="maria@example.org")
    await patch_rules(client, **MODEL_HOLDS)
    seen = script_calls(client, monkeypatch)
    before = await scored(client)
    # Trusted: decided as a new author's comment, sent back by the write, decided again with
    # what Redis knows, and scored once.
    _, again = await post(client, author="Maria Lopez", email="maria@example.org", comment="More")
    assert (again["status"], codes(again)) == ("approved", ["trusted_author"])
    assert seen == ["create", "context", "create"]
    assert await scored(client) == before + 1
    seen.clear()
    # Now the worker knows her as approved: her next comment reads the state first.
    _, third = await post(client, author="Maria Lopez", email="maria@example.org", comment="Also")
    assert codes(third) == ["trusted_author"]
    assert seen == ["context", "create"]
    seen.clear()
    _, reply = await post(client, comment="A reply", comment_parent=first["id"])
    assert reply["status"] == "pending"
    assert seen == ["context", "create"]


async def test_comments_on_a_held_post_read_the_state_first_once_it_is_known(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    await patch_rules(client, **MODEL_QUIET)
    await post(client)  # the first comment fetches the shared secret
    held = await client.put("/moderation/posts/4127", json={"moderate_all": True}, headers=bearer())
    assert held.status == 200
    seen = script_calls(client, monkeypatch)
    _, first = await post(client, author="Ann", email="ann@example.org", comment="One")
    assert first["status"] == "pending"
    assert seen == ["create", "context", "create"]  # decided as usual, sent back, decided again
    seen.clear()
    _, second = await post(client, author="Bo", email="bo@example.org", comment="Two")
    assert second["status"] == "pending"
    assert seen == ["context", "create"]
    seen.clear()
    _, elsewhere = await post(client, author="Cy", email="cy@example.org", comment_post_ID="77")
    assert elsewhere["status"] == "approved"
    assert seen == ["create"]  # another post: the usual way


async def test_an_address_refused_for_a_flood_is_refused_before_scoring(
    make_client: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await make_client(flood_seconds=15)
    ip = fresh_ip()
    assert (await post(client, headers=ip))[0] == 201
    seen = script_calls(client, monkeypatch)
    other = {"author": "Bo", "email": "bo@example.org"}  # not the first, trusted, author
    assert (await post(client, headers=ip, comment="Second", **other))[0] == 429
    assert seen == ["create"]  # scored, then refused by the write
    seen.clear()
    before = await scored(client)
    assert (await post(client, headers=ip, comment="Third", **other))[0] == 429
    assert seen == ["context"]  # refused on the state read first
    assert await scored(client) == before


def test_remembered_tables_stay_bounded_and_drop_the_expired_first() -> None:
    from service.moderation import _remember

    now = time.monotonic()
    table: dict[str, float] = {"gone": now - 1, "old": now + 50, "new": now + 100}
    _remember(table, "next", now + 200, limit=3)
    assert list(table) == ["old", "new", "next"]  # the expired entry made room
    _remember(table, "last", now + 300, limit=3)
    assert list(table) == ["new", "next", "last"]  # then the oldest
    _remember(table, "new", now + 400, limit=3)  # a key already there takes no room
    assert table["new"] == now + 400
    assert len(table) == 3
