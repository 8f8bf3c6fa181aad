"""The document itself: every operation, with schemas generated from the pydantic models."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from aiohttp import web
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema
from pydantic_core import core_schema

from .akismet import AKISMET
from .bodies import COMPONENT, hand_built
from .moderation import MODERATION
from .ops import OPS
from .public import PUBLIC
from .shapes import HEADERS, IN, JSON, OUT, Operation, Shape

OPENAPI_VERSION = "3.1.0"
OPERATIONS: tuple[Operation, ...] = (*PUBLIC, *MODERATION, *AKISMET, *OPS)
TAGS = {
    "public": "What the site's pages call: the comment form and its token.",
    "moderation": "The moderator API (Authorization: Bearer <token>).",
    "akismet": "Akismet-compatible: any Akismet client can point here instead.",
    "operations": "Health, readiness, metrics and this document.",
}


async def openapi_json(request: web.Request) -> web.Response:
    """GET /openapi.json. The document depends on the code alone, so it is built once."""
    return web.Response(body=_document_bytes(), content_type=JSON)


@functools.cache
def _document_bytes() -> bytes:
    return orjson.dumps(document())


def document() -> dict[str, Any]:
    """The whole HTTP API as an OpenAPI 3.1 document."""
    schemas = Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _render(operation, schemas)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "replyguard",
            "version": _package_version(),
            "summary": "Self-hosted, explainable spam and abuse moderation for comment forms.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": paths,
        "components": {
            "schemas": schemas.definitions,
            "headers": HEADERS,
            "securitySchemes": {
                "moderator": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from REPLYGUARD_MODERATOR_TOKENS.",
                }
            },
        },
    }


def _package_version() -> str:
    try:
        return version("replyguard")
    except PackageNotFoundError:  # pragma: no cover - run from a bare source tree
        return "0"


class _EveryFieldSent(GenerateJsonSchema):
    """Answers are dumped whole, defaults included, so every field of an answer is required."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        return self.mode == OUT or super().field_is_required(field, total)


class Schemas:
    """Every schema the operations name, as components: generated from models, or hand-built."""

    def __init__(self) -> None:
        used = sorted(set(_models()), key=lambda pair: (pair[0].__name__, pair[1]))
        refs, top = models_json_schema(
            used, ref_template=COMPONENT, schema_generator=_EveryFieldSent
        )
        self._refs = {key: value["$ref"] for key, value in refs.items()}
        self.definitions: dict[str, Any] = {**top["$defs"], **hand_built()}

    def ref(self, shape: Shape, mode: JsonSchemaMode) -> dict[str, str]:
        if isinstance(shape, str):
            return {"$ref": COMPONENT.format(model=shape)}
        return {"$ref": self._refs[(shape, mode)]}


def _models() -> Iterator[tuple[type[BaseModel], JsonSchemaMode]]:
    for operation in OPERATIONS:
        for answer in operation.answers.values():
            yield from ((shape, OUT) for shape in answer.shapes() if not isinstance(shape, str))
        yield from ((shape, IN) for shape in operation.body.values() if not isinstance(shape, str))


def _render(operation: Operation, schemas: Schemas) -> dict[str, Any]:
    responses = {
        str(code): answer.render(schemas.ref) for code, answer in operation.answers.items()
    }
    for name, link in operation.links.items():
        responses["201"].setdefault("links", {})[name] = dict(link)
    spec: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "tags": [operation.tag],
        "responses": dict(sorted(responses.items())),
    }
    if operation.description:
        spec["description"] = operation.description
    if operation.parameters:
        spec["parameters"] = [dict(parameter) for parameter in operation.parameters]
    if operation.body:
        example = {"example": dict(operation.example)} if operation.example else {}
        spec["requestBody"] = {
            "required": True,
            "content": {
                media: {"schema": schemas.ref(shape, IN), **example}
                for media, shape in operation.body.items()
            },
        }
    if operation.moderator:
        spec["security"] = [{"moderator": []}]
    return spec
