"""Storage on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from claimwatch.pipeline import ingest
from extractors.article import load_document
from extractors.watchlist import Watchlist
from storage.db import make_engine, open_database, transaction
from storage.models import Alert, Article, Base, Change, Claim
from tests.conftest import SEEDS

SEED = SEEDS / "003_41deaae23a4276fc.txt"


def test_same_article_twice_is_stored_once(database_url: str, watchlist: Watchlist) -> None:
    sessions = open_database(database_url)
    from datetime import date

    for _ in range(2):
        with transaction(sessions) as session:
            ingest(session, load_document(SEED), date(2025, 4, 26), watchlist)
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        claims = session.scalar(select(func.count()).select_from(Claim))
        assert claims == 3
        # every change has exactly one alert in the outbox, written with it
        assert session.scalar(select(func.count()).select_from(Change)) == session.scalar(
            select(func.count()).select_from(Alert)
        )


def test_schema_is_created_and_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    open_database(database_url)
    open_database(database_url)  # migrating twice is harmless
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], (
        "the models changed without a migration: add one in storage/migrations/versions"
    )


def test_sqlite_uses_wal_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_failed_transaction_leaves_nothing(sqlite_url: str, watchlist: Watchlist) -> None:
    from datetime import date

    sessions = open_database(sqlite_url)
    try:
        with transaction(sessions) as session:
            ingest(session, load_document(SEED), date(2025, 4, 26), watchlist)
            raise RuntimeError("crash after the claims were written")
    except RuntimeError:
        pass
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
        assert session.scalar(select(func.count()).select_from(Alert)) == 0
