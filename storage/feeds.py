"""Feed state, entries and the pages still to fetch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from feeds.parse import FeedEntry
from storage.bounds import clean, clean_text, fit_key, fit_validator
from storage.ledger import get_or_create_source
from storage.models import Entry, Page, Source, utcnow

UNFIT_LINK = "link too long or with control characters, not fetched"


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
    source = session.scalars(select(Source).where(Source.url == fit_key(Source.url, url))).first()
    return (source.etag, source.last_modified) if source else (None, None)


def record_poll(
    session: Session,
    source: Source,
    status: str,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """The outcome of polling a feed; validators are kept unless a new response gave some.

    A validator that does not fit its column, or is not clean, is dropped (bounds.py)."""
    source.checked_at = utcnow()
    source.status = status
    source.error = clean_text(error)
    source.failures = (source.failures or 0) + 1 if status == "failed" else 0
    if status == "ok":
        source.etag = fit_validator(Source.etag, etag)
        source.last_modified = fit_validator(Source.last_modified, last_modified)


def outages(session: Session, urls: list[str], after: int) -> tuple[list[Source], list[Source]]:
    """Feeds down for `after` consecutive polls whose outage was not alerted yet, and feeds
    that recovered after an alerted outage."""
    fitted = [fit_key(Source.url, url) for url in urls]
    sources = list(session.scalars(select(Source).where(Source.url.in_(fitted))))
    down = [s for s in sources if s.failures >= after and s.outage_alerted_at is None]
    recovered = [s for s in sources if s.failures == 0 and s.outage_alerted_at is not None]
    return down, recovered


def record_entries(session: Session, source: Source, entries: list[FeedEntry]) -> int:
    """Store the entries not seen before and queue their pages; return how many were new.

    Keys and links are fitted to their columns first (bounds.py), so an over-long or
    unclean guid maps to the same stored key on every pass."""
    keys = [fit_key(Entry.key, e.key) for e in entries]
    known = set(
        session.scalars(select(Entry.key).where(Entry.source_id == source.id, Entry.key.in_(keys)))
    )
    new = 0
    for key, entry in zip(keys, entries, strict=True):
        if key in known:
            continue
        known.add(key)
        new += 1
        page = _page_for(session, source, entry) if entry.link else None
        session.add(
            Entry(
                source_id=source.id,
                key=key,
                title=clean(entry.title),
                link=fit_key(Entry.link, entry.link),
                published=entry.published,
                page_id=page.id if page else None,
            )
        )
    session.flush()
    return new


def _page_for(session: Session, source: Source, entry: FeedEntry) -> Page:
    """The page of the entry's link, queued once; a link that had to be cut is not fetched."""
    assert entry.link is not None
    url = fit_key(Page.url, entry.link)
    page = session.scalars(select(Page).where(Page.url == url)).first()
    if page is None:
        page = Page(url=url, source_id=source.id, published_hint=entry.published)
        if url != entry.link:
            page.status = "gave_up"
            page.error = f"{clean(entry.link)[:120]}...: {UNFIT_LINK}"
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


def mark_page_done(session: Session, page_id: int, article_id: int) -> None:
    page = session.get(Page, page_id)
    assert page is not None
    page.status, page.error, page.article_id = "done", None, article_id
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
    page.error = clean_text(reason[:2000])
    page.fetched_at = utcnow()
    if page.attempts >= max_attempts:
        page.status, page.next_attempt_at = "gave_up", None
    else:
        page.status = "failed"
        page.next_attempt_at = utcnow() + timedelta(seconds=backoff * 2 ** (page.attempts - 1))
    return page.status
