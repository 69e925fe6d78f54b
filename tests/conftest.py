"""Shared fixtures: the seed corpus, watch lists, and real databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from claimwatch.settings import Settings
from extractors.watchlist import Watchlist, load_watchlist
from tests.localsite import LocalSite, seed_articles

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
POSTGRES_ENV = "CLAIMWATCH_TEST_POSTGRES_URL"
FEEDS_ENV = "CLAIMWATCH_FEEDS_DIR"


@pytest.fixture(scope="session", autouse=True)
def feeds_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Atom feeds of every test go to a temporary folder, never into the checkout
    (a test may point CLAIMWATCH_FEEDS_DIR elsewhere)."""
    folder = tmp_path_factory.mktemp("feeds")
    before = os.environ.get(FEEDS_ENV)
    os.environ[FEEDS_ENV] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(FEEDS_ENV, None)
    else:
        os.environ[FEEDS_ENV] = before


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.load(environ={})


@pytest.fixture(scope="session")
def watchlist(settings: Settings) -> Watchlist:
    return load_watchlist(settings.topics_file, settings.actors_file)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'claimwatch.db'}"


def scratch_database(prefix: str, driver: str = "postgresql") -> Iterator[str]:
    """A fresh database on the test PostgreSQL server (URL with `driver`), dropped afterwards."""
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        pytest.skip(
            f"{POSTGRES_ENV} is not set: run the tests with `make test`, which starts PostgreSQL"
        )
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    plain = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield (
        make_url(plain).set(drivername=driver, database=name).render_as_string(hide_password=False)
    )
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the test server, dropped afterwards."""
    yield from scratch_database("cw")


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """The seed corpus as a news site on 127.0.0.1, with its RSS and Atom feeds."""
    with LocalSite(seed_articles(SEEDS)) as running:
        yield running


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on a real SQLite file and on a real PostgreSQL server."""
    return request.getfixturevalue(f"{request.param}_url")


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run the installed `claimwatch` command as a user would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
    if FEEDS_ENV in os.environ:  # the session's temporary feeds folder
        full_env[FEEDS_ENV] = os.environ[FEEDS_ENV]
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "claimwatch.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """Prefect's own test harness (a temporary API and database), started once per session."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def write_feeds(folder: Path, feeds: list[dict], **fetch: object) -> Path:
    """A config folder whose feeds.yaml lists the feeds; fetch options for fast tests."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    options = {"host_delay": "0s", "retry_backoff": "0s", "feed_retry_delay": "0.1s", **fetch}
    (folder / "feeds.yaml").write_text(
        yaml.safe_dump({"feeds": feeds, "fetch": options}), encoding="utf-8"
    )
    return folder
