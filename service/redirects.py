"""Where a browser may be sent back to: only pages on the site's own allowed origins."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute http(s) URL, lower-cased, default port dropped."""
    if any(ch in url for ch in "\\\r\n\t\0") or not url.isprintable():
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def safe_redirect(url: str | None, allowed_origins: Sequence[str]) -> str | None:
    """``url`` itself when it is an absolute URL on an allowed origin, else None."""
    if not url or len(url) > 2048:
        return None
    origin = origin_of(url.strip())
    allowed = {origin_of(item) for item in allowed_origins}
    return url.strip() if origin is not None and origin in allowed else None
