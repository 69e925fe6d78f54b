"""The `monitor` flow: one pass over the feeds. It only composes the tasks in tasks.py.

Feeds are fetched at once (a task each), then parsed and stored; the pages due are
taken (leased in the database, so no other pass or shard fetches them) and fetched in
batches, the next batch while the last one is extracted, so at most two batches of
pages are in memory. On a work pool the pass can run as shards (flows/shards.py). The run ends Failed when every feed failed, and
Completed with the state name Partial, the failures counted in its message and listed
in its artifacts, when only some did.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from prefect.states import Completed, Failed, State

from claimwatch.errors import ClaimwatchError, one_line
from claimwatch.settings import Settings
from extractors.watchlist import Watchlist, load_watchlist
from feeds.client import Client, Fetched
from feeds.config import FeedSpec, FetchOptions
from feeds.guard import Policy
from flows import report
from flows.outcomes import FeedOutcome, PageOutcome, PassReport
from flows.publish import publish_stories, write_feeds
from flows.shards import (
    SHARD_FLOW,
    feeds_of,
    report_data,
    report_from,
    run_shards,
)
from flows.tasks import (
    FeedFailure,
    PageFetch,
    alert_outages,
    deliver_alerts,
    fetch_feed,
    fetch_pages,
    ingest_pages,
    lease_batch,
    load_validators,
    read_feed,
    release_batch,
    sessions_for,
)
from storage.db import transaction
from storage.feeds import DuePage
from storage.owners import owner_name
from storage.passes import save_shard_report, take_shard_reports


def _read(
    feed: FeedSpec,
    outcome: Fetched | FeedFailure | BaseException,
    database_url: str,
    max_entries: int,
) -> FeedOutcome:
    """read_feed's outcome; when the task itself failed, its exception is recorded as the
    feed's failure (by read_feed again, which then only stores the reason)."""
    state = read_feed(feed, outcome, database_url, max_entries, return_state=True)
    if not state.is_failed():
        return state.result()
    error = state.result(raise_on_failure=False)
    again = read_feed(feed, error, database_url, return_state=True)
    if not again.is_failed():
        return again.result()
    return FeedOutcome(feed.name, feed.url, "failed", error=f"not stored: {one_line(error)}")


def _fetched(batch: list[DuePage], outcome: list[PageFetch] | BaseException) -> list[PageFetch]:
    """The batch's fetches; when the fetch task failed, that is every page's failure."""
    if isinstance(outcome, BaseException):
        return [PageFetch(page, error=f"fetch failed: {one_line(outcome)}") for page in batch]
    return outcome


def _ingested(batch: list[DuePage], state: State) -> list[PageOutcome]:
    """The batch's page outcomes; when the task failed, each page failed with its reason
    (not stored: the pages stay due and are tried again on the next pass)."""
    if not state.is_failed():
        return state.result()
    reason = f"not stored: {one_line(state.result(raise_on_failure=False))}"
    return [PageOutcome(p.url, p.feed_url, "failed", reason=reason) for p in batch]


class EveryFeedFailed(ClaimwatchError):
    """No feed of the pass could be read: the run ends Failed."""


class _NoTraceback(logging.Filter):
    """Prefect logs the exception of a failed deployed run with its traceback. A pass that
    failed because every feed did has said why, a line per feed: its line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], EveryFeedFailed):
            record.msg = f"{record.msg}: {record.exc_info[1]}"
            record.exc_info, record.exc_text = None, None
        return True


def _owner() -> str:
    """Who holds the pages a pass takes: host, process and flow run, for the lease rows (a
    gone process of this host loses its leases at once: storage/feeds.lease_pages)."""
    return owner_name(str(flow_run.id))


def collect(
    settings: Settings,
    options: FetchOptions,
    feeds: list[FeedSpec],
    watchlist: Watchlist,
    owner: str,
    only_these: bool = False,
) -> PassReport:
    """Read the feeds (a task each, at once), then take the pages due batch by batch,
    fetching the next batch while the last one is extracted, so at most two batches of
    pages are in memory. `only_these`: the pages of these feeds only (a shard's)."""
    result = PassReport()
    feed_urls = [f.url for f in feeds] if only_these else None
    with Client(options) as client:
        known = load_validators(settings.database_url, [f.url for f in feeds])
        # The fetch tasks run in worker threads, where Prefect cannot interrupt them: their
        # time is bounded by the client's per-request deadline instead of a task timeout.
        fetch = fetch_feed.with_options(
            retries=options.feed_retries, retry_delay_seconds=options.feed_retry_delay
        )
        fetches = [
            fetch.submit(feed, client, *known[feed.url], options.feed_retries) for feed in feeds
        ]
        for feed, future in zip(feeds, fetches, strict=True):
            outcome = future.result(raise_on_failure=False)
            result.feeds.append(_read(feed, outcome, settings.database_url, options.max_entries))

        policies = {f.url: Policy.for_feed(f.url, f.allow_private) for f in feeds}
        by_url = {f.url: f for f in feeds}
        left = options.max_pages

        def take() -> list[DuePage]:
            nonlocal left
            size = min(options.batch_size, left)
            if size <= 0:
                return []
            batch = lease_batch(settings.database_url, size, owner, options.page_lease, feed_urls)
            left -= len(batch)
            return batch

        batch = take()
        upcoming = fetch_pages.submit(batch, client, policies) if batch else None
        while batch and upcoming is not None:
            fetched = _fetched(batch, upcoming.result(raise_on_failure=False))
            following = take()
            upcoming = fetch_pages.submit(following, client, policies) if following else None
            state = ingest_pages(
                fetched, settings.database_url, watchlist, by_url, options, return_state=True
            )
            result.pages.extend(_ingested(batch, state))
            if state.is_failed():
                release_batch(settings.database_url, [p.id for p in batch], owner)
            batch = following
    return result


def _sharded(
    database_url: str, feeds: list[FeedSpec], shards: int, parameters: dict, timeout: float
) -> PassReport:
    """Run the pass as shard runs on the work pool and put their reports together; a
    shard that ended without a report fails its feeds, with the shard's state as reason
    (its pages stay leased until the lease runs out, then the next pass takes them)."""
    pass_id = str(flow_run.id)
    states = run_shards(pass_id, shards, parameters, timeout)
    with transaction(sessions_for(database_url)) as session:
        reports = take_shard_reports(session, pass_id)
    result = PassReport()
    for shard in range(shards):
        if shard in reports:
            part = report_from(reports[shard])
            result.feeds += part.feeds
            result.pages += part.pages
            continue
        reason = f"shard {shard + 1}/{shards} gave no report ({states[shard]})"
        result.feeds += [
            FeedOutcome(f.name, f.url, "failed", error=reason)
            for f in feeds_of(feeds, shard, shards)
        ]
    return result


@flow(
    name=SHARD_FLOW,
    description="One shard of a monitoring pass: its feeds (by host) and their pages.",
)
def monitor_shard(
    shard: int,
    shards: int,
    pass_id: str,
    config_dir: str | None = None,
    topics_file: str | None = None,
    actors_file: str | None = None,
) -> str:
    """Read this shard's feeds and ingest their pages due; the report goes to the
    database for the pass that started the shard."""
    settings = Settings.load(
        config_dir=config_dir, topics_file=topics_file, actors_file=actors_file
    )
    config = settings.feeds()
    feeds = feeds_of(config.feeds, shard, shards)
    watchlist = load_watchlist(settings.topics_file, settings.actors_file)
    result = collect(settings, config.fetch, feeds, watchlist, owner=_owner(), only_these=True)
    with transaction(sessions_for(settings.database_url)) as session:
        save_shard_report(session, pass_id, shard, report_data(result))
    new = sum(p.status == "new" for p in result.pages)
    summary = f"shard {shard + 1}/{shards}: {len(feeds)} feeds, {new} new articles"
    get_run_logger().info(summary)
    return summary


def run_name() -> str:
    """A pass is named by when it was due, so the dashboard's list reads as a log:
    `pass 2026-12-02 08:15 UTC`."""
    return f"pass {flow_run.scheduled_start_time:%Y-%m-%d %H:%M} UTC"


@flow(
    name="monitor",
    description="Poll the feeds, extract new articles, record claims and changes.",
    flow_run_name=run_name,
)
def monitor(
    config_dir: str | None = None,
    topics_file: str | None = None,
    actors_file: str | None = None,
    skip_late_after: float | None = None,
    shards: int = 1,
) -> State:
    """One monitoring pass over DIR/feeds.yaml (the database comes from the environment).
    A run that starts more than `skip_late_after` seconds after its scheduled time ends at
    once as Completed/Skipped. With `shards` > 1 (a deployment on a work pool), the feeds
    are read and their pages ingested by that many shard runs on the pool's workers."""
    logger = get_run_logger()
    late = (datetime.now(UTC) - flow_run.scheduled_start_time).total_seconds()
    if skip_late_after is not None and late > skip_late_after:
        message = f"skipped: {late:.0f}s late, more than one period ({skip_late_after:g}s)"
        logger.warning(message)
        return Completed(name="Skipped", message=message)
    settings = Settings.load(
        config_dir=config_dir, topics_file=topics_file, actors_file=actors_file
    )
    config = settings.feeds()
    watchlist = load_watchlist(settings.topics_file, settings.actors_file)
    routes = settings.routes()
    if shards > 1:
        parameters = {
            "config_dir": config_dir,
            "topics_file": topics_file,
            "actors_file": actors_file,
        }
        result = _sharded(
            settings.database_url, config.feeds, shards, parameters, config.fetch.shard_wait
        )
    else:
        result = collect(settings, config.fetch, config.feeds, watchlist, owner=_owner())
    alert_outages(
        settings.database_url, routes, [f.url for f in config.feeds], config.fetch.outage_after
    )
    titles = {topic.id: topic.title for topic in watchlist.topics}
    delivery = deliver_alerts(settings.database_url, routes, titles)
    feeds_dir = str(settings.feeds_dir())
    written = write_feeds(settings.database_url, titles, feeds_dir, return_state=True)
    if written.is_failed():  # like the stories: a warning, the feeds come next pass
        logger.warning("feeds not written: %s", one_line(written.result(raise_on_failure=False)))
    headline = report.headline(result)
    create_markdown_artifact(
        markdown=report.markdown(result), key="claimwatch-pass", description=headline
    )
    published = publish_stories(settings.database_url, watchlist, return_state=True)
    if published.is_failed():  # the pass's own results stand; the stories come next pass
        reason = one_line(published.result(raise_on_failure=False))
        logger.warning("stories not published: %s", reason)
    if routes:
        create_markdown_artifact(
            markdown=delivery.as_markdown(), key="claimwatch-delivery", description="Alert routes"
        )
    create_table_artifact(
        table=report.feed_table(result), key="claimwatch-feeds", description="Per feed"
    )
    failed = result.failed_feeds
    summary = (
        f"{headline} · {len(result.feeds) - len(failed)}/{len(result.feeds)} feeds read, "
        f"{sum(p.status == 'new' for p in result.pages)} new articles, "
        f"{len(result.alerts)} alerts; delivery: {delivery.summary()}"
    )
    logger.info(summary)
    if failed and len(failed) == len(result.feeds):
        reasons = "; ".join(f"{f.name}: {f.error}" for f in failed)
        message = f"every feed failed: {reasons}"
        flow_runs = logging.getLogger("prefect.flow_runs")
        if not any(isinstance(f, _NoTraceback) for f in flow_runs.filters):
            flow_runs.addFilter(_NoTraceback())
        return Failed(message=message, data=EveryFeedFailed(message))
    if failed:
        names = ", ".join(f.name for f in failed)
        return Completed(
            name="Partial", message=f"{len(failed)} feeds failed ({names}); {summary}", data=result
        )
    return Completed(message=summary, data=result)
