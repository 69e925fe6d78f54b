"""Feed bytes to entries, with feedparser; a bozo feed that still has entries is used."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser

from feeds.errors import ContentError
from feeds.identity import canonical_url, entry_key


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed, with its identity and canonical link."""

    key: str
    title: str
    link: str | None
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    """The entries of one feed, and what was wrong with it if it was bozo."""

    title: str
    entries: list[FeedEntry]
    problem: str | None = None


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse RSS or Atom bytes; raise ContentError when nothing usable is in them."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=False)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {str(exc).strip()[:200]}" if exc else "malformed feed"
    if not parsed.entries:
        if parsed.get("version"):
            return ParsedFeed(title=parsed.feed.get("title", ""), entries=[], problem=problem)
        raise ContentError(f"{url}: not an RSS or Atom feed ({problem or 'no feed elements'})")
    entries = []
    seen: set[str] = set()
    for item in parsed.entries:
        entry = _entry(item, url)
        if entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)
    return ParsedFeed(title=parsed.feed.get("title", ""), entries=entries, problem=problem)


def _entry(item: feedparser.FeedParserDict, feed_url: str) -> FeedEntry:
    link = item.get("link") or next(
        (ln.get("href") for ln in item.get("links", []) if ln.get("href")), None
    )
    link = canonical_url(urljoin(feed_url, link)) if link else None
    title = " ".join(str(item.get("title", "")).split())
    published = _date(item.get("published_parsed") or item.get("updated_parsed"))
    guid = item.get("id") or item.get("guid")
    return FeedEntry(
        key=entry_key(guid, link, title, published), title=title, link=link, published=published
    )


def _date(parsed: object) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)  # type: ignore[arg-type]
    except (OverflowError, ValueError, TypeError):
        return None
