"""Feed state, entries and the pages still to fetch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from feeds.parse import FeedEntry, newest_first
from storage.ledger import get_or_create_source
from storage.models import Entry, Page, Source, utcnow

_KEYS_PER_QUERY = 500
_MAX_ETAG, _MAX_MODIFIED = 500, 100  # the lengths of Source's columns


@dataclass(frozen=True)
class DuePage:
    """A page to fetch in this pass, with the feed that listed it."""

    id: int
    url: str
    feed_url: str
    published_hint: datetime | None
    attempts: int


def feed_source(session: Session, name: str, url: str) -> Source:
    return get_or_create_source(session, "feed", name, url)


def validators(session: Session, url: str) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified stored for a feed, for a conditional GET."""
    source = session.scalars(select(Source).where(Source.url == url)).first()
    return (source.etag, source.last_modified) if source else (None, None)


def record_poll(
    session: Session,
    source: Source,
    status: str,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """The outcome of polling a feed; validators are kept unless a new response gave some."""
    source.checked_at = utcnow()
    source.status = status
    source.error = safe_text(error) if error else None
    if status == "ok":  # a validator too long for its column is not kept: no conditional GET
        source.etag = etag if etag and len(etag) <= _MAX_ETAG else None
        source.last_modified = (
            last_modified if last_modified and len(last_modified) <= _MAX_MODIFIED else None
        )


@dataclass(frozen=True)
class Recorded:
    """What `record_entries` did: entries stored now, and new ones left for later passes."""

    new: int
    deferred: int = 0


def record_entries(
    session: Session, source: Source, entries: list[FeedEntry], limit: int | None = None
) -> Recorded:
    """Store the entries not seen before and queue their pages: at most `limit`, the
    newest first. The new ones beyond it are left for the next passes (while the feed
    still lists them), so older unknown entries are reached a pass later."""
    known = _known_keys(session, source, [e.key for e in entries])
    unknown: dict[str, FeedEntry] = {}
    for entry in entries:
        if entry.key not in known:
            unknown.setdefault(entry.key, entry)
    chosen = newest_first(list(unknown.values()))[:limit]
    for entry in chosen:
        page = _page_for(session, source, entry) if entry.link else None
        session.add(
            Entry(
                source_id=source.id,
                key=entry.key,
                title=entry.title,
                link=entry.link,
                published=entry.published,
                page_id=page.id if page else None,
            )
        )
    session.flush()
    return Recorded(new=len(chosen), deferred=len(unknown) - len(chosen))


def _known_keys(session: Session, source: Source, keys: list[str]) -> set[str]:
    """Which keys the source has stored, asked in chunks (a database caps bound values)."""
    known: set[str] = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        known.update(
            session.scalars(
                select(Entry.key).where(Entry.source_id == source.id, Entry.key.in_(chunk))
            )
        )
    return known


def safe_text(text: str) -> str:
    """Text a database accepts: PostgreSQL refuses NUL characters in text."""
    return text.replace("\x00", "\\x00")


def _page_for(session: Session, source: Source, entry: FeedEntry) -> Page:
    page = session.scalars(select(Page).where(Page.url == entry.link)).first()
    if page is None:
        page = Page(url=entry.link, source_id=source.id, published_hint=entry.published)
        session.add(page)
        session.flush()
    return page


def due_pages(session: Session, now: datetime, limit: int) -> list[DuePage]:
    """Pages never fetched, and failed ones whose backoff has passed, oldest news first."""
    query = (
        select(Page, Source.url)
        .join(Source, Page.source_id == Source.id)
        .where(
            or_(
                Page.status == "pending",
                and_(Page.status == "failed", Page.next_attempt_at <= now),
            )
        )
        .order_by(Page.published_hint.is_(None), Page.published_hint, Page.id)
        .limit(limit)
    )
    return [
        DuePage(page.id, page.url, feed_url, page.published_hint, page.attempts)
        for page, feed_url in session.execute(query)
    ]


def mark_page_done(
    session: Session, page_id: int, article_id: int, note: str | None = None
) -> None:
    """The page is stored; `note` says what was cut short (its text, its claims), if anything."""
    page = session.get(Page, page_id)
    assert page is not None
    page.status, page.article_id = "done", article_id
    page.error = safe_text(note)[:2000] if note else None
    page.attempts += 1
    page.fetched_at = utcnow()
    page.next_attempt_at = None


def mark_page_failed(
    session: Session, page_id: int, reason: str, max_attempts: int, backoff: float
) -> str:
    """Record a failure; the page is tried again later, or given up after max_attempts."""
    page = session.get(Page, page_id)
    assert page is not None
    page.attempts += 1
    page.error = safe_text(reason)[:2000]
    page.fetched_at = utcnow()
    if page.attempts >= max_attempts:
        page.status, page.next_attempt_at = "gave_up", None
    else:
        page.status = "failed"
        page.next_attempt_at = utcnow() + timedelta(seconds=backoff * 2 ** (page.attempts - 1))
    return page.status
