"""POST /comments: read the form however it was sent, then hand it to moderation."""

from __future__ import annotations

import codecs
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import BadContentDispositionHeader, BadContentDispositionParam
from pydantic import ValidationError

from .appkeys import MODERATION, SETTINGS, TRUSTED_PROXIES
from .draft import Draft
from .errors import InvalidForm, InvalidQuery, MalformedRequest, UnsupportedContentType
from .formtoken import issue
from .pages import accepted_page
from .proxies import TrustedProxies, client_ip
from .redirects import safe_redirect
from .schemas import CommentAccepted, CommentForm, FormTokenOut

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MULTIPART = "multipart/form-data"
MAX_FIELDS = 64
# Forms are sent in the page's encoding: UTF-8 today, Latin-1 on old pages. Nothing exotic: a
# codec such as raw_unicode_escape could smuggle in text that is not valid Unicode.
CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"})
MAX_IDEMPOTENCY_KEY = 255
WANTS_HTML = web.RequestKey("wants_html", bool)
BACK_TO = web.RequestKey("back_to", str)


def wants_html(request: web.Request) -> bool:
    """A browser's own form post: it accepts an HTML page (or a redirect) back."""
    return "text/html" in request.headers.get("Accept", "")


async def read_fields(request: web.Request) -> Mapping[str, Any]:
    """The posted fields as a mapping, whatever the content type; later repeats win, as in PHP."""
    ctype = request.content_type
    if ctype == MULTIPART:
        return await _multipart(request)
    if ctype not in (FORM, JSON):
        raise UnsupportedContentType(
            f"Send the form as {FORM} or {JSON} (or {MULTIPART}), not {ctype or 'no content type'}."
        )
    charset = (request.charset or "utf-8").lower()
    if charset not in CHARSETS:
        raise UnsupportedContentType(f"Charset {charset!r} is not accepted; send UTF-8.")
    body = await request.read()
    try:
        text = body.decode(charset)
    except ValueError as exc:
        raise MalformedRequest(f"The body is not valid {charset}.") from exc
    if ctype == JSON:
        return _json_object(text)
    if body.count(b"&") >= MAX_FIELDS:
        raise MalformedRequest(f"At most {MAX_FIELDS} fields may be sent.")
    try:
        return parse_urlencoded(body, charset)
    except UnicodeError as exc:
        raise MalformedRequest(f"A percent-encoded field is not valid {charset}.") from exc


def parse_urlencoded(body: bytes, charset: str) -> dict[str, str]:
    """What ``dict(parse_qsl(body.decode(charset), keep_blank_values=True, encoding=charset,
    errors="strict"))`` gives for a body that decodes, at a third of its cost: fields are split
    and percent-decoded as bytes, then decoded once each. Raises UnicodeError like it."""
    fields: dict[str, str] = {}
    for part in body.split(b"&"):
        if part:
            name, _, value = part.partition(b"=")
            fields[_unquote(name).decode(charset)] = _unquote(value).decode(charset)
    return fields


def _unquote(raw: bytes) -> bytes:
    """``+`` and ``%XX`` decoded. The escapes become ``\\xXX`` for the C escape decoder (every
    backslash of the text doubled first, so nothing else is an escape); a malformed escape,
    which the decoder refuses, is left as it stands by urllib's own function."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw
    try:
        return codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:
        return unquote_to_bytes(raw)


async def _multipart(request: web.Request) -> Mapping[str, Any]:
    try:
        with warnings.catch_warnings():
            # aiohttp only warns about a part whose Content-Disposition it cannot parse, then
            # drops the part's name; such a body is refused, not half read.
            warnings.simplefilter("error", BadContentDispositionHeader)
            warnings.simplefilter("error", BadContentDispositionParam)
            posted = await request.post()
    except (ValueError, HttpProcessingError) as exc:  # broken part headers, bad encodings
        raise MalformedRequest(f"The multipart body could not be read: {exc}") from exc
    except (BadContentDispositionHeader, BadContentDispositionParam) as exc:
        raise MalformedRequest(f"A part's Content-Disposition is malformed: {exc}") from exc
    if len(posted) > MAX_FIELDS:
        raise MalformedRequest(f"At most {MAX_FIELDS} fields may be sent.")
    return dict(posted.items())  # every pair in order, so later repeats win


def _json_object(text: str) -> Mapping[str, Any]:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(f"The body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise MalformedRequest("The JSON body must be an object of form fields.")
    if len(data) > MAX_FIELDS:
        raise MalformedRequest(f"At most {MAX_FIELDS} fields may be sent.")
    return data


_FORM_NAMES = {name: info.alias or name for name, info in CommentForm.model_fields.items()}


def validate(fields: Mapping[str, Any]) -> CommentForm:
    """The checked form, or InvalidForm with one message per field in the form's own words."""
    try:
        return CommentForm.model_validate(fields)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "form"
            field = _FORM_NAMES.get(name, name)
            message = error["msg"]
            errors.setdefault(field, message if message != "must be text" else f"{field} {message}")
        raise InvalidForm(errors) from exc


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What the request says about its sender, beside the form."""

    ip: str
    user_agent: str
    referer: str


def client_info(request: web.Request, trusted: TrustedProxies) -> ClientInfo:
    """The client's address (X-Forwarded-For only from a trusted proxy), User-Agent and Referer."""
    return ClientInfo(
        ip=client_ip(request.remote or "", request.headers.getall("X-Forwarded-For", []), trusted),
        user_agent=request.headers.get("User-Agent", "")[:512],
        referer=request.headers.get("Referer", "")[:2048],
    )


def idempotency_key(request: web.Request) -> str | None:
    """The Idempotency-Key header, checked for shape."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY or not key.isprintable() or not key.isascii():
        raise MalformedRequest(
            f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters."
        )
    return key


def draft_of(
    form: CommentForm, fields: Mapping[str, Any], client: ClientInfo, token_field: str
) -> Draft:
    """The validated form, with the client's details and every other posted text field."""
    texts = {name: value for name, value in fields.items() if isinstance(value, str)}
    token = texts.get(token_field, "").strip()
    return Draft(
        content=form.comment,
        author=form.author,
        email=form.email,
        url=form.url,
        post_id=form.post_id,
        parent_id=form.parent_id,
        ip=client.ip,
        user_agent=client.user_agent,
        referer=client.referer,
        form_token=token or None,
        cookies_consent=form.cookies_consent,
        fields=texts,
    )


async def post_comment(request: web.Request) -> web.StreamResponse:
    """The "Leave a Reply" form posts here."""
    settings = request.app[SETTINGS]
    request[WANTS_HTML] = wants_html(request)
    key = idempotency_key(request)
    fields = await read_fields(request)
    if isinstance(back := fields.get("redirect_to"), str):
        request[BACK_TO] = back
    form = validate(fields)
    client = client_info(request, request.app[TRUSTED_PROXIES])
    draft = draft_of(form, fields, client, settings.form_token_field)
    submitted = await request.app[MODERATION].submit(draft, key)
    headers = {"Idempotent-Replayed": "true"} if submitted.replayed else {}
    if request[WANTS_HTML]:
        return _browser_answer(request, form, submitted.answer, headers)
    return web.Response(
        status=201,
        body=submitted.answer.model_dump_json().encode(),
        content_type=JSON,
        headers=headers,
    )


def _browser_answer(
    request: web.Request, form: CommentForm, answer: CommentAccepted, headers: dict[str, str]
) -> web.StreamResponse:
    origins = request.app[SETTINGS].allowed_origins
    target = safe_redirect(form.redirect_to, origins) or safe_redirect(
        request.headers.get("Referer"), origins
    )
    if target is not None:
        location = f"{target.split('#', 1)[0]}#comment-{answer.id}"
        return web.Response(status=303, headers={**headers, "Location": location})
    return web.Response(
        status=201, text=accepted_page(answer), content_type="text/html", headers=headers
    )


async def form_token(request: web.Request) -> web.Response:
    """GET /form-token?post=ID: the signed, timed token the form on that post sends back."""
    post = request.query.get("post", "")
    if not (post.isascii() and post.isdigit() and 0 < int(post) < 2**63):
        raise InvalidQuery("post must be the number of the post the form is on")
    settings = request.app[SETTINGS]
    moderation = request.app[MODERATION]
    rules = await moderation.rules()
    answer = FormTokenOut(
        field=settings.form_token_field,
        token=issue(await moderation.secret(), int(post)),
        honeypot_field=rules.config.honeypot_field,
        min_seconds=rules.config.min_submit_seconds,
        expires_in=rules.config.form_token_max_age,
    )
    return web.Response(
        body=answer.model_dump_json().encode(),
        content_type=JSON,
        headers={"Cache-Control": "no-store"},
    )
