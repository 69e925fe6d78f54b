"""Engine and sessions: SQLite by default (WAL, busy timeout), PostgreSQL by URL.

Sessions are opened by the caller at its boundary (a command, a Prefect task) and
passed in; nothing here runs at import time.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, InterfaceError
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.errors import one_line
from storage.errors import StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30000
_LOCK_KEY = 0x636C61696D  # "claim": the advisory lock that serialises migrations
# the drivers claimwatch is installed with; any other would fail on a missing module
DRIVERS = ("sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg")


def make_engine(url: str, must_exist: bool = False) -> Engine:
    """An engine for the URL; for SQLite the folder is created (unless `must_exist`: then
    a missing file is an error, so a read command never creates an empty ledger) and WAL
    switched on."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StorageError(f"not a database URL: {url!r}") from exc
    if parsed.drivername not in DRIVERS:
        raise StorageError(
            f"unsupported database URL {parsed.drivername}:// (use sqlite:/// or postgresql://)"
        )
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            _sqlite_file(Path(parsed.database), must_exist)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_file(path: Path, must_exist: bool) -> None:
    """Check a SQLite database path, creating its folder unless `must_exist`."""
    if path.is_dir():
        raise StorageError(f"the database {path} is a folder, not a file")
    if must_exist and not path.is_file():
        raise StorageError(f"the database {path} does not exist")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, no permission
        raise StorageError(
            f"cannot create the folder of the database {path}: {exc.strerror}"
        ) from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 (DBAPI types)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration, under a lock, so two first
    runs on one new database do not both create its tables."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with _migration_lock(engine), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except (
        DatabaseError,
        InterfaceError,
    ) as exc:  # DatabaseError: OperationalError, a non-database file
        raise StorageError(
            f"cannot open the database{_named(engine)}: {one_line(exc.orig)}"
        ) from exc
    except OSError as exc:
        raise StorageError(f"cannot open the database{_named(engine)}: {exc}") from exc


def _named(engine: Engine) -> str:
    """` FILE` for a SQLite file, else nothing (a server URL may carry a password)."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return f" {database}"
    return ""


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """For a SQLite file, an exclusive lock on a file beside it (PostgreSQL locks inside
    the migration's transaction instead)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.migrate-lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def open_database(url: str, must_exist: bool = False) -> sessionmaker[Session]:
    """Engine, migrated schema and a session factory, for one command or task."""
    engine = make_engine(url, must_exist)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def close_database(factory: sessionmaker[Session]) -> None:
    """Close the pooled connections of a factory from `open_database` (before its SQLite
    file is removed, say)."""
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine):
        bind.dispose()


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session whose work is committed together, or not at all."""
    with factory() as session, session.begin():
        yield session
