"""Feed bytes to entries, with feedparser; a bozo feed that still has entries is used.

Every entry's link goes through `checked_link` here, at the edge: an entry whose link
cannot be fetched or stored is left out with its reason (`ParsedFeed.skipped`), so one
bad entry never fails the feed. At most `max_entries` entries are kept, newest first.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from feeds.errors import ContentError
from feeds.identity import BadLink, canonical_url, checked_link, entry_key, printable

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what no stored text may hold


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
    skipped: list[str] = field(default_factory=list)  # entries left out, each with its reason


def parse_feed(body: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse RSS or Atom bytes; raise ContentError when nothing usable is in them."""
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, resolve_relative_uris=False)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {str(exc).strip()[:200]}" if exc else "malformed feed"
    title = clean_text(str(parsed.feed.get("title", "")))
    if not parsed.entries:
        if parsed.get("version"):
            return ParsedFeed(title=title, entries=[], problem=problem)
        raise ContentError(f"{url}: not an RSS or Atom feed ({problem or 'no feed elements'})")
    entries = []
    skipped = []
    seen: set[str] = set()
    for index, item in enumerate(parsed.entries):
        entry = _entry(item, url)
        if isinstance(entry, BadLink):
            skipped.append(f"entry {index + 1}: {entry.reason}")
        elif entry.key not in seen:
            seen.add(entry.key)
            entries.append(entry)
    return ParsedFeed(title=title, entries=entries, problem=problem, skipped=skipped)


def newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """The entries by published date, newest first; undated ones after them, in feed order."""
    dated = [(e.published, n, e) for n, e in enumerate(entries) if e.published is not None]
    dated.sort(key=lambda item: (-item[0].timestamp(), item[1]))  # ties keep feed order
    return [e for _, _, e in dated] + [e for e in entries if e.published is None]


def clean_text(text: str) -> str:
    """Text without control characters (a database refuses NUL), whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _entry(item: feedparser.FeedParserDict, feed_url: str) -> FeedEntry | BadLink:
    raw = item.get("link") or next(
        (ln.get("href") for ln in item.get("links", []) if ln.get("href")), None
    )
    link = None
    if raw:
        checked = checked_link(str(raw), base=feed_url)
        if isinstance(checked, BadLink):
            return BadLink(f"{checked.reason}: {printable(str(raw))}")
        link = canonical_url(checked)
    title = clean_text(str(item.get("title", "")))
    published = _date(item.get("published_parsed") or item.get("updated_parsed"))
    guid = item.get("id") or item.get("guid")
    guid = _CONTROL.sub("", str(guid)) if guid else None
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
