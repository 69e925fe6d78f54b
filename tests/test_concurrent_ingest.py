"""Articles stored at the same moment by several workers (threads with their own engines
on a real PostgreSQL) read like a sequential ingest: a side or actor is new once, and of
several copies of one wire story one is the original (storage/locks.py)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import select

from claimwatch.corpus import read_manifest
from claimwatch.pipeline import replay_entry
from extractors.article import load_document
from extractors.watchlist import Watchlist
from storage.db import open_database, transaction
from storage.models import Alert, Article
from tests.conftest import SEEDS

pytestmark = pytest.mark.postgres


def _at_once(database_url: str, jobs: list[Callable[..., object]]) -> None:
    """Run each job in its own thread with its own engine, all released together."""
    start = threading.Barrier(len(jobs), timeout=60)
    errors: list[BaseException] = []

    def run(job: Callable[..., object]) -> None:
        sessions = open_database(database_url)
        try:
            start.wait()
            job(sessions)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors


def _new_voices(database_url: str) -> Counter:
    with transaction(open_database(database_url)) as session:
        payloads = [a.payload for a in session.scalars(select(Alert))]
    return Counter(
        (p["scope"], p["actor"] if p["scope"] == "actor" else p["group"])
        for p in payloads
        if p["kind"] == "new_actor"
    )


def test_the_seed_story_stored_all_at_once_has_each_voice_new_once(
    postgres_url: str, sqlite_url: str, watchlist: Watchlist
) -> None:
    entries = read_manifest(SEEDS)
    _at_once(postgres_url, [lambda s, e=e: replay_entry(s, e, watchlist) for e in entries])
    sequential = open_database(sqlite_url)
    for entry in entries:
        replay_entry(sequential, entry, watchlist)
    voices = _new_voices(postgres_url)
    assert voices and set(voices.values()) == {1}, voices
    assert voices == _new_voices(sqlite_url)


def test_copies_of_one_story_stored_at_once_keep_one_original(
    postgres_url: str, watchlist: Watchlist
) -> None:
    from claimwatch.pipeline import ingest

    entry = read_manifest(SEEDS)[0]

    def copy(n: int) -> Callable[..., object]:
        def job(sessions: object) -> None:
            article = load_document(entry.path)
            article.url, article.outlet = f"https://outlet{n}.example/story", f"Outlet {n}"
            with transaction(sessions) as session:  # type: ignore[arg-type]
                ingest(session, article, entry.published, watchlist)

        return job

    _at_once(postgres_url, [copy(n) for n in range(4)])
    with transaction(open_database(postgres_url)) as session:
        articles = list(session.scalars(select(Article)))
    assert len(articles) == 4
    assert sum(a.story_id is None for a in articles) == 1
