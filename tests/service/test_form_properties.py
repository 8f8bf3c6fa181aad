"""Properties of reading and checking the form, for any input: a value or a 4xx, never a crash."""

from __future__ import annotations

import asyncio
import string
from collections import Counter
from collections.abc import Mapping
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlencode

import orjson
import pytest
from aiohttp import web
from aiohttp.streams import StreamReader
from aiohttp.test_utils import make_mocked_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.emails import is_email
from service.errors import InvalidForm, MalformedRequest, UnsupportedContentType
from service.intake import (
    FORM,
    JSON,
    MAX_FIELDS,
    MULTIPART,
    parse_urlencoded,
    read_fields,
    validate,
)
from service.openapi.public import FIELD_MESSAGES
from service.schemas import MAX_AUTHOR, MAX_COMMENT_BYTES, MAX_EMAIL, MAX_URL, CommentForm

FORM_FIELDS = (
    "comment",
    "author",
    "email",
    "url",
    "comment_post_ID",
    "comment_parent",
    "wp-comment-cookies-consent",
    "redirect_to",
)
CHECKED_FIELDS = frozenset(FORM_FIELDS) - {"wp-comment-cookies-consent", "redirect_to"}
BOUNDARY = "rg-property-boundary-6f1c2a"
EXAMPLES = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def count(tallies: dict[str, Counter[str]], request: pytest.FixtureRequest) -> Counter[str]:
    return tallies.setdefault(f"hypothesis {request.node.name}", Counter())


# Strategies -----------------------------------------------------------------------------------

any_text = st.text(st.characters(codec=None), max_size=300)  # surrogates and all
huge_text = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(0, MAX_COMMENT_BYTES + 9))
values = st.one_of(
    any_text,
    huge_text,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
fields_of_any_kind = st.dictionaries(
    st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=12)), values, max_size=12
)

_label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
emails = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.from_regex(r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]{1,30}", fullmatch=True),
    st.lists(_label, min_size=2, max_size=4),
).filter(lambda email: 6 <= len(email) <= MAX_EMAIL)
said = st.text(min_size=1, max_size=2000).filter(str.strip)
valid_forms = st.fixed_dictionaries(
    {
        "comment": said,
        "author": st.text(min_size=1, max_size=MAX_AUTHOR).filter(str.strip),
        "email": emails,
        "comment_post_ID": st.integers(1, 2**63 - 1).map(str),
    },
    optional={
        "url": st.text(max_size=MAX_URL),
        "comment_parent": st.one_of(
            st.just("0"), st.text(string.ascii_letters + string.digits, min_size=1, max_size=32)
        ),
        "wp-comment-cookies-consent": st.sampled_from(["yes", "", "0"]),
        "redirect_to": st.text(max_size=100),
    },
)


def _multipart(pairs: list[tuple[str, str]]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode()
        + b"\r\n"
        for name, value in pairs
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


MULTIPART_TYPE = f"{MULTIPART}; boundary={BOUNDARY}"
ENCODERS = {
    FORM: lambda pairs: urlencode(pairs).encode(),
    MULTIPART_TYPE: _multipart,
    JSON: lambda pairs: orjson.dumps(dict(pairs)),
}

content_types = st.one_of(
    st.sampled_from([FORM, JSON, MULTIPART_TYPE, MULTIPART, "text/plain", "", "multipart/mixed"]),
    st.builds(lambda charset: f"{FORM}; charset={charset}", st.text(string.printable, max_size=12)),
    st.builds(lambda charset: f"{JSON}; charset={charset}", st.sampled_from(["utf-16", "latin-1"])),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
)
percent_soup = st.lists(
    st.sampled_from(["%", "%F", "%FF", "%C3", "%C3%A9", "%00", "%ZZ", "a=b", "&", "=", "+", "é"]),
    max_size=30,
).map(lambda parts: "".join(parts).encode())
multipart_soup = st.lists(st.tuples(st.text(max_size=8), st.binary(max_size=20)), max_size=5).map(
    lambda parts: b"".join(
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name={name!r}\r\n\r\n".encode(
            "utf-8", "surrogatepass"
        )
        + value
        + b"\r\n"
        for name, value in parts
    )
)
bodies = st.one_of(st.binary(max_size=2000), percent_soup, multipart_soup)


async def _read(body: bytes, content_type: str, max_size: int = 1 << 20) -> Mapping[str, Any]:
    """read_fields on a request carrying ``body``, as the server would hand it over."""
    payload = StreamReader(mock.Mock(_reading_paused=False), 1 << 16)
    payload.feed_data(body)
    payload.feed_eof()
    headers = {"Content-Length": str(len(body))}
    if content_type:
        headers["Content-Type"] = content_type
    request = make_mocked_request(
        "POST", "/comments", headers=headers, payload=payload, client_max_size=max_size
    )
    return await read_fields(request)


def read(body: bytes, content_type: str, max_size: int = 1 << 20) -> Mapping[str, Any]:
    return asyncio.run(_read(body, content_type, max_size))


# Properties -----------------------------------------------------------------------------------


@EXAMPLES
@given(
    fields=st.one_of(
        fields_of_any_kind,
        st.builds(
            lambda form, changes: {**form, **changes},
            valid_forms,
            st.dictionaries(st.sampled_from(FORM_FIELDS), values, max_size=2),
        ),
    )
)
def test_validation_answers_in_the_documented_words(
    fields: dict[str, Any], count: Counter[str]
) -> None:
    count["examples"] += 1
    try:
        form = validate(fields)
    except InvalidForm as exc:
        refused = exc.errors
    else:
        refused = {}
        _assert_within_limits(form)
    count["refused" if refused else "accepted"] += 1
    assert set(refused) <= CHECKED_FIELDS
    for field, message in refused.items():
        assert message in FIELD_MESSAGES or message == f"{field} must be text", message


def _assert_within_limits(form: CommentForm) -> None:
    assert form.comment == form.comment.strip() != ""
    assert len(form.comment.encode("utf-8", "surrogatepass")) <= MAX_COMMENT_BYTES
    assert 0 < len(form.author) <= MAX_AUTHOR
    assert is_email(form.email)
    assert len(form.email) <= MAX_EMAIL
    assert len(form.url) <= MAX_URL
    assert 0 < form.post_id < 2**63
    assert form.parent_id is None or (form.parent_id.isalnum() and form.parent_id.isupper())


@EXAMPLES
@given(fields=valid_forms, content_type=st.sampled_from(sorted(ENCODERS)))
def test_a_valid_form_round_trips_through_every_content_type(
    fields: dict[str, str], content_type: str, count: Counter[str]
) -> None:
    count["examples"] += 1
    read_back = read(ENCODERS[content_type](list(fields.items())), content_type)
    assert read_back == fields
    form = validate(read_back)
    assert form.comment == fields["comment"].strip()
    assert form.author == fields["author"].strip()
    assert form.email == fields["email"]
    assert form.url == fields.get("url", "").strip()
    assert form.post_id == int(fields["comment_post_ID"])
    parent = fields.get("comment_parent", "0")
    assert form.parent_id == (None if parent == "0" else parent.upper())


@EXAMPLES
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["comment", "author", "x"]), st.text(max_size=20)),
        max_size=MAX_FIELDS,
    ),
    content_type=st.sampled_from([FORM, MULTIPART_TYPE]),
)
def test_repeated_fields_take_the_last_value(
    pairs: list[tuple[str, str]], content_type: str, count: Counter[str]
) -> None:
    count["examples"] += 1
    assert read(ENCODERS[content_type](pairs), content_type) == dict(pairs)


@EXAMPLES
@given(body=bodies, content_type=content_types)
def test_any_body_is_read_or_refused(body: bytes, content_type: str, count: Counter[str]) -> None:
    count["examples"] += 1
    try:
        fields = read(body, content_type, max_size=1024)
    except (MalformedRequest, UnsupportedContentType, web.HTTPRequestEntityTooLarge) as exc:
        count[type(exc).__name__] += 1
    else:
        count["read"] += 1
        assert isinstance(fields, Mapping)
        assert len(fields) <= MAX_FIELDS
        assert all(isinstance(name, str) for name in fields)


_URLENCODED_PIECES = st.sampled_from(
    [b"&", b"=", b"+", b"%", b"%41", b"%2B", b"%26", b"%3D", b"%C3%A9", b"%c3", b"%A9", b"%zz",
     b"%4", b"%E2%82%AC", b"%00", b"%5C", b"\\", b"\\x41", b"\\\\", b"a", b"b", b" ",
     "é".encode(), b"\xe9", "€".encode()]
)  # fmt: skip


@EXAMPLES
@given(
    body=st.lists(_URLENCODED_PIECES, max_size=24).map(b"".join),
    charset=st.sampled_from(["utf-8", "latin-1", "ascii"]),
)
def test_urlencoded_bodies_read_as_parse_qsl_reads_them(
    body: bytes, charset: str, count: Counter[str]
) -> None:
    try:
        text = body.decode(charset)
    except UnicodeError:
        count["not the charset"] += 1
        return
    try:
        expected: dict[str, str] | None = dict(
            parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict")
        )
    except UnicodeError:
        expected = None
    try:
        got: dict[str, str] | None = parse_urlencoded(body, charset)
    except UnicodeError:
        got = None
    count["refused" if expected is None else "read"] += 1
    assert got == expected
