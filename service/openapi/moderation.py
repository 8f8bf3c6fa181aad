"""The moderator API: the queue, actions, rules, posts and erasure, each behind a bearer token."""

from __future__ import annotations

from dataclasses import replace

from .. import schemas as s
from ..rules import RulesView
from .bodies import MAX_ID, query_parameters
from .shapes import (
    JSON,
    MALFORMED,
    NOT_FOUND,
    TOO_LARGE,
    UNAUTHORIZED,
    UNAVAILABLE,
    Answer,
    Operation,
    param,
)

ID_PATTERN = "^[0-9A-HJKMNP-TV-Z]{26}$"  # a ULID in Crockford's base32, as service.ids makes
COMMENT_ID = param(
    "path", "id", {"type": "string", "pattern": ID_PATTERN}, "A comment id.", required=True
)
POST_ID = param(
    "path",
    "post_id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "A post.",
    required=True,
)
REFUSED = Answer("A bad value.", json=s.FieldErrors)


def _moderator(*operations: Operation) -> tuple[Operation, ...]:
    """Every one needs a moderator's token (401 without), and Redis (503 without)."""
    return tuple(
        replace(
            op,
            tag="moderation",
            moderator=True,
            answers={**op.answers, 401: UNAUTHORIZED, 503: UNAVAILABLE},
        )
        for op in operations
    )


MODERATION = _moderator(
    Operation(
        "GET",
        "/moderation/comments",
        "listComments",
        "",
        "The queue of one status, oldest first, a page at a time.",
        parameters=query_parameters(s.ModerationQuery),
        answers={
            200: Answer("One page; `next_cursor` is null on the last.", json=s.QueuePage),
            422: Answer("A query parameter out of range.", json=s.ErrorOut),
        },
    ),
    Operation(
        "GET",
        "/moderation/comments/{id}",
        "getComment",
        "",
        "One comment: the stored record, scores, reasons, explanations, history.",
        parameters=(COMMENT_ID,),
        answers={200: Answer("The comment.", json=s.CommentRecord), 404: NOT_FOUND},
    ),
    Operation(
        "POST",
        "/moderation/comments/{id}/{action}",
        "actOnComment",
        "",
        "Approve, hold, mark as spam or reject a comment; recorded with the moderator's name.",
        parameters=(
            COMMENT_ID,
            param(
                "path",
                "action",
                {"enum": [action.value for action in s.Action]},
                "What to do.",
                required=True,
            ),
        ),
        answers={
            200: Answer("The updated comment.", json=s.CommentRecord),
            404: NOT_FOUND,
            409: Answer(
                "Another moderator changed the comment first, or it has that status already.",
                json=s.ErrorOut,
            ),
        },
    ),
    Operation(
        "GET",
        "/moderation/rules",
        "getRules",
        "",
        "The rules in force, which of them moderators changed, and the defaults.",
        answers={200: Answer("The rules.", json=RulesView)},
    ),
    Operation(
        "PATCH",
        "/moderation/rules",
        "changeRules",
        "",
        "Change some rules at runtime; null puts one back to its default.",
        body={JSON: "RulesChange"},
        example={"max_links": 4, "disallowed_keys": ["casino", "replica watches"]},
        answers={
            200: Answer("The rules now in force.", json=RulesView),
            400: MALFORMED,
            413: TOO_LARGE,
            422: Answer("An unknown rule or a bad value.", json=s.FieldErrors),
        },
    ),
    Operation(
        "GET",
        "/moderation/posts/{post_id}",
        "getPost",
        "",
        "One post's settings.",
        parameters=(POST_ID,),
        answers={200: Answer("The settings.", json=s.PostSettings), 404: NOT_FOUND},
    ),
    Operation(
        "PUT",
        "/moderation/posts/{post_id}",
        "putPost",
        "",
        "Close a post's comments, or hold every comment on it.",
        parameters=(POST_ID,),
        body={JSON: s.PostSettings},
        example={"closed": False, "moderate_all": True},
        answers={
            200: Answer("The settings now in force.", json=s.PostSettings),
            400: MALFORMED,
            404: NOT_FOUND,
            413: TOO_LARGE,
            422: REFUSED,
        },
    ),
    Operation(
        "POST",
        "/moderation/erase",
        "erase",
        "",
        "Erase every comment by an e-mail address and its traces; published ones are retracted.",
        body={JSON: s.EraseRequest},
        example={"email": "maria@example.org"},
        answers={
            200: Answer("What was erased.", json=s.EraseResult),
            400: MALFORMED,
            413: TOO_LARGE,
            422: REFUSED,
        },
    ),
)
