"""Pydantic models at every boundary: the posted form, the stored record and the responses."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from .emails import is_email


class Status(StrEnum):
    """Where a comment stands. Stored and sent as the plain string."""

    APPROVED = "approved"
    PENDING = "pending"
    SPAM = "spam"
    REJECTED = "rejected"


class Action(StrEnum):
    """What a moderator can do to a comment, and the status each leads to."""

    APPROVE = "approve"
    HOLD = "hold"
    SPAM = "spam"
    REJECT = "reject"

    @property
    def target(self) -> Status:
        return _ACTION_TARGET[self]


_ACTION_TARGET = {
    Action.APPROVE: Status.APPROVED,
    Action.HOLD: Status.PENDING,
    Action.SPAM: Status.SPAM,
    Action.REJECT: Status.REJECTED,
}

# The form's own words (the theme's), and WordPress's length messages.
MSG_COMMENT = "Please enter your comment!"
MSG_AUTHOR = "Please enter your name here"
MSG_EMAIL_EMPTY = "Please enter your email address here"
MSG_EMAIL_BAD = "You have entered an incorrect email address!"
MSG_AUTHOR_LONG = "Your name is too long."
MSG_EMAIL_LONG = "Your email address is too long."
MSG_URL_LONG = "Your URL is too long."
MSG_COMMENT_LONG = "Your comment is too long."
MSG_POST_ID = "Please say which post this comment is for (comment_post_ID)."
MSG_PARENT = "comment_parent must be the id of the comment replied to, or 0."
MSG_TEXT = "must be text"

# WordPress's limits (wp_get_comment_fields_max_lengths): characters, except bytes for the comment.
MAX_AUTHOR = 245
MAX_EMAIL = 100
MAX_URL = 200
MAX_COMMENT_BYTES = 65525


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("replyguard", message)


def _text(value: Any, empty_message: str) -> str:
    if value is None:
        raise _fail(empty_message)
    if not isinstance(value, str):
        raise _fail(MSG_TEXT)
    return value.strip()


def _whole_number(value: Any, message: str, minimum: int) -> int:
    if isinstance(value, bool):
        raise _fail(message)
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 19:
            raise _fail(message)
        value = int(value)
    if not isinstance(value, int) or value < minimum or value > 2**63 - 1:
        raise _fail(message)
    return value


class CommentForm(BaseModel):
    """The "Leave a Reply" form, with WordPress's field names, checked in the form's own words."""

    model_config = ConfigDict(
        frozen=True, populate_by_name=True, extra="ignore", validate_default=True
    )

    comment: str = ""
    author: str = ""
    email: str = ""
    url: str = ""
    post_id: int = Field(default=0, alias="comment_post_ID")
    parent_id: str | None = Field(default=None, alias="comment_parent")
    cookies_consent: bool = Field(default=False, alias="wp-comment-cookies-consent")
    redirect_to: str | None = None

    @field_validator("comment", mode="before")
    @classmethod
    def _comment(cls, value: Any) -> str:
        text = _text(value, MSG_COMMENT)
        if not text:
            raise _fail(MSG_COMMENT)
        if len(text.encode("utf-8", "surrogatepass")) > MAX_COMMENT_BYTES:
            raise _fail(MSG_COMMENT_LONG)
        return text

    @field_validator("author", mode="before")
    @classmethod
    def _author(cls, value: Any) -> str:
        text = _text(value, MSG_AUTHOR)
        if not text:
            raise _fail(MSG_AUTHOR)
        if len(text) > MAX_AUTHOR:
            raise _fail(MSG_AUTHOR_LONG)
        return text

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> str:
        text = _text(value, MSG_EMAIL_EMPTY)
        if not text:
            raise _fail(MSG_EMAIL_EMPTY)
        if len(text) > MAX_EMAIL:
            raise _fail(MSG_EMAIL_LONG)
        if not is_email(text):
            raise _fail(MSG_EMAIL_BAD)
        return text

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str:
        text = _text("" if value is None else value, "")  # optional: null is no URL
        if len(text) > MAX_URL:
            raise _fail(MSG_URL_LONG)
        return text

    @field_validator("post_id", mode="before")
    @classmethod
    def _post_id(cls, value: Any) -> int:
        return _whole_number(value, MSG_POST_ID, minimum=1)

    @field_validator("parent_id", mode="before")
    @classmethod
    def _parent_id(cls, value: Any) -> str | None:
        # 0 means no parent; otherwise the id of the comment replied to (ours, or a number).
        if isinstance(value, int) and not isinstance(value, bool):
            return None if value == 0 else str(_whole_number(value, MSG_PARENT, minimum=1))
        if not isinstance(value, str) and value is not None:
            raise _fail(MSG_PARENT)
        text = (value or "").strip()
        if text in ("", "0"):
            return None
        if not (text.isascii() and text.isalnum() and len(text) <= 32):
            raise _fail(MSG_PARENT)
        return text.upper()

    @field_validator("cookies_consent", mode="before")
    @classmethod
    def _consent(cls, value: Any) -> bool:
        # An HTML checkbox is sent (usually as "yes") only when ticked.
        if isinstance(value, bool):
            return value
        return isinstance(value, str) and value.strip().lower() not in ("", "0", "no", "false")

    @field_validator("redirect_to", mode="before")
    @classmethod
    def _redirect_to(cls, value: Any) -> str | None:
        return value.strip() or None if isinstance(value, str) else None


class Scores(BaseModel):
    """The models' probabilities, plain floats in [0, 1]."""

    spam: float
    abuse: float


class Reason(BaseModel):
    """One rule or threshold that shaped the decision, in words a moderator reads."""

    code: str
    message: str


class Contribution(TypedDict):
    """One feature that pushed a score up, with its weight on the model's logit. A plain dict:
    a comment carries ten of them, and they are only ever made by the model."""

    feature: str
    weight: float


class HistoryEntry(BaseModel):
    """One moderator action on a comment."""

    action: Action
    by: str
    at: datetime
    from_status: Status
    to_status: Status


class CommentRecord(BaseModel):
    """A comment as stored in Redis and published on the approved stream."""

    id: str
    post_id: int
    parent_id: str | None
    author: str
    email: str
    url: str
    content: str
    content_html: str = ""
    cookies_consent: bool
    ip_hash: str
    ip: str | None = None
    user_agent: str
    referer: str
    created_at: datetime
    status: Status
    decided_status: Status
    scores: Scores
    reasons: list[Reason]
    explanations: dict[str, list[Contribution]] = Field(default_factory=dict)
    model_version: str
    history: list[HistoryEntry] = Field(default_factory=list)


class CommentAccepted(BaseModel):
    """The 201 answer to a stored comment."""

    id: str
    status: Status
    scores: Scores
    reasons: list[Reason]
    model_version: str


class FieldErrors(BaseModel):
    """The 422 answer: one message per field, in the form's words."""

    errors: dict[str, str]


class ErrorOut(BaseModel):
    """Any other refusal."""

    error: str


class DuplicateOut(ErrorOut):
    """The 409 answer to a duplicate comment, naming the earlier one."""

    id: str


class FormTokenOut(BaseModel):
    """GET /form-token: the token the form sends back, and the rules it is checked by."""

    field: str
    token: str
    honeypot_field: str
    min_seconds: float
    expires_in: int


class HealthOut(BaseModel):
    """GET /healthz."""

    status: Literal["ok"]


class ModelState(BaseModel):
    """Whether the model is loaded, and which one."""

    loaded: bool
    version: str | None


class RedisUp(BaseModel):
    """Redis answered a PING, this fast."""

    ok: Literal[True]
    latency_ms: float


class RedisDown(BaseModel):
    """Redis did not answer."""

    ok: Literal[False]
    error: str


class ReadinessOut(BaseModel):
    """GET /readyz: ready only when Redis answers and the model is loaded."""

    model: ModelState
    redis: RedisUp | RedisDown
    ready: bool


class QueuePage(BaseModel):
    """One page of the moderator queue, oldest first."""

    items: list[CommentRecord]
    next_cursor: str | None


class PostSettings(BaseModel):
    """One post's own rules, set by moderators."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    closed: bool = False
    moderate_all: bool = False


class EraseRequest(BaseModel):
    """Whose comments and personal data to erase."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=MAX_EMAIL)]


class EraseResult(BaseModel):
    """What an erasure removed."""

    email: str
    erased: int
    retracted: int


class ModerationQuery(BaseModel):
    """The moderator list's query string."""

    model_config = ConfigDict(frozen=True)

    status: Status = Status.PENDING
    limit: Annotated[int, Field(ge=1, le=500)] = 50
    cursor: Annotated[str | None, Field(max_length=64, pattern=r"^[0-9A-Z]+$")] = None
