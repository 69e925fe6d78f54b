"""Title, date and site name from a page's head: meta tags and JSON-LD, read cheaply.

trafilatura's own metadata pass costs as much as half its extraction; these few
fields are what the ledger needs, and publishers put them in standard places.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import date

_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTR = re.compile(r'([\w:-]+)\s*=\s*("([^"]*)"|\'([^\']*)\')', re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_TIME = re.compile(r"<time[^>]*\sdatetime\s*=\s*[\"']([^\"']+)[\"']", re.I)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
HEAD_LIMIT = 300_000

DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)


@dataclass(frozen=True)
class PageMeta:
    """What the page says about itself."""

    title: str
    published: date | None
    site_name: str | None


def _iso(value: str) -> date | None:
    match = _ISO_DATE.search(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def page_meta(page: str) -> PageMeta:
    """Title (og:title, else <title>), publication date and site name of a page."""
    head = page[:HEAD_LIMIT]
    metas: dict[str, str] = {}
    for tag in _META.findall(head):
        attrs = {m[1].lower(): (m[3] if m[3] is not None else m[4]) for m in _ATTR.finditer(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key and "content" in attrs and key not in metas:
            metas[key] = htmllib.unescape(attrs["content"]).strip()
    title = metas.get("og:title") or metas.get("twitter:title") or ""
    if not title:
        match = _TITLE.search(head)
        title = htmllib.unescape(re.sub(r"\s+", " ", match[1])).strip() if match else ""
    published = next((d for k in DATE_KEYS if k in metas and (d := _iso(metas[k]))), None)
    if published is None:
        for pattern in (_LD_DATE, _TIME):
            match = pattern.search(page)
            if match and (published := _iso(match[1])):
                break
    return PageMeta(title=title, published=published, site_name=metas.get("og:site_name"))
