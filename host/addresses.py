"""Which network addresses the site may send to on an admin's say-so.

A URL in a setting (an API, a webhook) makes the server connect wherever it points, so
plugins refuse the ones that lead inward: private, link-local (cloud metadata services
live there), loopback and other non-public addresses. A name is judged by every address
it resolves to, and should be judged again each time it is used, so a name that pointed
outward when saved cannot be pointed inward later through DNS.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable

#: Gives the addresses a host name stands for now; none when it does not resolve.
Resolver = Callable[[str], Iterable[str]]


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to now, through the system's resolver; none if it does not.

    A name that does not resolve cannot be connected to either: the request fails on
    its own, and the name is checked again before the next one.
    """
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(sockaddr[0]) for *_, sockaddr in found]


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` is written as (an IPv6 zone dropped), or None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def is_public_address(address: str) -> bool:
    """Whether ``address`` is on the public internet: not private, link-local, loopback, multicast or reserved.

    An IPv6 address that carries an IPv4 one (``::ffff:10.0.0.1``, 6to4) is judged by both.
    """
    ip = literal_address(address)
    if ip is None:
        return False
    candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        candidates += [embedded for embedded in (ip.ipv4_mapped, ip.sixtofour) if embedded is not None]
    return all(
        candidate.is_global and not (candidate.is_multicast or candidate.is_reserved) for candidate in candidates
    )


def host_addresses(host: str, *, resolve: Resolver = resolve_host) -> list[str]:
    """The addresses a URL's host leads to: itself when written as one (never looked up), else what it resolves to."""
    literal = literal_address(host)
    return [str(literal)] if literal is not None else list(resolve(host))
