"""SIGKILL trials: a real `claimwatch run` killed at random moments (fetching, extracting,
storing, delivering), then one run to the end: nothing is lost, nothing stored twice, and
every alert reaches the webhook, with only the sends in flight at a kill repeated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from storage.db import open_database, transaction
from storage.models import Alert, Article, Claim, Page
from tests.conftest import ROOT, run_cli, write_feeds
from tests.localsite import LocalSite
from tests.receivers import WebhookReceiver, wait_for

pytestmark = pytest.mark.topology
KILLS = 5


def _ledger(db: str) -> tuple[int, Counter, Counter]:
    """Articles, claims (what, by whom, where) and alert keys, with their multiplicities."""
    with transaction(open_database(db)) as session:
        articles = session.scalar(select(func.count()).select_from(Article)) or 0
        claims = Counter(
            (c.topic, c.actor, c.stance, c.quote, c.article.url)
            for c in session.scalars(select(Claim))
        )
        alerts = Counter(str(a.payload["key"]) for a in session.scalars(select(Alert)))
    return articles, claims, alerts


def _run(config: Path, db: str) -> list[str]:
    return [sys.executable, "-m", "claimwatch.cli", "run", "--config", str(config), "--db", db]


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out)


def _began(process: subprocess.Popen, log: Path, count: int) -> float:
    """Wait until the log shows the `count`-th pass begun; when that was seen."""
    seen = wait_for(
        lambda: log.read_text().count("Beginning flow run") >= count or process.poll() is not None,
        timeout=120,
    )
    assert seen and process.poll() is None, log.read_text()[-2000:]
    return time.monotonic()


def test_sigkill_of_run_at_random_points_loses_nothing_and_stores_nothing_twice(
    prefect_api: str, site: LocalSite, tmp_path: Path
) -> None:
    feeds = [
        {"name": "rss", "url": site.url("/rss.xml")},
        {"name": "atom", "url": site.url("/atom.xml")},
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
    env["PREFECT_API_URL"] = prefect_api
    reference_db = f"sqlite:///{tmp_path / 'reference.db'}"
    reference = write_feeds(tmp_path / "reference", feeds)
    first = _start(_run(reference, reference_db), env, tmp_path / "reference.log")
    began = _began(first, tmp_path / "reference.log", 1)
    assert first.wait(timeout=300) == 0, (tmp_path / "reference.log").read_text()[-2000:]
    work = time.monotonic() - began  # kills land within the time the pass itself takes
    expected = _ledger(reference_db)
    assert expected[0] >= 5 and expected[2], "the reference pass stored the story"

    receiver = WebhookReceiver(delay=0.2)  # sends take a while, so kills land among them
    receiver.start()
    try:
        config = write_feeds(tmp_path / "config", feeds)
        route = {"name": "hook", "urls": [f"json://{receiver.url}/in"]}
        (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": [route]}), "utf-8")
        db = f"sqlite:///{tmp_path / 'killed.db'}"
        log = tmp_path / "killed.log"
        moments = random.Random(18)
        for attempt in range(1, KILLS + 1):
            process = _start(_run(config, db), env, log)
            _began(process, log, attempt)  # after start-up, which varies with the load
            time.sleep(moments.uniform(0.1, 0.9) * work)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        ended = log.read_text().count("prefect.flow_runs: Finished in state")
        assert ended < KILLS, "some kills landed in the middle of a pass"
        env = {"PREFECT_API_URL": prefect_api}
        final = run_cli("run", "--config", str(config), "--db", db, env=env)
        assert final.returncode == 0, final.stderr[-2000:]

        articles, claims, alerts = _ledger(db)
        assert articles == expected[0], "every article stored, once"
        assert claims == expected[1], "the same claims as one clean pass, none twice"
        assert alerts == expected[2], "the same alerts as one clean pass, none twice"
        received = Counter(
            next(v for k, v in post.headers.items() if k.lower() == "x-claimwatch-alert")
            for post in receiver.posts
        )
        assert set(received) == set(alerts), "every alert reached the webhook"
        repeats = sum(n - 1 for n in received.values())
        assert repeats <= KILLS, f"only a send in flight at a kill repeats ({repeats})"
    finally:
        receiver.stop()


def test_two_first_runs_at_once_on_one_new_database_store_everything_once(
    prefect_api: str, site: LocalSite, database_url: str, tmp_path: Path
) -> None:
    """Both set the schema up (under a lock), neither marks failed a page the other stored."""
    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "rss", "url": site.url("/rss.xml")},
            {"name": "atom", "url": site.url("/atom.xml")},
        ],
    )
    command = [sys.executable, "-m", "claimwatch.cli", "run", "--config", str(config)]
    command += ["--db", database_url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
    env["PREFECT_API_URL"] = prefect_api
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()[-2000:]
    with transaction(open_database(database_url)) as session:
        pages = list(session.scalars(select(Page)))
        assert pages and all(p.status == "done" for p in pages), [(p.url, p.error) for p in pages]
        keys = Counter(a.key for a in session.scalars(select(Article)))
        assert len(keys) >= 5 and set(keys.values()) == {1}
        alerts = Counter(str(a.payload["key"]) for a in session.scalars(select(Alert)))
        assert alerts and set(alerts.values()) == {1}
