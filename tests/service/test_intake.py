"""POST /comments through the real application: forms, JSON, browsers, and hostile bodies."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
import redis.asyncio
from aiohttp.test_utils import TestClient

from service.keys import Keys
from service.proxies import TrustedProxies, client_ip
from service.schemas import Status
from service.settings import Settings

from .conftest import ARTICLE, ORIGIN, ClientFactory, bearer, form

Client = TestClient[Any, Any]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def test_json_post_is_stored_and_answered(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    response = await client.post("/comments", json=form())
    assert response.status == 201
    body = await response.json()
    assert set(body) == {"id", "status", "scores", "reasons", "model_version"}
    assert body["status"] in {"approved", "pending", "spam", "rejected"}
    for head in ("spam", "abuse"):
        assert isinstance(body["scores"][head], float)
        assert 0.0 <= body["scores"][head] <= 1.0
    assert body["reasons"]
    assert all({"code", "message"} <= set(r) for r in body["reasons"])
    stored = await redis_client.hget(Keys(key_prefix).comment(body["id"]), "record")
    assert stored is not None
    record = orjson.loads(stored)
    assert record["content"] == form()["comment"]
    assert record["post_id"] == 4127
    assert record["cookies_consent"] is True
    assert "email" not in body


async def test_plain_form_post(client: Client) -> None:
    response = await client.post("/comments", data=form())
    assert response.status == 201
    assert (await response.json())["status"] == "approved"


async def test_benign_comment_is_approved_and_published(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    response = await client.post("/comments", data=form())
    body = await response.json()
    assert body["status"] == "approved"
    entries = await redis_client.xrange(Keys(key_prefix).approved_stream())
    assert len(entries) == 1
    fields = entries[0][1]
    assert fields[b"event"] == b"approved"
    assert fields[b"id"] == body["id"].encode()
    assert orjson.loads(fields[b"comment"])["status"] == "approved"


async def test_link_spam_is_held(client: Client) -> None:
    text = (
        "Great article! Visit http://cheap-pills.example, http://casino.example "
        "and http://replica-watches.example for the best deals"
    )
    body = await (await client.post("/comments", data=form(comment=text))).json()
    assert body["status"] != "approved"
    assert "links" in [reason["code"] for reason in body["reasons"]]


async def test_abusive_comment_is_not_published(client: Client) -> None:
    text = "You are a worthless idiot and a moron, shut up you stupid piece of garbage"
    body = await (await client.post("/comments", data=form(comment=text))).json()
    assert body["status"] in {"pending", "rejected"}
    assert any(reason["code"].startswith("abuse") for reason in body["reasons"])


async def test_request_metadata_is_recorded(client: Client) -> None:
    headers = {
        "User-Agent": "Mozilla/5.0 (test)",
        "Referer": ARTICLE,
        "X-Forwarded-For": "203.0.113.9",
    }
    body = await (await client.post("/comments", data=form(), headers=headers)).json()
    record = await (await client.get(f"/moderation/comments/{body['id']}", headers=bearer())).json()
    assert record["user_agent"] == "Mozilla/5.0 (test)"
    assert record["referer"] == ARTICLE
    # The test client connects from 127.0.0.1, a trusted proxy here, so the forwarded address
    # counts, and is kept only as a keyed hash.
    expected = hmac.new(b"test-secret", b"203.0.113.9", hashlib.sha256).hexdigest()[:32]
    assert record["ip_hash"] == expected
    assert "203.0.113.9" not in str(record)


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("198.51.100.7", ["203.0.113.9"], "198.51.100.7"),  # untrusted peer: header ignored
        ("127.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        ("127.0.0.1", ["203.0.113.9, 10.0.0.5"], "203.0.113.9"),  # through two proxies
        ("127.0.0.1", ["6.6.6.6, 203.0.113.9, 10.0.0.5"], "203.0.113.9"),  # spoofed left part
        ("127.0.0.1", ["garbage"], "127.0.0.1"),
        ("127.0.0.1", [], "127.0.0.1"),
        ("10.1.2.3", ["10.0.0.9"], "10.0.0.9"),  # every hop trusted: the leftmost
    ],
)
def test_client_ip(remote: str, forwarded: list[str], expected: str) -> None:
    trusted = Settings(trusted_proxies="127.0.0.1,10.0.0.0/8").trusted_proxies  # type: ignore[arg-type]
    assert client_ip(remote, forwarded, TrustedProxies(trusted)) == expected


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"comment": ""}, "comment", "Please enter your comment!"),
        ({"comment": "   \n "}, "comment", "Please enter your comment!"),
        ({"author": ""}, "author", "Please enter your name here"),
        ({"email": ""}, "email", "Please enter your email address here"),
        ({"email": "not-an-address"}, "email", "You have entered an incorrect email address!"),
        ({"email": "maria@localhost"}, "email", "You have entered an incorrect email address!"),
        ({"author": "A" * 246}, "author", "Your name is too long."),
        ({"email": "m" * 95 + "@x.org"}, "email", "Your email address is too long."),
        ({"url": "https://example.org/" + "p" * 190}, "url", "Your URL is too long."),
        ({"comment": "é" * 32763}, "comment", "Your comment is too long."),
        (
            {"comment_post_ID": ""},
            "comment_post_ID",
            "Please say which post this comment is for (comment_post_ID).",
        ),
        (
            {"comment_post_ID": "abc"},
            "comment_post_ID",
            "Please say which post this comment is for (comment_post_ID).",
        ),
        (
            {"comment_post_ID": "0"},
            "comment_post_ID",
            "Please say which post this comment is for (comment_post_ID).",
        ),
        (
            {"comment_parent": "-1"},
            "comment_parent",
            "comment_parent must be the id of the comment replied to, or 0.",
        ),
    ],
)
async def test_each_field_message(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = await client.post("/comments", data=form(**changes))
    assert response.status == 422
    assert (await response.json()) == {"errors": {field: message}}


async def test_limits_are_inclusive(client: Client) -> None:
    ok = form(author="A" * 245, comment="é" * 32762, url="https://e.org/" + "p" * 186)
    assert (await client.post("/comments", data=ok)).status == 201


async def test_missing_fields_are_all_reported(client: Client) -> None:
    response = await client.post("/comments", json={})
    assert response.status == 422
    errors = (await response.json())["errors"]
    assert errors["comment"] == "Please enter your comment!"
    assert errors["author"] == "Please enter your name here"
    assert errors["email"] == "Please enter your email address here"
    assert "comment_post_ID" in errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", 5),
        ("comment", ["a"]),
        ("author", {"name": "x"}),
        ("email", None),
        ("comment_post_ID", True),
        ("comment_post_ID", 1.5),
        ("comment_post_ID", "1e3"),
        ("comment_parent", [1]),
        ("url", 7),
    ],
)
async def test_wrong_json_types_are_422(client: Client, field: str, value: Any) -> None:
    body: dict[str, Any] = dict(form())
    body[field] = value
    response = await client.post("/comments", json=body)
    assert response.status == 422
    assert field in (await response.json())["errors"]


async def test_latin1_pages_are_understood(client: Client) -> None:
    body = "comment=Caf%E9+au+lait&author=Zo%EB&email=zoe%40example.org&comment_post_ID=7"
    response = await client.post(
        "/comments",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"},
    )
    assert response.status == 201
    record = await (
        await client.get(f"/moderation/comments/{(await response.json())['id']}", headers=bearer())
    ).json()
    assert (record["content"], record["author"]) == ("Café au lait", "Zoë")


async def test_json_null_url_is_no_url(client: Client) -> None:
    body: dict[str, Any] = dict(form())
    body["url"] = None
    assert (await client.post("/comments", json=body)).status == 201


async def test_post_ids_up_to_the_largest_are_taken_as_text_too(client: Client) -> None:
    largest = str(2**63 - 1)  # 19 digits, as a JSON number is taken
    assert (await client.post("/comments", data=form(comment_post_ID=largest))).status == 201
    response = await client.post("/comments", data=form(comment_post_ID=str(2**63)))
    assert response.status == 422


async def test_json_numbers_are_taken_for_ids(client: Client) -> None:
    body: dict[str, Any] = dict(form())
    body.update(comment_post_ID=4127, comment_parent=0)
    assert (await client.post("/comments", json=body)).status == 201


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'"a string"', "application/json", 400),
        (b"\xff\xfe\xfa", "application/json", 400),
        (b"comment=caf\xe9&author=x", "application/x-www-form-urlencoded", 400),
        (b"comment=%FF%FE&author=x", "application/x-www-form-urlencoded", 400),
        (b"comment=hi", "text/plain", 415),
        (b"<comment>hi</comment>", "application/xml", 415),
        (b"comment=hi", "application/x-www-form-urlencoded; charset=klingon", 415),
        (b"comment=\\ud800", "application/x-www-form-urlencoded; charset=raw_unicode_escape", 415),
        (b'{"comment": "\\ud800"}', "application/json; charset=utf-16", 415),
        (b"comment=hi", "application/x-www-form-urlencoded; charset=undefined", 415),
        (b"comment=hi", "application/json; charset=punycode", 415),
        (
            b'--b\r\nContent-Disposition: form-data; name="\x01"\r\n\r\nx\r\n--b--\r\n',
            "multipart/form-data; boundary=b",
            400,
        ),
        (
            b"".join(
                b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i
                for i in range(100)
            )
            + b"--b--\r\n",
            "multipart/form-data; boundary=b",
            400,
        ),
        (
            "&".join(f"f{i}=x" for i in range(100)).encode(),
            "application/x-www-form-urlencoded",
            400,
        ),
    ],
)
async def test_hostile_bodies(client: Client, body: bytes, content_type: str, status: int) -> None:
    response = await client.post("/comments", data=body, headers={"Content-Type": content_type})
    assert response.status == status
    assert "error" in await response.json()


async def test_no_content_type_is_415(client: Client) -> None:
    response = await client.post("/comments", data=b"", skip_auto_headers=["Content-Type"])
    assert response.status == 415


async def test_oversized_body_is_413(make_client: ClientFactory) -> None:
    client = await make_client(max_body_bytes=4096)
    response = await client.post("/comments", data=form(comment="x" * 10_000))
    assert response.status == 413
    assert "error" in await response.json()


async def test_repeated_fields_take_the_last_value(client: Client) -> None:
    body = urlencode([*form().items(), ("author", "")])
    response = await client.post(
        "/comments", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (await response.json()) == {"errors": {"author": "Please enter your name here"}}


async def test_repeated_multipart_fields_take_the_last_value(client: Client) -> None:
    import aiohttp

    data = aiohttp.FormData(default_to_multipart=True)
    for name, value in [*form().items(), ("author", "")]:
        data.add_field(name, value)
    response = await client.post("/comments", data=data)
    assert (await response.json()) == {"errors": {"author": "Please enter your name here"}}


async def test_multipart_form(client: Client) -> None:
    import aiohttp

    data = aiohttp.FormData()
    for name, value in form().items():
        data.add_field(name, value)
    assert (await client.post("/comments", data=data)).status == 201


# Browsers -------------------------------------------------------------------------------------


async def test_browser_is_sent_back_to_the_article(client: Client) -> None:
    response = await client.post(
        "/comments", data=form(), headers={**BROWSER, "Referer": ARTICLE}, allow_redirects=False
    )
    assert response.status == 303
    assert response.headers["Location"].startswith(ARTICLE + "#comment-")


async def test_redirect_to_wins_over_referer(client: Client) -> None:
    target = "https://news.example.com/other-story/?page=2"
    response = await client.post(
        "/comments",
        data=form(redirect_to=target),
        headers={**BROWSER, "Referer": ARTICLE},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"].startswith(target + "#comment-")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "https://news.example.com@evil.example/"],
)
async def test_no_open_redirect(client: Client, target: str) -> None:
    response = await client.post(
        "/comments",
        data=form(redirect_to=target),
        headers={**BROWSER, "Referer": "https://evil.example/"},
        allow_redirects=False,
    )
    assert response.status == 201
    assert "Location" not in response.headers
    assert "text/html" in response.headers["Content-Type"]
    assert "evil.example" not in await response.text()


async def test_browser_gets_the_messages_on_a_page(client: Client) -> None:
    response = await client.post(
        "/comments",
        data=form(comment="", email="nope"),
        headers={**BROWSER, "Referer": ARTICLE},
    )
    assert response.status == 422
    assert "text/html" in response.headers["Content-Type"]
    page = await response.text()
    assert "Please enter your comment!" in page
    assert "You have entered an incorrect email address!" in page
    assert f'href="{ARTICLE}"' in page


async def test_error_page_escapes_what_it_shows(client: Client) -> None:
    response = await client.post(
        "/comments",
        data=form(comment=""),
        headers={**BROWSER, "Referer": ARTICLE + '"><script>alert(1)</script>'},
    )
    assert "<script>" not in await response.text()


# Idempotency ----------------------------------------------------------------------------------


async def test_idempotency_key_replays_the_first_answer(
    client: Client, key_prefix: str, redis_client: redis.asyncio.Redis
) -> None:
    headers = {"Idempotency-Key": "f0e9c1d2-retry-1"}
    first = await client.post("/comments", data=form(), headers=headers)
    second = await client.post("/comments", data=form(), headers=headers)
    assert first.status == second.status == 201
    assert await first.json() == await second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert await redis_client.xlen(Keys(key_prefix).approved_stream()) == 1
    assert await redis_client.zcard(Keys(key_prefix).queue(Status.APPROVED)) == 1


async def test_idempotency_key_reused_for_another_comment(client: Client) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert (await client.post("/comments", data=form(), headers=headers)).status == 201
    response = await client.post("/comments", data=form(comment="Different"), headers=headers)
    assert response.status == 422
    assert "Idempotency-Key" in (await response.json())["error"]


async def test_malformed_idempotency_key(client: Client) -> None:
    response = await client.post("/comments", data=form(), headers={"Idempotency-Key": "x" * 300})
    assert response.status == 400


# Publishing and CORS ----------------------------------------------------------------------


async def test_content_is_kept_as_sent_with_sanitised_html(client: Client) -> None:
    text = 'Nice <b>point</b><script>alert(1)</script> <a href="javascript:x">x</a>\n\nMore'
    body = await (await client.post("/comments", data=form(comment=text))).json()
    record = await (await client.get(f"/moderation/comments/{body['id']}", headers=bearer())).json()
    assert record["content"] == text
    html = record["content_html"]
    assert "<b>point</b>" in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert html.endswith("<p>More</p>")


async def test_cors_only_for_allowed_origins(client: Client) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key",
    }
    ok = await client.options("/comments", headers={"Origin": ORIGIN, **preflight})
    assert ok.status == 200
    assert ok.headers["Access-Control-Allow-Origin"] == ORIGIN
    refused = await client.options(
        "/comments", headers={"Origin": "https://evil.example", **preflight}
    )
    assert refused.status == 403
    assert "Access-Control-Allow-Origin" not in refused.headers
    posted = await client.post("/comments", data=form(), headers={"Origin": ORIGIN})
    assert posted.headers["Access-Control-Allow-Origin"] == ORIGIN
    other = await client.post(
        "/comments", data=form(comment="From elsewhere"), headers={"Origin": "https://evil.example"}
    )
    assert "Access-Control-Allow-Origin" not in other.headers
    moderation = await client.options(
        "/moderation/comments", headers={"Origin": ORIGIN, **preflight}
    )
    assert "Access-Control-Allow-Origin" not in moderation.headers
    # aiohttp_cors is only asked about requests with an Origin (its own handler is wrapped).
    handlers = list(client.app.on_response_prepare) if client.app is not None else []
    assert [h.__qualname__ for h in handlers] == ["_only_with_origin.<locals>.on_prepare"]
    plain = await client.post("/comments", data=form(comment="No origin here"))
    assert plain.status == 201
    assert "Access-Control-Allow-Origin" not in plain.headers


async def test_multipart_with_a_broken_content_disposition_is_400(client: Client) -> None:
    body = b"--b\r\nContent-Disposition: f;n=:\r\n\r\nx\r\n--b--\r\n"
    response = await client.post(
        "/comments", data=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status == 400
