"""Where fetching may go: http(s) only, and public addresses unless a feed allows private ones.

The check runs after DNS resolution, on every redirect hop, and the connection is
then made to the address that was checked, so a name cannot resolve to a public
address for the check and to a private one for the request.

A feed's own origin (scheme, host, port), as the operator configured it, is
trusted: the operator chose it. Everything else that a feed points at (article
links on other hosts, redirect hops that leave the origin) must resolve to
global addresses, unless the feed is marked `allow_private: true`.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from feeds.errors import RefusedError, TransportError
from feeds.identity import BadLink, checked_link, normal_host, printable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services: never a news source, whatever a feed allows.
_ALWAYS_REFUSED = (
    ipaddress.ip_network("169.254.169.254/32"),
    ipaddress.ip_network("fd00:ec2::254/128"),
)


@dataclass(frozen=True)
class Target:
    """A checked URL: its host and port, and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


@dataclass(frozen=True)
class Policy:
    """What one feed may reach: its own origin always, private addresses if allowed."""

    trusted_origin: tuple[str, str, int] | None = None
    allow_private: bool = False

    @classmethod
    def for_feed(cls, feed_url: str, allow_private: bool) -> Policy:
        return cls(trusted_origin=origin(feed_url), allow_private=allow_private)


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, normalised host, port) of an http(s) URL, or None for any other."""
    link = checked_link(url)
    if isinstance(link, BadLink):
        return None
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = normal_host(parts.hostname)
    if isinstance(host, BadLink):
        return None
    return parts.scheme, host, parts.port or (443 if parts.scheme == "https" else 80)


def check(url: str, policy: Policy) -> Target:
    """Resolve the URL's host and refuse it unless the policy allows where it leads.

    The URL is first passed through `checked_link`, so what is fetched is a link httpx
    accepts: its normalised form (Target.url), or a RefusedError with the reason."""
    link = checked_link(url)
    if isinstance(link, BadLink):
        raise RefusedError(f"refused {_short(url)}: {link.reason}")
    url = link
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise RefusedError(f"refused {_short(url)}: only http and https are fetched")
    here = origin(url)
    if here is None:
        raise RefusedError(f"refused {_short(url)}: no host or a bad port")
    scheme, host, port = here
    addresses = resolve(host, port)
    trusted = policy.allow_private or here == policy.trusted_origin
    for address in addresses:
        if any(address in net for net in _ALWAYS_REFUSED):
            raise RefusedError(f"refused {_short(url)}: {address} is a cloud metadata address")
        if not trusted and not address.is_global:
            raise RefusedError(
                f"refused {_short(url)}: {host} resolves to {address}, a {_kind(address)} address"
                " (mark the feed allow_private: true for an intranet feed)"
            )
    return Target(url=url, scheme=scheme, host=host, port=port, address=str(addresses[0]))


def resolve(host: str, port: int) -> list[Address]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TransportError(f"cannot resolve {host}: {exc}") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise TransportError(f"cannot resolve {host}: no address")
    return addresses


def _kind(address: Address) -> str:
    for name in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "non-global"


def _short(url: str, limit: int = 120) -> str:
    return printable(url, limit)
