"""The small HTML pages a browser gets when there is no article to send it back to."""

from __future__ import annotations

from html import escape

from .schemas import CommentAccepted, Status

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}}
.error{{color:#b00020}}</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""

_STATUS_TEXT = {
    Status.APPROVED: "Thank you: your comment is published.",
    Status.PENDING: "Thank you: your comment is awaiting moderation.",
    Status.SPAM: "Thank you: your comment is awaiting moderation.",
    Status.REJECTED: "Sorry, your comment could not be published.",
}


def accepted_page(answer: CommentAccepted) -> str:
    """Shown after a browser post when no allowed page to return to is known."""
    return _PAGE.format(title="Comment received", body=f"<p>{_STATUS_TEXT[answer.status]}</p>")


def error_page(errors: dict[str, str], back: str | None) -> str:
    """The form's messages, with a link back to the article when one is known."""
    items = "".join(f'<li class="error">{escape(message)}</li>' for message in errors.values())
    link = (
        f'<p><a href="{escape(back, quote=True)}">&laquo; Back</a></p>'
        if back
        else '<p><a href="javascript:history.back()">&laquo; Back</a></p>'
    )
    return _PAGE.format(title="Your comment was not sent", body=f"<ul>{items}</ul>{link}")
