"""The monitor's tasks: network I/O in some, parsing and storage in others, so each retries alone.

Work is batched: a task per feed, a task per batch of pages, never one per article.
Sessions are opened here, at the task boundary, one transaction per feed or page.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import task_run
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery import deliver_pending, notify_operations
from alerts.message import outage_message, recovery_message
from alerts.report import DeliveryReport
from alerts.routes import Route
from claimwatch.errors import one_line
from claimwatch.pipeline import ingest
from extractors.article import cut_text, from_html
from extractors.errors import ExtractionError
from extractors.watchlist import Watchlist
from feeds.client import Client, Fetched
from feeds.config import FeedSpec, FetchOptions
from feeds.errors import ContentError, FetchError
from feeds.guard import Policy
from feeds.parse import parse_feed
from flows.outcomes import FeedOutcome, PageOutcome
from storage.db import open_database, transaction
from storage.feeds import (
    DuePage,
    feed_source,
    lease_pages,
    mark_page_done,
    mark_page_failed,
    outages,
    record_entries,
    record_poll,
    release_pages,
    validators,
)
from storage.ledger import article_key, find_article

FEED_TYPES = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
PAGE_TYPES = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
MAX_SKIPPED_SHOWN = 20  # reasons of skipped entries carried in a feed's outcome


@dataclass
class PageFetch:
    """A page's bytes, or why they could not be fetched."""

    page: DuePage
    fetched: Fetched | None = None
    error: str | None = None


@cache
def sessions_for(database_url: str) -> sessionmaker[Session]:
    """One migrated engine per database and process, opened on first use."""
    return open_database(database_url)


@dataclass(frozen=True)
class FeedFailure:
    """Why a feed could not be fetched, after its retries."""

    reason: str


@task(cache_policy=NO_CACHE, timeout_seconds=60)
def load_validators(database_url: str, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """The stored ETag and Last-Modified of each feed."""
    with transaction(sessions_for(database_url)) as session:
        return {url: validators(session, url) for url in urls}


@task(cache_policy=NO_CACHE)
def fetch_feed(
    feed: FeedSpec, client: Client, etag: str | None, modified: str | None, retries: int
) -> Fetched | FeedFailure:
    """GET the feed, conditionally when validators are known (I/O only).

    A transient error (timeout, 5xx) is raised while retries are left, so Prefect retries
    the task after its delay; after that, or for a lasting error, the failure is returned."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    policy = Policy.for_feed(feed.url, feed.allow_private)
    try:
        return client.get(feed.url, policy, accept=FEED_TYPES, headers=headers)
    except FetchError as exc:
        if exc.transient and task_run.run_count <= retries:
            raise
        return FeedFailure(str(exc))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=120)
def read_feed(
    feed: FeedSpec,
    outcome: Fetched | FeedFailure | BaseException,
    database_url: str,
    max_entries: int | None = None,
) -> FeedOutcome:
    """Parse the fetched feed and store its new entries (at most `max_entries`, newest
    first); record a failure with its reason, and the entries skipped with theirs."""
    logger = get_run_logger()
    with transaction(sessions_for(database_url)) as session:
        source = feed_source(session, feed.name, feed.url)
        if not isinstance(outcome, Fetched):
            reason = outcome.reason if isinstance(outcome, FeedFailure) else one_line(outcome)
            record_poll(session, source, "failed", reason)
            logger.warning("feed %s failed: %s", feed.name, reason)
            return FeedOutcome(feed.name, feed.url, "failed", error=reason)
        if outcome.not_modified:
            record_poll(session, source, "not_modified")
            return FeedOutcome(feed.name, feed.url, "not_modified")
        try:
            parsed = parse_feed(outcome.body, outcome.url, outcome.content_type)
        except ContentError as exc:
            record_poll(session, source, "failed", str(exc))
            logger.warning("feed %s failed: %s", feed.name, exc)
            return FeedOutcome(feed.name, feed.url, "failed", error=str(exc))
        recorded = record_entries(session, source, parsed.entries, max_entries)
        problem = _feed_problem(parsed.problem, parsed.skipped, recorded.deferred)
        record_poll(session, source, "ok", problem, outcome.etag, outcome.last_modified)
        if problem:
            logger.warning("feed %s is usable, with problems: %s", feed.name, problem)
        logger.info("feed %s: %d entries, %d new", feed.name, len(parsed.entries), recorded.new)
        return FeedOutcome(
            feed.name,
            feed.url,
            "ok",
            len(parsed.entries),
            recorded.new,
            problem=parsed.problem,
            skipped=parsed.skipped[:MAX_SKIPPED_SHOWN],
            deferred=recorded.deferred,
        )


def _feed_problem(problem: str | None, skipped: list[str], deferred: int) -> str | None:
    """What was wrong with a usable feed, in one line for its stored state."""
    parts = [problem] if problem else []
    if skipped:
        shown = "; ".join(skipped[:5]) + ("; ..." if len(skipped) > 5 else "")
        parts.append(f"{len(skipped)} entries skipped: {shown}")
    if deferred:
        parts.append(f"{deferred} new entries left for later passes (max_entries)")
    return " | ".join(parts) or None


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=60)
def lease_batch(
    database_url: str,
    limit: int,
    owner: str,
    lease: float,
    feed_urls: list[str] | None = None,
) -> list[DuePage]:
    """Take the next batch of pages due (new ones, failed ones whose wait is over) for
    this pass, so no other pass or shard fetches them; of these feeds only, if given."""
    with transaction(sessions_for(database_url)) as session:
        now = datetime.now(UTC)
        return lease_pages(session, now, limit, owner, timedelta(seconds=lease), feed_urls)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=60)
def release_batch(database_url: str, page_ids: list[int], owner: str) -> None:
    """Give back the pages of a batch that could not be stored, for the next pass."""
    with transaction(sessions_for(database_url)) as session:
        release_pages(session, page_ids, owner)


@task(cache_policy=NO_CACHE)
def fetch_pages(
    pages: list[DuePage], client: Client, policies: dict[str, Policy]
) -> list[PageFetch]:
    """Fetch a batch of pages, several hosts at once; a failure stays with its page (I/O only)."""

    def one(page: DuePage) -> PageFetch:
        policy = policies.get(page.feed_url, Policy())
        try:  # the client turns every failure of a request into a FetchError with its reason
            fetched = client.get(page.url, policy, accept=PAGE_TYPES)
        except FetchError as exc:
            return PageFetch(page, error=str(exc))
        kind = fetched.content_type.split(";")[0].strip().lower()
        if kind not in HTML_TYPES:
            return PageFetch(page, error=f"{page.url}: not an HTML page ({kind})")
        return PageFetch(page, fetched=fetched)

    with ThreadPoolExecutor(max_workers=client.options.concurrency) as pool:
        return list(pool.map(one, pages))


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=900)
def ingest_pages(
    fetches: list[PageFetch],
    database_url: str,
    watchlist: Watchlist,
    feeds: dict[str, FeedSpec],
    options: FetchOptions,
) -> list[PageOutcome]:
    """Extract each fetched page and run it through the pipeline, one transaction per page."""
    logger = get_run_logger()
    sessions = sessions_for(database_url)
    outcomes = []
    for item in fetches:
        feed = feeds.get(item.page.feed_url)
        try:
            outcome = _ingest_one(sessions, item, watchlist, feed, options)
        except Exception as exc:  # noqa: BLE001 - one page's bug must not sink the batch
            logger.exception("page %s: internal error", item.page.url)
            item.fetched, item.error = None, f"{item.page.url}: internal error: {exc!r}"[:500]
            outcome = _ingest_one(sessions, item, watchlist, feed, options)
        if outcome.status in ("failed", "gave_up"):
            logger.warning("page %s: %s", outcome.status, outcome.reason)
        outcomes.append(outcome)
    return outcomes


def _ingest_one(
    sessions: sessionmaker[Session],
    item: PageFetch,
    watchlist: Watchlist,
    feed: FeedSpec | None,
    options: FetchOptions,
) -> PageOutcome:
    page = item.page
    error = item.error
    article = None
    notes = []
    if item.fetched is not None:
        try:
            article = from_html(item.fetched.body, url=page.url)
        except ExtractionError as exc:
            error = f"{page.url}: {exc}"
    if article is not None and cut_text(article, options.max_text):
        notes.append(f"text cut to {options.max_text} characters (max_text)")
    if article is None:
        with transaction(sessions) as session:
            status = mark_page_failed(
                session, page.id, error or "unknown", options.max_attempts, options.retry_backoff
            )
        return PageOutcome(page.url, page.feed_url, status, reason=error)
    if article.language == "und" and feed and feed.language:
        article.language = feed.language
    article.outlet = article.outlet or (feed.name if feed else None)
    published = article.published or _hint_date(page) or datetime.now(UTC).date()
    try:
        with transaction(sessions) as session:
            source = feed_source(session, feed.name, feed.url) if feed else None
            result = ingest(session, article, published, watchlist, source, options.claim_budget)
            if result.stopped:
                notes.append(result.stopped)
            note = "; ".join(notes) or None
            mark_page_done(session, page.id, result.article_id, note)
    except IntegrityError:
        # Another pass stored the same article (or its source) at the same moment: once
        # its transaction is in, this page is that article, known, not a failure.
        with transaction(sessions) as session:
            stored = find_article(session, article_key(article))
            if stored is None:
                raise
            mark_page_done(session, page.id, stored.id)
        return PageOutcome(page.url, page.feed_url, "known", title=article.title)
    status = "copy" if result.copy_of else "known" if result.known else "new"
    claims = [
        {
            **claim.as_dict(),
            "url": page.url,
            "outlet": article.outlet,
            "name": watchlist.display_name(claim.actor),
        }
        for claim in result.claims
    ]
    return PageOutcome(
        page.url,
        page.feed_url,
        status,
        reason=note,
        title=article.title,
        outlet=article.outlet,
        published=published.isoformat(),
        claims=claims,
        alerts=result.alerts,
    )


@task(cache_policy=NO_CACHE, timeout_seconds=300)
def alert_outages(database_url: str, routes: list[Route], urls: list[str], after: int) -> int:
    """Tell the operations routes of each feed down for `after` passes in a row, once per
    outage, and once more when it is back; a message no route accepted is tried again on
    the next pass. How many messages were sent."""
    logger = get_run_logger()
    if not any(route.operations for route in routes):
        return 0
    sent = 0
    with transaction(sessions_for(database_url)) as session:
        down, recovered = outages(session, urls, after)
        for source in down:
            host = urlsplit(source.url).hostname or "?"
            message = outage_message(source.name, host, source.failures, source.error)
            failed = notify_operations(routes, message, "failure")
            if not failed:
                source.outage_alerted_at, sent = datetime.now(UTC), sent + 1
            logger.warning(
                "feed %s is down for %d passes%s",
                source.name,
                source.failures,
                f"; not told: {'; '.join(failed)}" if failed else "; told",
            )
        for source in recovered:
            host = urlsplit(source.url).hostname or "?"
            failed = notify_operations(routes, recovery_message(source.name, host), "success")
            if not failed:
                source.outage_alerted_at, sent = None, sent + 1
            logger.info(
                "feed %s is back%s",
                source.name,
                f"; not told: {'; '.join(failed)}" if failed else "; told",
            )
    return sent


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=10, timeout_seconds=900)
def deliver_alerts(
    database_url: str, routes: list[Route], topic_titles: dict[str, str]
) -> DeliveryReport:
    """Send the outbox's pending alerts to every route; each route's outcome is recorded."""
    logger = get_run_logger()
    report = deliver_pending(sessions_for(database_url), routes, topic_titles=topic_titles)
    for route in report.routes:  # everything in the report is masked already
        (logger.info if route.ok else logger.warning)("alerts: %s", route.line())
    logger.info("alerts: %s", report.summary())
    return report


def _hint_date(page: DuePage) -> date | None:
    return page.published_hint.date() if page.published_hint else None
