"""safe_redirect, for any URL: back to an allowed origin, or nowhere (no open redirect)."""

from __future__ import annotations

import string
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from service.redirects import safe_redirect

ALLOWED = ["https://news.example.com", "http://blog.example.org:8080"]
ALLOWED_ORIGINS = {("https", "news.example.com", 443), ("http", "blog.example.org", 8080)}
EXAMPLES = settings(
    max_examples=1000,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

schemes = st.sampled_from(["https", "http", "HTTPS", "hTTp", "javascript", "data", "ftp", ""])
separators = st.sampled_from(["://", ":/", ":\\\\", ":", ":///", "://\\", ":\\/", "//", " ://"])
userinfo = st.one_of(st.just(""), st.text(max_size=10).map(lambda user: f"{user}@"))
hosts = st.one_of(
    st.sampled_from(
        [
            "news.example.com",
            "NEWS.Example.COM",
            "blog.example.org",
            "evil.example",
            "news.example.com.evil.example",
            "evil.example#news.example.com",
            "evil.example?news.example.com",
            "news.example.com@evil.example",
            "news.example.com\\@evil.example",
            "news.example.com%2F@evil.example",
            "news.example.com.",
            "news\u3002example\u3002com",
            "ne\tws.example.com",
            "[::1]",
            "127.0.0.1",
            "",
        ]
    ),
    st.text(max_size=20),
)
ports = st.one_of(
    st.sampled_from(["", ":", ":443", ":80", ":8080", ":0443", ":+443", ": 443", ":\uff18\uff10"]),
    st.integers(-1, 70000).map(lambda port: f":{port}"),
)
paths = st.one_of(st.just(""), st.text(max_size=30).map(lambda path: f"/{path}"))
padding = st.sampled_from(["", " ", "\t", "\n", "\x00", "\x01", "\u200b"])
built = st.builds(
    lambda *parts: "".join(parts),
    padding,
    schemes,
    separators,
    userinfo,
    hosts,
    ports,
    paths,
    padding,
)
# Close to an allowed page, one or two parts off: where a check that is nearly right breaks.
near_misses = st.builds(
    lambda scheme, user, host, port, path: f"{scheme}://{user}{host}{port}{path}",
    st.sampled_from(["https", "http"]),
    st.one_of(st.just(""), userinfo),
    st.one_of(st.sampled_from(["news.example.com", "blog.example.org"]), hosts),
    st.one_of(st.sampled_from(["", ":443", ":8080"]), ports),
    st.one_of(paths, st.text(string.printable, max_size=30).map(lambda path: f"/{path}")),
)
urls = st.one_of(built, near_misses, st.text(max_size=80))


@pytest.fixture
def count(tallies: dict[str, Counter[str]], request: pytest.FixtureRequest) -> Counter[str]:
    return tallies.setdefault(f"hypothesis {request.node.name}", Counter())


def _origin(url: URL) -> tuple[str, str, int | None]:
    return url.scheme, (url.host or "").lower(), url.port


@EXAMPLES
@given(url=urls)
def test_never_leads_off_the_allowed_origins(url: str, count: Counter[str]) -> None:
    count["examples"] += 1
    target = safe_redirect(url, ALLOWED)
    if target is None:
        count["refused"] += 1
        return
    count["kept"] += 1
    assert target == url.strip()
    assert not any(ch in target for ch in "\\\t\r\n\0")
    assert target.isprintable()
    # What the browser is sent: the page, with the new comment's fragment.
    for sent in (target, f"{target.split('#', 1)[0]}#comment-01KB0000000000000000000000"):
        parsed = URL(sent)
        assert parsed.user is None
        assert parsed.password is None
        assert _origin(parsed) in ALLOWED_ORIGINS, sent


@EXAMPLES
@given(
    origin=st.sampled_from(ALLOWED),
    path=st.text(string.ascii_letters + string.digits + "/?&=%@:;,.!~*'()_-+", max_size=60),
)
def test_pages_on_an_allowed_origin_are_kept(origin: str, path: str, count: Counter[str]) -> None:
    count["examples"] += 1
    page = f"{origin}/{path}"
    assert safe_redirect(page, ALLOWED) == page
