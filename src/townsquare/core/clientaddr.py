"""The address of the client behind a request, for rate limits and the audit log.

`REMOTE_ADDR` is the peer that opened the connection. Behind a reverse proxy every client
has the proxy's address, so the forwarded header must be read, but only from proxies the
operator names in `TOWNSQUARE_TRUSTED_PROXIES`: anyone else can write any `X-Forwarded-For`
they like and pick their own rate-limit bucket. Each proxy appends the address it received
the request from, so the header is walked from the right, skipping trusted hops; the first
hop that is not a trusted proxy is the client (docs/operations.md, "Behind a proxy").
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """Parse addresses or CIDR ranges; raise ValueError naming the first bad one."""
    networks: list[Network] = []
    for raw in values:
        item = raw.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"{item!r} is not an IP address or a CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8)"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(text: str) -> Address | None:
    """An address from a header hop or REMOTE_ADDR: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `::1`."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has at least two
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]  # an IPv6 zone id says nothing about the client
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(request: Any) -> str:
    """The client's IP address as text (`"unknown"` when the server gives none)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    peer = _address(remote)
    if peer is None:
        return remote or "unknown"
    trusted = _trusted(tuple(settings.TOWNSQUARE_TRUSTED_PROXIES))
    if not trusted or not _is_trusted(peer, trusted):
        return str(peer)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    client = peer
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            # A trusted proxy never writes garbage: what is left of here came from the
            # client, so the last trusted hop is the best address we know.
            break
        client = address
        if not _is_trusted(address, trusted):
            break
    return str(client)
