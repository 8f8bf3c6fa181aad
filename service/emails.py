"""E-mail address check, the same rules as WordPress's is_email(), with compiled patterns."""

from __future__ import annotations

import re

_LOCAL = re.compile(r"[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+")
_SUB = re.compile(r"[a-zA-Z0-9-]+")
_PHP_TRIM = " \t\n\r\0\x0b"


def is_email(email: str) -> bool:
    """True when WordPress would accept ``email`` as a commenter's address."""
    if len(email.encode("utf-8", "surrogatepass")) < 6 or email.find("@", 1) == -1:
        return False
    local, _, domain = email.partition("@")
    if not _LOCAL.fullmatch(local):
        return False
    if ".." in domain or domain.strip(_PHP_TRIM + ".") != domain:
        return False
    subs = domain.split(".")
    if len(subs) < 2:
        return False
    return all(sub.strip(_PHP_TRIM + "-") == sub and _SUB.fullmatch(sub) for sub in subs)
