"""What the site's pages call: POST /comments, GET /form-token, and their CORS preflights."""

from __future__ import annotations

from dataclasses import replace

from .. import schemas as s
from ..intake import MAX_IDEMPOTENCY_KEY
from .bodies import MAX_ID
from .shapes import (
    FORM,
    JSON,
    MALFORMED,
    MULTIPART,
    TOO_LARGE,
    UNAVAILABLE,
    UNSUPPORTED,
    Answer,
    Operation,
    param,
)

FIELD_MESSAGES = (
    s.MSG_COMMENT,
    s.MSG_COMMENT_LONG,
    s.MSG_AUTHOR,
    s.MSG_AUTHOR_LONG,
    s.MSG_EMAIL_EMPTY,
    s.MSG_EMAIL_BAD,
    s.MSG_EMAIL_LONG,
    s.MSG_URL_LONG,
    s.MSG_POST_ID,
    s.MSG_PARENT,
)


def _browser(answer: Answer) -> Answer:
    """The same answer, or for a browser's form post (it accepts text/html) a small page."""
    return replace(answer, html=True)


_COMMENT_LINK = {"parameters": {"id": "$response.body#/id"}}

COMMENTS = Operation(
    "POST",
    "/comments",
    "postComment",
    "public",
    'The "Leave a Reply" form posts here.',
    description=(
        "Form-encoded, multipart or JSON, with WordPress's field names; later repeats of a "
        "field win. A browser (Accept: text/html) is sent back to the article with 303 See "
        "Other, or gets a small HTML page; scripts get JSON. The 422 messages are the form's "
        "own words: " + "; ".join(f"`{message}`" for message in FIELD_MESSAGES) + "."
    ),
    parameters=(
        param(
            "header",
            "Idempotency-Key",
            {"type": "string", "minLength": 1, "maxLength": MAX_IDEMPOTENCY_KEY},
            "Printable ASCII. A retry with the same key and fields gets the first answer "
            "again and stores nothing twice.",
        ),
    ),
    body={FORM: "CommentFormFields", MULTIPART: "CommentFormFields", JSON: "CommentFields"},
    example={
        "comment": "Will the new bridge have a cycle lane?",
        "author": "Maria Lopez",
        "email": "maria@example.org",
        "url": "",
        "comment_post_ID": "4127",
        "comment_parent": "0",
        "wp-comment-cookies-consent": "yes",
    },
    answers={
        201: _browser(
            Answer(
                "Stored and decided: the comment is in Redis.",
                json=s.CommentAccepted,
                headers=("Idempotent-Replayed",),
            )
        ),
        303: Answer(
            "Stored and decided; a browser is sent back to the article.",
            headers=("Location", "Idempotent-Replayed"),
        ),
        400: _browser(
            replace(MALFORMED, description=f"{MALFORMED.description} Or a bad Idempotency-Key.")
        ),
        403: _browser(
            Answer(
                "Comments are closed on the post, or the comment replied to is not approved.",
                json=s.ErrorOut,
            )
        ),
        409: _browser(Answer("A duplicate; `id` names the earlier comment.", s.DuplicateOut)),
        413: _browser(TOO_LARGE),
        415: _browser(UNSUPPORTED),
        422: _browser(
            Answer(
                "Fields refused (one message per field), or an Idempotency-Key reused for "
                "another comment.",
                json=(s.FieldErrors, s.ErrorOut),
            )
        ),
        429: _browser(
            Answer(
                "A flood or the rate limit: You are posting comments too quickly. Slow down.",
                json=s.ErrorOut,
                headers=("Retry-After",),
            )
        ),
        503: _browser(UNAVAILABLE),
    },
    links={
        "GetComment": {"operationId": "getComment", **_COMMENT_LINK},
        "ActOnComment": {"operationId": "actOnComment", **_COMMENT_LINK},
    },
)

FORM_TOKEN = Operation(
    "GET",
    "/form-token",
    "getFormToken",
    "public",
    "A signed, timed token for the form on one post.",
    parameters=(
        param(
            "query",
            "post",
            {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            "The post the form is on.",
            required=True,
        ),
    ),
    answers={
        200: Answer("The token and its rules.", json=s.FormTokenOut, headers=("Cache-Control",)),
        422: Answer("`post` is not a post number.", json=s.ErrorOut),
        503: UNAVAILABLE,
    },
)


def _preflight(path: str, operation_id: str) -> Operation:
    return Operation(
        "OPTIONS",
        path,
        operation_id,
        "public",
        "CORS preflight: pages on REPLYGUARD_ALLOWED_ORIGINS only.",
        parameters=(
            param("header", "Origin", {"type": "string"}, "The page's origin.", required=True),
            param(
                "header",
                "Access-Control-Request-Method",
                {"type": "string"},
                "The method the page means to use.",
                required=True,
            ),
            param(
                "header",
                "Access-Control-Request-Headers",
                {"type": "string"},
                "The headers the page means to send.",
            ),
        ),
        answers={
            200: Answer("Allowed: the Access-Control-Allow-* headers say what."),
            403: Answer("Not an allowed origin, method or header.", json=s.ErrorOut),
        },
    )


PUBLIC = (
    COMMENTS,
    _preflight("/comments", "preflightComments"),
    FORM_TOKEN,
    _preflight("/form-token", "preflightFormToken"),
)
