"""The Akismet-compatible API, with Akismet's plain-text answers and headers."""

from __future__ import annotations

from ..akismet import THANKS
from .shapes import FORM, MALFORMED, TOO_LARGE, UNAVAILABLE, UNSUPPORTED, Answer, Operation

_REFUSED = {
    "anyOf": [{"const": "invalid"}, {"type": "string", "pattern": "^Missing required field: "}]
}
_DEBUG = ("X-akismet-debug-help",)


def _call(path: str, operation_id: str, summary: str, answer: Answer, body: str) -> Operation:
    answers = {200: answer, 400: MALFORMED, 413: TOO_LARGE, 415: UNSUPPORTED}
    if path != "/1.1/verify-key":  # the others read rules and scores from Redis
        answers[503] = UNAVAILABLE
    return Operation("POST", path, operation_id, "akismet", summary, answers, body={FORM: body})


AKISMET = (
    _call(
        "/1.1/verify-key",
        "verifyKey",
        "Is this API key valid (for this blog)?",
        Answer("`valid` or `invalid`.", text={"enum": ["valid", "invalid"]}, headers=_DEBUG),
        "AkismetKey",
    ),
    _call(
        "/1.1/comment-check",
        "commentCheck",
        "`true` when replyguard would mark the comment spam or reject it; stores nothing.",
        Answer(
            "`true`, `false`, `invalid` (the key) or `Missing required field: ...`.",
            text={"anyOf": [{"enum": ["true", "false"]}, _REFUSED]},
            headers=(
                *_DEBUG,
                "X-akismet-guid",
                "X-akismet-pro-tip",
                "X-replyguard-status",
                "X-replyguard-spam",
                "X-replyguard-abuse",
            ),
        ),
        "AkismetComment",
    ),
    *(
        _call(
            f"/1.1/submit-{label}",
            f"submit{label.capitalize()}",
            f"A comment that was {label}: kept on the feedback stream as a training example.",
            Answer(
                "Thanks, or `invalid` (the key), or `Missing required field: ...`.",
                text={"anyOf": [{"const": THANKS}, _REFUSED]},
                headers=_DEBUG,
            ),
            "AkismetComment",
        )
        for label in ("spam", "ham")
    ),
)
