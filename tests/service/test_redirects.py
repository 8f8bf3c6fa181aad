"""A browser is only ever sent back to the site's own allowed origins."""

import pytest

from service.redirects import origin_of, safe_redirect

ALLOWED = ["https://news.example.com"]


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.com/2026/11/30/story/",
        "https://NEWS.example.com:443/story?x=1#respond",
        "https://news.example.com",
    ],
)
def test_allowed(url: str) -> None:
    assert safe_redirect(url, ALLOWED) == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "/relative/path",
        "//evil.example/",
        "http://news.example.com/story",  # other scheme, other origin
        "https://news.example.com.evil.example/",
        "https://news.example.com@evil.example/",
        "https://user:pw@news.example.com/",
        "https://news.example.com:8443/",
        "javascript:alert(1)",
        "https:/\\evil.example",
        "https://news.example.com/\r\nSet-Cookie: x=1",
        "https://evil.example/?https://news.example.com",
        "https://news.example.com:99999/",
        "ftp://news.example.com/",
        "https://news.example.com/" + "a" * 3000,
    ],
)
def test_refused(url: str | None) -> None:
    assert safe_redirect(url, ALLOWED) is None


def test_origin_normalises_default_ports() -> None:
    assert origin_of("HTTP://Example.COM:80/x") == "http://example.com"
    assert origin_of("https://example.com:8443/") == "https://example.com:8443"
