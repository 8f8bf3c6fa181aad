"""/openapi.json: a valid OpenAPI 3.1 document of exactly the routes the application serves."""

from __future__ import annotations

import re
from typing import Any

import orjson
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from service import schemas
from service.app import create_app
from service.ids import new_id
from service.openapi import document
from service.openapi.bodies import required_form_fields
from service.openapi.document import OPERATIONS
from service.openapi.moderation import ID_PATTERN
from service.openapi.public import FIELD_MESSAGES
from service.settings import Settings

Client = TestClient[Any, Any]
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_the_document_is_valid_openapi() -> None:
    validate(document())  # raises on any error, unresolved $refs included


async def test_it_is_served(client: Client) -> None:
    response = await client.get("/openapi.json")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert orjson.loads(await response.read()) == orjson.loads(orjson.dumps(document()))


def _served(settings: Settings) -> set[tuple[str, str]]:
    app = create_app(settings)
    return {
        (route.method.lower(), route.resource.canonical)
        for route in app.router.routes()
        # aiohttp answers HEAD wherever it answers GET; the document leaves it implicit.
        if route.resource is not None and route.method != "HEAD"
    }


def test_every_route_is_documented_and_every_operation_served() -> None:
    settings = Settings(redis_url="redis://127.0.0.1:1/0", allowed_origins=["https://a.example"])
    documented = {
        (method, path)
        for path, item in document()["paths"].items()
        for method in item
        if method in METHODS
    }
    assert _served(settings) == documented


def test_operation_ids_are_unique() -> None:
    ids = [operation.operation_id for operation in OPERATIONS]
    assert len(ids) == len(set(ids))


def test_moderator_operations_need_the_token() -> None:
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            guarded = path.startswith("/moderation/")
            assert ("security" in operation) is guarded, (method, path)
            assert ("401" in operation["responses"]) is guarded, (method, path)


def test_documented_id_pattern_matches_our_ids() -> None:
    assert all(re.fullmatch(ID_PATTERN, new_id()) for _ in range(100))


def test_required_form_fields_come_from_the_model() -> None:
    assert required_form_fields() == ["comment", "author", "email", "comment_post_ID"]
    fields = document()["components"]["schemas"]
    for name in ("CommentFields", "CommentFormFields"):
        assert fields[name]["required"] == required_form_fields()


def test_every_refusal_with_retry_after_documents_it() -> None:
    for item in document()["paths"].values():
        for operation in item.values():
            for status in ("429", "503"):
                if status in operation["responses"]:
                    assert "Retry-After" in operation["responses"][status]["headers"]


def test_every_form_message_is_documented() -> None:
    messages = {
        value
        for name, value in vars(schemas).items()
        if name.startswith("MSG_") and name != "MSG_TEXT"
    }
    assert messages == set(FIELD_MESSAGES)
    description = document()["paths"]["/comments"]["post"]["description"]
    assert all(message in description for message in messages)
