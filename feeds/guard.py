"""Where fetching may go: http(s) only, and public addresses unless a feed allows private ones.

The check runs after DNS resolution, on every redirect hop, and the connection is
then made to the address that was checked, so a name cannot resolve to a public
address for the check and to a private one for the request.

A feed's own origin (scheme, host, port), as the operator configured it, is
trusted: the operator chose it. Everything else that a feed points at (article
links on other hosts, redirect hops that leave the origin) must resolve to
global addresses, unless the feed is marked `allow_private: true`.

An IPv6 address that carries an IPv4 address (IPv4-mapped ::ffff:a.b.c.d,
IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16)
is judged by the IPv4 address it carries, since that is where the packets may end
up. Link-local and cloud metadata addresses are refused for every feed, in every
form. IPv4 literals in the old inet_aton forms (2130706433, 0x7f.1, 0177.0.0.1)
are read here, not left to the resolver.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from feeds.errors import RefusedError, TransportError
from feeds.identity import BadLink, checked_link, normal_host, printable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Link-local and cloud metadata services: never a news source, whatever a feed allows.
# 169.254.0.0/16 holds AWS/GCP/Azure (169.254.169.254) and ECS (169.254.170.2);
# fe80::/10 holds OpenStack's fe80::a9fe:a9fe; 100.100.100.200 is Alibaba's, fd00:ec2::254
# AWS's over IPv6.
_ALWAYS_REFUSED = (
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("100.100.100.200/32"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("fd00:ec2::254/128"),
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
# RFC 6052: the prefix lengths a NAT64 prefix may have inside 64:ff9b:1::/48.
_NAT64_LOCAL_PREFIXES = (48, 56, 64, 96)
_LEGACY_PART = re.compile(r"0x[0-9a-f]*|[0-9]+")


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
        _judge(url, host, address, trusted)
    return Target(url=url, scheme=scheme, host=host, port=port, address=str(addresses[0]))


def _judge(url: str, host: str, address: Address, trusted: bool) -> None:
    """Refuse metadata addresses always, and non-global ones unless trusted."""
    carried = carried_ipv4(address)
    for each in (address, *carried):
        if any(each in net for net in _ALWAYS_REFUSED):
            shown = str(address) if each is address else f"{address} (carrying {each})"
            raise RefusedError(
                f"refused {_short(url)}: {shown} is a link-local or cloud metadata address,"
                " refused for every feed"
            )
    if trusted:
        return
    for each in carried or [address]:
        if not each.is_global:
            shown = str(address) if each is address else f"{address}, carrying {each},"
            raise RefusedError(
                f"refused {_short(url)}: {host} resolves to {shown} a {_kind(each)} address"
                " (mark the feed allow_private: true for an intranet feed)"
            )


def carried_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: mapped, compatible (not :: or ::1), NAT64, 6to4.

    A local-use NAT64 address (64:ff9b:1::/48) may use any RFC 6052 prefix length, so
    every reading is returned and each must pass."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    value = int(address)
    if (address in _IPV4_COMPATIBLE and value > 1) or address in _NAT64:
        return [ipaddress.IPv4Address(value & 0xFFFFFFFF)]
    if address in _NAT64_LOCAL:
        return [_nat64_reading(value, prefix) for prefix in _NAT64_LOCAL_PREFIXES]
    return []


def _nat64_reading(value: int, prefix: int) -> ipaddress.IPv4Address:
    """The IPv4 address in a NAT64 address with a prefix of that length (RFC 6052)."""
    bits = f"{value:0128b}"
    if prefix < 96:
        bits = bits[:64] + bits[72:]  # bits 64-71 (the "u" octet) carry nothing
    return ipaddress.IPv4Address(int(bits[prefix : prefix + 32], 2))


def literal(host: str) -> Address | None:
    """The address an IP literal host stands for, also in the old inet_aton forms."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    return _legacy_ipv4(host.lower().removesuffix("."))


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last fills the rest."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_LEGACY_PART.fullmatch(p) for p in parts):
        return None
    numbers = [_legacy_number(part) for part in parts]
    last_bits = 8 * (5 - len(parts))
    value = 0
    for number in numbers[:-1]:
        if number is None or number > 255:
            return None
        value = value << 8 | number
    last = numbers[-1]
    if last is None or last >= 1 << last_bits:
        return None
    return ipaddress.IPv4Address(value << last_bits | last)


def _legacy_number(part: str) -> int | None:
    """One part of an inet_aton address; None when it is not a number in its base."""
    if part.startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8) if set(part) <= set("01234567") else None
    return int(part)


def resolve(host: str, port: int) -> list[Address]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    address = literal(host)
    if address is not None:
        return [address]
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
