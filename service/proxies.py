"""Which address a comment came from: the peer, or what trusted proxies forwarded."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence

from .settings import IPNetwork


def client_ip(remote: str, forwarded: Sequence[str], trusted: TrustedProxies) -> str:
    """Walk X-Forwarded-For from the right, past trusted proxies, to the first untrusted hop."""
    kind = trusted.kind
    if kind(remote) is not _TRUSTED:
        return remote
    hops = [hop.strip() for header in forwarded for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_kind = kind(hop)
        if hop_kind is not _TRUSTED:
            return hop if hop_kind is _ADDRESS else remote
    return hops[0] if hops and kind(hops[0]) is not _NOT_AN_ADDRESS else remote


_NOT_AN_ADDRESS, _ADDRESS, _TRUSTED = "not an address", "address", "trusted proxy"


class TrustedProxies:
    """The proxies whose X-Forwarded-For is believed, as ranges of integers: telling whether a
    hop is one of them costs a C parse and two comparisons, not an ``ipaddress`` object (which
    took most of a request's address handling)."""

    def __init__(self, networks: Sequence[IPNetwork]) -> None:
        self._ranges = tuple(
            (n.version, int(n.network_address), int(n.broadcast_address)) for n in networks
        )

    def kind(self, text: str) -> str:
        """Whether ``text`` is an IP address, and one of a trusted proxy."""
        parsed = _parse(text)
        if parsed is None:
            return _NOT_AN_ADDRESS
        version, value = parsed
        for net_version, low, high in self._ranges:
            if net_version == version and low <= value <= high:
                return _TRUSTED
        return _ADDRESS


def _parse(text: str) -> tuple[int, int] | None:
    """(IP version, the address as an integer), or None where ``text`` is no address."""
    v6 = ":" in text
    try:
        packed = socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, text)
    except (OSError, ValueError):
        pass
    else:
        return (6 if v6 else 4), int.from_bytes(packed, "big")
    # What the C parser does not take: an IPv6 zone ("fe80::1%eth0"), or no address at all.
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.version, int(address)
