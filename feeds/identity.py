"""Who an entry is: its guid, else its canonical link, else its title and date.

Links come from feeds and redirect headers, so anything may be in them. `checked_link`
is the one gate: it makes a link absolute, refuses what cannot be fetched or stored
(control characters, an unbalanced IPv6 bracket, a bad port, a host that is no valid
name, more than MAX_LINK characters) and normalises the host (NFKC, IDNA, lower case).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

MAX_LINK = 2000  # the URL columns of storage hold this many characters
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HOST_CHARS = re.compile(r"^[a-z0-9._-]+$")
# Query parameters that only say where a click came from.
_TRACKING_PREFIXES = ("utm_", "at_", "wt_", "pk_", "mtm_", "hsa_")
_TRACKING = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "ocid",
    "xtor", "_ga", "cmpid", "icid", "ito", "ref_src", "smid", "s_cid", "ns_campaign",
    "ns_mchannel", "ns_source", "ns_linkname", "ns_fee",
}  # fmt: skip


@dataclass(frozen=True)
class BadLink:
    """A link that cannot be fetched or stored, and why."""

    reason: str


def printable(text: str, limit: int = 120) -> str:
    """The text for a message: control characters escaped, cut to `limit` characters."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def checked_link(raw: str, base: str | None = None) -> str | BadLink:
    """The link made absolute against `base`, with its host normalised; or why it is
    unusable. Links of other schemes than http(s) are only checked, not normalised."""
    text = raw.strip()
    if not text:
        return BadLink("empty link")
    if len(text) > MAX_LINK:
        return BadLink(f"link of {len(text)} characters (at most {MAX_LINK})")
    control = _CONTROL.search(text)
    if control:
        return BadLink(f"control character U+{ord(control.group()):04X} in the link")
    try:  # urlsplit refuses an unbalanced bracket, a netloc NFKC changes into a separator
        parts = urlsplit(urljoin(base, text) if base else text)
        port = parts.port  # a port out of range or not a number
    except ValueError as exc:
        return BadLink(f"unparsable link ({exc})")
    if parts.scheme.lower() not in ("http", "https"):
        return urlunsplit(parts)
    host = normal_host(parts.hostname or "")
    if isinstance(host, BadLink):
        return host
    link = urlunsplit(
        parts._replace(scheme=parts.scheme.lower(), netloc=_netloc(parts, host, port))
    )
    if len(link) > MAX_LINK:
        return BadLink(f"link of {len(link)} characters (at most {MAX_LINK})")
    return link


def normal_host(host: str) -> str | BadLink:
    """The host as it is looked up: an IP literal checked, a name NFKC-normalised,
    IDNA-encoded and lower-cased; or why it is no valid host."""
    if not host:
        return BadLink("no host in the link")
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            return BadLink(f"not an IPv6 address: {printable(host)}")
    name = host
    if not host.isascii():
        try:  # fullwidth letters and digits are their ASCII forms once NFKC-normalised
            name = unicodedata.normalize("NFKC", host).encode("idna").decode("ascii")
        except UnicodeError as exc:
            return BadLink(f"host {printable(host)} is no valid name ({exc})")
    name = name.lower()
    if not _HOST_CHARS.match(name) or ".." in name or len(name) > 253:
        return BadLink(f"host {printable(host)} is no valid name")
    return name


def _netloc(parts: SplitResult, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    if port is not None:
        shown = f"{shown}:{port}"
    if parts.username is not None or parts.password is not None:
        user = parts.username or ""
        shown = f"{user}{':' + parts.password if parts.password is not None else ''}@{shown}"
    return shown


def canonical_url(url: str) -> str:
    """The link without tracking parameters or fragment, host lower-cased, default port dropped.

    Meant for a link that `checked_link` passed (a port it would refuse is dropped here)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{host}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING and not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def entry_key(guid: str | None, link: str | None, title: str, published: datetime | None) -> str:
    """The identity of one feed entry, stable across polls (storage fits a long one to its
    column: `storage.bounds.fit_key`)."""
    if guid and guid.strip():
        return f"guid:{guid.strip()}"
    if link:
        return f"link:{canonical_url(link)}"
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha256(f"{' '.join(title.split())}\n{stamp}".encode()).hexdigest()
    return f"title:{digest}"
