"""Telling a trusted proxy's address from a client's: the fast parse agrees with ipaddress."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.proxies import TrustedProxies, client_ip
from service.settings import Settings

NETWORKS = Settings(trusted_proxies="127.0.0.1,10.0.0.0/8,fd00::/8,::1").trusted_proxies  # type: ignore[arg-type]
PROXIES = TrustedProxies(NETWORKS)


def reference_kind(text: str) -> str:
    """What an ``ipaddress`` object says, as the service decided before."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return "not an address"
    return "trusted proxy" if any(address in net for net in NETWORKS) else "address"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("127.0.0.1", "trusted proxy"),
        ("10.255.255.255", "trusted proxy"),
        ("11.0.0.0", "address"),
        ("fd12:3456::1", "trusted proxy"),
        ("::1", "trusted proxy"),
        ("::ffff:127.0.0.1", "address"),  # an IPv6 address, not the IPv4 network's
        ("fe80::1%eth0", "address"),  # a zone: left to ipaddress
        ("fd00::1%2", "trusted proxy"),
        ("01.2.3.4", "not an address"),  # leading zeros are refused by both
        ("1.2.3", "not an address"),
        ("256.1.1.1", "not an address"),
        ("1::2::3", "not an address"),
        (" 10.0.0.1", "not an address"),
        ("", "not an address"),
        ("10.0.0.1\x00", "not an address"),
        ("garbage", "not an address"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert PROXIES.kind(text) == kind
    assert reference_kind(text) == kind


addresses = st.one_of(
    st.ip_addresses(v=4), st.ip_addresses(v=6), st.ip_addresses(network="fd00::/8")
)
lookalikes = st.text(alphabet="0123456789abcdefABCDEF.:%xX -", max_size=45)


@given(st.one_of(addresses.map(str), addresses.map(lambda a: a.exploded), lookalikes))
def test_the_fast_parse_agrees_with_ipaddress(text: str) -> None:
    assert PROXIES.kind(text) == reference_kind(text)


def test_client_ip_walks_past_trusted_hops() -> None:
    assert client_ip("127.0.0.1", ["198.51.100.4, 10.0.0.5"], PROXIES) == "198.51.100.4"
    assert client_ip("198.51.100.4", ["203.0.113.9"], PROXIES) == "198.51.100.4"
