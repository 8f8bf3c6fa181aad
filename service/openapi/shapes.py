"""The pieces of the API document: operations, their answers, and the headers they carry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from .. import schemas as s

IN: JsonSchemaMode = "validation"  # request bodies: what the models accept
OUT: JsonSchemaMode = "serialization"  # answers: what the models send
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
JSON = "application/json"
HTML = "text/html"
TEXT = "text/plain"

Shape = type[BaseModel] | str  # a model, or the name of a schema built by hand (bodies.py)
Ref = Callable[[Shape, JsonSchemaMode], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Answer:
    """One documented status of an operation: its bodies (JSON, HTML, text) and headers."""

    description: str
    json: Shape | tuple[Shape, ...] | None = None
    html: bool = False
    text: Mapping[str, Any] | None = None
    headers: tuple[str, ...] = ()

    def shapes(self) -> tuple[Shape, ...]:
        if self.json is None:
            return ()
        return self.json if isinstance(self.json, tuple) else (self.json,)

    def render(self, ref: Ref) -> dict[str, Any]:
        content: dict[str, Any] = {}
        if self.json is not None:
            refs = [ref(shape, OUT) for shape in self.shapes()]
            content[JSON] = {"schema": refs[0] if len(refs) == 1 else {"anyOf": refs}}
        if self.html:
            content[HTML] = {"schema": {"type": "string"}}
        if self.text is not None:
            content[TEXT] = {"schema": dict(self.text)}
        # The access middleware tags every answer with the request's id.
        names = ("X-Request-ID", *self.headers)
        spec: dict[str, Any] = {
            "description": self.description,
            "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in names},
        }
        if content:
            spec["content"] = content
        return spec


@dataclass(frozen=True, slots=True)
class Operation:
    """One method on one path, as routes.py registers it."""

    method: str
    path: str
    operation_id: str
    tag: str
    summary: str
    answers: Mapping[int, Answer]
    description: str = ""
    parameters: tuple[Mapping[str, Any], ...] = ()
    body: Mapping[str, Shape] = field(default_factory=dict)
    example: Mapping[str, Any] = field(default_factory=dict)
    moderator: bool = False
    links: Mapping[str, Any] = field(default_factory=dict)


def param(where: str, name: str, schema: Mapping[str, Any], text: str, **more: Any) -> Any:
    """An operation's parameter: in the path, the query or a header."""
    return {"name": name, "in": where, "description": text, "schema": dict(schema), **more}


def _header(description: str, schema: Mapping[str, Any], required: bool = True) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": dict(schema)}


_SCORE = {"type": "string", "pattern": r"^[01]\.[0-9]{4}$"}
HEADERS: dict[str, Any] = {
    "X-Request-ID": _header(
        "The request's id: the client's X-Request-ID (1 to 64 printable ASCII characters), "
        "else a generated one. Logged with the request.",
        {"type": "string", "minLength": 1, "maxLength": 64},
    ),
    "Retry-After": _header(
        "Seconds to wait before trying again.", {"type": "integer", "minimum": 1}
    ),
    "WWW-Authenticate": _header("How to authenticate.", {"const": 'Bearer realm="replyguard"'}),
    "Location": _header(
        "The article the form was on (redirect_to, else the Referer; only on an allowed "
        "origin), with #comment-<id>.",
        {"type": "string", "format": "uri"},
    ),
    "Idempotent-Replayed": _header(
        "The answer repeats the first one given to this Idempotency-Key; nothing was stored.",
        {"const": "true"},
        required=False,
    ),
    "Cache-Control": _header("Never cached.", {"const": "no-store"}),
    "X-akismet-debug-help": _header("Why the call was refused.", {"type": "string"}, False),
    "X-akismet-guid": _header("An id of this check.", {"type": "string"}, False),
    "X-akismet-pro-tip": _header("Blatant spam: discard it unseen.", {"const": "discard"}, False),
    "X-replyguard-status": _header(
        "What replyguard decided.", {"enum": [status.value for status in s.Status]}, False
    ),
    "X-replyguard-spam": _header("The spam score.", _SCORE, False),
    "X-replyguard-abuse": _header("The abuse score.", _SCORE, False),
}

# Answers shared by many operations.
MALFORMED = Answer(
    "The body cannot be read: broken JSON, not an object, invalid UTF-8 or percent-encoding, "
    "too many fields.",
    json=s.ErrorOut,
)
TOO_LARGE = Answer("The body is larger than REPLYGUARD_MAX_BODY_BYTES.", json=s.ErrorOut)
UNSUPPORTED = Answer(
    "Not a content type this endpoint reads, or an unknown charset.", json=s.ErrorOut
)
UNAUTHORIZED = Answer("No valid moderator token.", json=s.ErrorOut, headers=("WWW-Authenticate",))
NOT_FOUND = Answer("No such comment or post.", json=s.ErrorOut)
UNAVAILABLE = Answer(
    "Redis did not answer, or the model is not loaded: nothing was stored; retry later.",
    json=s.ErrorOut,
    headers=("Retry-After",),
)
