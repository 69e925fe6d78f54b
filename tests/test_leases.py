"""Page leases: concurrent takers (threads with their own connections, on SQLite and a
real PostgreSQL) never get the same page; a dead holder's pages come back when the lease
runs out; finished pages never come back. Shards: a feed's shard is its host's."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from feeds.config import FeedSpec
from feeds.parse import FeedEntry
from flows.shards import feeds_of, shard_of
from storage.db import open_database, transaction
from storage.feeds import (
    due_pages,
    feed_source,
    lease_pages,
    mark_page_done,
    mark_page_failed,
    record_entries,
    release_pages,
)
from storage.models import Page

PAGES = 120
HOUR = timedelta(hours=1)


def _queue(database_url: str, pages: int, feeds: int = 3) -> None:
    sessions = open_database(database_url)
    with transaction(sessions) as session:
        for f in range(feeds):
            source = feed_source(session, f"feed {f}", f"http://host{f}.test/feed.xml")
            entries = [
                FeedEntry(
                    key=f"{f}-{n}",
                    title=f"entry {n}",
                    link=f"http://host{f}.test/a/{n}",
                    published=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
                )
                for n in range(pages // feeds)
            ]
            record_entries(session, source, entries)


def test_concurrent_takers_never_get_the_same_page(database_url: str) -> None:
    _queue(database_url, PAGES)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4, timeout=60)

    def taker(owner: str) -> None:
        sessions = open_database(database_url)  # its own engine and connections
        mine = taken.setdefault(owner, [])
        try:
            start.wait()
            while True:
                with transaction(sessions) as session:
                    batch = lease_pages(session, datetime.now(UTC), 7, owner, HOUR)
                if not batch:
                    return
                mine += [page.id for page in batch]
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=taker, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    every = [page for pages in taken.values() for page in pages]
    assert len(every) == len(set(every)) == PAGES
    assert sum(1 for pages in taken.values() if pages) >= 2  # they really ran side by side


def test_a_lease_ends_when_done_failed_released_or_expired(database_url: str) -> None:
    _queue(database_url, 4, feeds=1)
    sessions = open_database(database_url)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        first = lease_pages(session, now, 10, "dead-worker", timedelta(minutes=5))
        assert len(first) == 4
        assert lease_pages(session, now, 10, "other", HOUR) == []
        assert due_pages(session, now, 10) == []
        mark_page_done(session, first[0].id, article_id=None)  # type: ignore[arg-type]
        mark_page_failed(session, first[1].id, "boom", max_attempts=1, backoff=60)
        release_pages(session, [first[2].id], "someone-else")  # not theirs: no effect
        release_pages(session, [first[2].id], "dead-worker")
    with transaction(sessions) as session:
        assert [p.id for p in lease_pages(session, now, 10, "other", HOUR)] == [first[2].id]
    later = now + timedelta(minutes=6)  # the dead worker's lease ran out
    with transaction(sessions) as session:
        assert [p.id for p in lease_pages(session, later, 10, "other", HOUR)] == [first[3].id]
        statuses = {row.id: row.status for row in session.execute(select(Page.id, Page.status))}
    assert statuses[first[0].id] == "done" and statuses[first[1].id] == "gave_up"


def test_a_shard_takes_only_the_pages_of_its_feeds(database_url: str) -> None:
    _queue(database_url, 9, feeds=3)
    sessions = open_database(database_url)
    with transaction(sessions) as session:
        taken = lease_pages(
            session, datetime.now(UTC), 50, "shard", HOUR, ["http://host1.test/feed.xml"]
        )
    assert len(taken) == 3 and {p.feed_url for p in taken} == {"http://host1.test/feed.xml"}


def test_shards_split_feeds_by_host_the_same_way_every_time() -> None:
    feeds = [
        FeedSpec(f"feed {n}", f"https://{host}.example/{path}.xml")
        for n, (host, path) in enumerate(
            (h, p) for h in ("alpha", "beta", "gamma", "delta", "eps") for p in ("a", "b")
        )
    ]
    parts = [feeds_of(feeds, shard, 3) for shard in range(3)]
    assert sorted(f.url for part in parts for f in part) == sorted(f.url for f in feeds)
    for part in parts:  # both feeds of a host land in the same shard
        hosts = {f.url.split("/")[2] for f in part}
        assert all(sum(f.url.split("/")[2] == h for f in part) == 2 for h in hosts)
    assert shard_of("https://Alpha.example/x", 3) == shard_of("https://alpha.example/y", 3)
    assert {shard_of(f.url, 3) for f in feeds} == {0, 1, 2}  # 5 hosts spread over 3 shards


def test_pages_of_a_gone_process_of_this_host_are_free_at_once(database_url: str) -> None:
    """A killed `claimwatch run` must not hold its pages for the whole lease."""
    import socket
    import subprocess
    import sys

    _queue(database_url, 3, feeds=1)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)  # fmt: skip
    sessions = open_database(database_url)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        dead = f"{socket.gethostname()}:{gone.stdout.strip()}:run"
        assert len(lease_pages(session, now, 2, dead, HOUR)) == 2
        elsewhere = f"other-host:{gone.stdout.strip()}:run"
        assert len(lease_pages(session, now, 1, elsewhere, HOUR)) == 1
    with transaction(sessions) as session:
        assert len(lease_pages(session, now, 10, "next", HOUR)) == 2  # not the other host's
