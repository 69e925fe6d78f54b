"""Feed state, entries and the pages still to fetch."""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from feeds.parse import FeedEntry, newest_first
from storage.bounds import clean, clean_text, fit_key, fit_validator
from storage.ledger import get_or_create_source
from storage.models import Entry, Page, Source, utcnow
from storage.owners import local_pid, process_gone

UNFIT_LINK = "link too long or with control characters, not fetched"
_KEYS_PER_QUERY = 500
LEASE_TRIES = 5  # rounds of taking pages that others keep getting first


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
    still lists them), so older unknown entries are reached a pass later.

    Keys and links are fitted to their columns first (bounds.py), so an over-long or
    unclean guid maps to the same stored key on every pass."""
    keyed = [(_key(entry), entry) for entry in entries]
    known = _known_keys(session, source, [key for key, _ in keyed])
    unknown: dict[str, FeedEntry] = {}
    for key, entry in keyed:
        if key not in known:
            unknown.setdefault(key, entry)
    chosen = newest_first(list(unknown.values()))[:limit]
    for entry in chosen:
        page = _page_for(session, source, entry) if entry.link else None
        session.add(
            Entry(
                source_id=source.id,
                key=_key(entry),
                title=clean(entry.title),
                link=fit_key(Entry.link, entry.link),
                published=entry.published,
                page_id=page.id if page else None,
            )
        )
    session.flush()
    return Recorded(new=len(chosen), deferred=len(unknown) - len(chosen))


def _key(entry: FeedEntry) -> str:
    """The entry's key as stored: fitted to its column (the same value on every pass)."""
    return fit_key(Entry.key, entry.key) or ""


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


def _due(now: datetime) -> ColumnElement[bool]:
    """Pages never fetched, and failed ones whose backoff has passed, that nobody holds."""
    return and_(
        or_(
            Page.status == "pending",
            and_(Page.status == "failed", Page.next_attempt_at <= now),
        ),
        or_(Page.leased_until.is_(None), Page.leased_until <= now),
    )


def due_pages(
    session: Session,
    now: datetime,
    limit: int,
    feed_urls: Collection[str] | None = None,
    skip_locked: bool = False,
) -> list[DuePage]:
    """The pages due (of these feeds, if given), oldest news first; nothing is taken.
    `skip_locked`: on PostgreSQL, lock them, passing by rows another transaction holds."""
    query = (
        select(Page, Source.url)
        .join(Source, Page.source_id == Source.id)
        .where(_due(now))
        .order_by(Page.published_hint.is_(None), Page.published_hint, Page.id)
        .limit(limit)
    )
    if feed_urls is not None:
        query = query.where(Source.url.in_([fit_key(Source.url, u) for u in feed_urls]))
    if skip_locked:  # SQLite has no row locks: the statement is run without the clause
        query = query.with_for_update(skip_locked=True, of=Page)
    return [
        DuePage(page.id, page.url, feed_url, page.published_hint, page.attempts)
        for page, feed_url in session.execute(query)
    ]


def lease_pages(
    session: Session,
    now: datetime,
    limit: int,
    owner: str,
    lease: timedelta,
    feed_urls: Collection[str] | None = None,
) -> list[DuePage]:
    """Take up to `limit` due pages for `owner` until `now + lease`: no other pass or shard
    gets them until they are done, failed, released, or the lease runs out (its holder
    died). On PostgreSQL the rows are read `FOR UPDATE SKIP LOCKED`, so concurrent takers
    pass each other by; on both databases the update checks again that each page is still
    due and free, so a page is never taken twice. When another taker got all of them
    first (SQLite), the next ones due are tried, so an empty batch means none is left."""
    _release_dead_holders(session, now)
    for _ in range(LEASE_TRIES):
        candidates = due_pages(session, now, limit, feed_urls, skip_locked=True)
        if not candidates:
            return []
        taken = set(
            session.scalars(
                update(Page)
                .where(Page.id.in_([p.id for p in candidates]), _due(now))
                .values(leased_until=now + lease, lease_owner=owner[:80])
                .returning(Page.id)
            )
        )
        if taken:
            return [page for page in candidates if page.id in taken]
    return []


def _release_dead_holders(session: Session, now: datetime) -> None:
    """Free at once the pages held by a process of this host that is gone (a `run` killed,
    a worker's flow run killed with it); other hosts' holders wait for their lease to end.
    An owner reads `host:pid:token` (storage/owners.owner_name)."""
    owners = session.scalars(select(Page.lease_owner).where(Page.leased_until > now).distinct())
    dead = [owner for owner in owners if owner and _gone(owner)]
    if dead:
        session.execute(
            update(Page)
            .where(Page.lease_owner.in_(dead))
            .values(leased_until=None, lease_owner=None)
        )


def _gone(owner: str) -> bool:
    pid = local_pid(owner)
    return pid is not None and pid != os.getpid() and process_gone(pid)


def release_pages(session: Session, page_ids: Collection[int], owner: str) -> None:
    """Give back pages taken and not finished (their batch failed as a whole)."""
    session.execute(
        update(Page)
        .where(Page.id.in_(list(page_ids)), Page.lease_owner == owner[:80])
        .values(leased_until=None, lease_owner=None)
    )


def mark_page_done(
    session: Session, page_id: int, article_id: int, note: str | None = None
) -> None:
    """The page is stored; `note` says what was cut short (its text, its claims), if anything."""
    page = session.get(Page, page_id)
    assert page is not None
    page.status, page.article_id = "done", article_id
    page.leased_until = page.lease_owner = None
    page.error = clean_text(note)[:2000] if note else None
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
    page.leased_until = page.lease_owner = None
    page.error = clean_text(reason[:2000])
    page.fetched_at = utcnow()
    if page.attempts >= max_attempts:
        page.status, page.next_attempt_at = "gave_up", None
    else:
        page.status = "failed"
        page.next_attempt_at = utcnow() + timedelta(seconds=backoff * 2 ** (page.attempts - 1))
    return page.status
