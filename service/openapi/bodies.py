"""Request schemas the models cannot say alone: the form as sent, rule changes, Akismet's form."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from .. import schemas as s
from ..intake import MAX_FIELDS
from ..rules import RuleConfig
from ..settings import Settings
from .shapes import IN

COMPONENT = "#/components/schemas/{model}"
MAX_ID = 2**63 - 1
_POST_ID = {"type": "string", "pattern": "^[1-9][0-9]{0,18}$"}
_PARENT = {"type": "string", "pattern": "^([0-9A-Za-z]{1,32})?$"}

# The form's validators take any value (mode="before"); this is what each field may be on the
# wire: text in a form, or a JSON value. Refusals are 422s in the form's own words.
FORM_WIRE: dict[str, dict[str, Any]] = {
    "comment": {"type": "string", "minLength": 1},
    "author": {"type": "string", "minLength": 1, "maxLength": s.MAX_AUTHOR},
    "email": {"type": "string", "format": "email", "maxLength": s.MAX_EMAIL},
    "url": {"type": "string", "maxLength": s.MAX_URL},
    "comment_post_ID": _POST_ID,
    "comment_parent": _PARENT,
    "wp-comment-cookies-consent": {"type": "string"},
    "redirect_to": {"type": "string"},
}
JSON_WIRE: dict[str, dict[str, Any]] = {
    **FORM_WIRE,
    "comment_post_ID": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, _POST_ID]},
    "comment_parent": {
        "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_ID}, _PARENT, {"type": "null"}]
    },
    "wp-comment-cookies-consent": {"type": ["boolean", "string"]},
}
_SETTINGS = Settings.model_fields
RULE_FIELDS = {
    str(_SETTINGS["form_token_field"].default): {
        "type": "string",
        "description": "The token from GET /form-token (the field's name is configurable).",
    },
    str(_SETTINGS["honeypot_field"].default): {
        "type": "string",
        "description": "The honeypot: hidden from people, must stay empty (name configurable).",
    },
}


def required_form_fields() -> list[str]:
    """The form fields without which a post is refused: read off the model's own validation."""
    aliases = {name: info.alias or name for name, info in s.CommentForm.model_fields.items()}
    try:
        s.CommentForm.model_validate({})
    except ValidationError as exc:
        return [aliases[str(error["loc"][0])] for error in exc.errors() if error["loc"]]
    return []  # pragma: no cover - an empty form is always refused


def comment_fields(wire: str) -> dict[str, Any]:
    """What POST /comments reads: the form's fields as JSON values, or as form-encoded text."""
    model = s.CommentForm.model_json_schema(by_alias=True, mode=IN)
    shapes = FORM_WIRE if wire == "form" else JSON_WIRE
    properties = {name: {**shapes[name]} for name in model["properties"]}
    properties["comment"]["description"] = f"At most {s.MAX_COMMENT_BYTES} bytes of UTF-8."
    return {
        "type": "object",
        "description": model.get("description", ""),
        "properties": {**properties, **RULE_FIELDS},
        "required": required_form_fields(),
        "maxProperties": MAX_FIELDS,
        "additionalProperties": True if wire == "json" else {"type": "string"},
    }


def rules_change() -> dict[str, Any]:
    """PATCH /moderation/rules: any rules, each a new value or null for its default."""
    config = RuleConfig.model_json_schema(mode=IN)
    return {
        "type": "object",
        "description": "Rules to change; null puts a rule back to its default.",
        "properties": {
            name: {"anyOf": [prop, {"type": "null"}]} for name, prop in config["properties"].items()
        },
        "additionalProperties": False,
    }


def query_parameters(model: type[BaseModel]) -> tuple[dict[str, Any], ...]:
    """A query-string model's fields as optional query parameters."""
    schema = model.model_json_schema(mode=IN, ref_template=COMPONENT)
    parameters = []
    for name, prop in schema["properties"].items():
        options = [option for option in prop.get("anyOf", [prop]) if option != {"type": "null"}]
        shape = {key: value for key, value in options[0].items() if key != "title"}
        if prop.get("default") is not None:
            shape["default"] = prop["default"]
        parameters.append({"name": name, "in": "query", "required": False, "schema": shape})
    return tuple(parameters)


AKISMET_KEY_FIELDS = ("key", "api_key", "blog")
AKISMET_COMMENT_FIELDS = (
    "api_key",
    "blog",
    "user_ip",
    "user_agent",
    "referrer",
    "permalink",
    "comment_type",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_content",
    "honeypot_field_name",
    "user_role",
    "is_test",
)


def akismet_form(names: tuple[str, ...], required: list[str]) -> dict[str, Any]:
    """Akismet's form fields: every one text; others are allowed (clients send many)."""
    return {
        "type": "object",
        "properties": {name: {"type": "string"} for name in names},
        "required": required,
        "additionalProperties": {"type": "string"},
    }


def hand_built() -> dict[str, Any]:
    """Every schema of this module, by the component name the operations use."""
    return {
        "CommentFields": comment_fields(wire="json"),
        "CommentFormFields": comment_fields(wire="form"),
        "RulesChange": rules_change(),
        "AkismetKey": akismet_form(AKISMET_KEY_FIELDS, required=["key", "blog"]),
        "AkismetComment": akismet_form(
            AKISMET_COMMENT_FIELDS, required=["api_key", "blog", "user_ip"]
        ),
        "OpenAPIDocument": {"type": "object", "required": ["openapi", "info", "paths"]},
    }
