"""Who an entry is: its guid, else its canonical link, else its title and date."""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING_PREFIXES = ("utm_", "at_", "wt_", "pk_", "mtm_", "hsa_")
_TRACKING = {
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "ocid",
    "xtor", "_ga", "cmpid", "icid", "ito", "ref_src", "smid", "s_cid", "ns_campaign",
    "ns_mchannel", "ns_source", "ns_linkname", "ns_fee",
}  # fmt: skip


def canonical_url(url: str) -> str:
    """The link without tracking parameters or fragment, host lower-cased, default port dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
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
    """The identity of one feed entry, stable across polls."""
    if guid and guid.strip():
        return f"guid:{guid.strip()}"
    if link:
        return f"link:{canonical_url(link)}"
    stamp = published.isoformat() if published else ""
    digest = hashlib.sha256(f"{' '.join(title.split())}\n{stamp}".encode()).hexdigest()
    return f"title:{digest}"
