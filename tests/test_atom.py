"""The Atom feed of each topic: written by replay and by every pass, stable across passes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import feedparser
import pytest
import yaml

from flows.monitor import monitor
from storage.db import open_database, transaction
from storage.models import Article
from tests.conftest import SEEDS, run_cli, write_feeds
from tests.localsite import LocalSite

TOPIC = "nk-troops"


def _replay(url: str, feeds: Path) -> None:
    done = run_cli(
        "replay", str(SEEDS), "--db", url, "--no-progress", env={"CLAIMWATCH_FEEDS_DIR": str(feeds)}
    )
    assert done.returncode == 0, done.stderr


def test_replay_writes_a_stable_feed_of_the_topics_alerts(
    database_url: str, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds"
    _replay(database_url, feeds)
    path = feeds / f"{TOPIC}.xml"
    first = path.read_bytes()
    parsed = feedparser.parse(first)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "North Korean troops fighting for Russia"
    listed = run_cli("alerts", "list", "--json", "--db", database_url)
    alerts = [json.loads(line) for line in listed.stdout.splitlines()]
    mine = sorted((a for a in alerts if a["topic"] == TOPIC), key=lambda a: -a["id"])
    assert mine and len(parsed.entries) == len(mine)
    assert [e.title for e in parsed.entries] == [a["title"] for a in mine]  # newest first
    for entry in parsed.entries:
        assert entry.link.startswith("file:") and entry.id.startswith("urn:claimwatch:alert:")
        assert entry.content[0].type == "text/html" and "<blockquote" in entry.content[0].value
    ids = [e.id for e in parsed.entries]
    mtime = path.stat().st_mtime_ns

    _replay(database_url, feeds)  # nothing new: the same bytes, the file left alone
    assert path.read_bytes() == first and path.stat().st_mtime_ns == mtime
    assert [e.id for e in feedparser.parse(path.read_bytes()).entries] == ids

    printed = run_cli("alerts", "feed", TOPIC, "--out", "-", "--db", database_url)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.encode() == first
    out = tmp_path / "copy.xml"
    assert run_cli("alerts", "feed", TOPIC, "--out", str(out), "--db", database_url).returncode == 0
    assert out.read_bytes() == first


def test_alerts_feed_help_and_unknown_topic(sqlite_url: str, tmp_path: Path) -> None:
    shown = run_cli("alerts", "feed", "--help")
    assert shown.returncode == 0 and "example:" in shown.stdout
    _replay(sqlite_url, tmp_path / "feeds")
    wrong = run_cli("alerts", "feed", "no-such-topic", "--out", "-", "--db", sqlite_url)
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr.count("\n") == 1 and "unknown topic 'no-such-topic'" in wrong.stderr


def test_a_pass_writes_the_feeds_into_feeds_dir_of_alerts_yaml(
    prefect_api: str,
    site: LocalSite,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_feeds(tmp_path / "config", [{"name": "rss", "url": site.url("/rss.xml")}])
    feeds = tmp_path / "from-config"
    (config / "alerts.yaml").write_text(yaml.safe_dump({"feeds_dir": str(feeds), "routes": []}))
    monkeypatch.delenv("CLAIMWATCH_FEEDS_DIR")
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", database_url)
    state = monitor(config_dir=str(config), return_state=True)
    assert state.is_completed(), state.message
    first = (feeds / f"{TOPIC}.xml").read_bytes()
    parsed = feedparser.parse(first)
    assert parsed.bozo == 0 and parsed.entries
    assert all(e.link.startswith("http://127.0.0.1") for e in parsed.entries)
    again = monitor(config_dir=str(config), return_state=True)
    assert again.is_completed(), again.message
    assert (feeds / f"{TOPIC}.xml").read_bytes() == first


def test_an_unwritable_feeds_dir_is_a_warning_not_a_failed_pass(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = write_feeds(tmp_path / "config", [{"name": "rss", "url": site.url("/rss.xml")}])
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLAIMWATCH_FEEDS_DIR", str(blocker / "feeds"))
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", sqlite_url)
    with caplog.at_level(logging.WARNING):
        state = monitor(config_dir=str(config), return_state=True)
    assert state.is_completed(), state.message
    assert any("feeds not written" in r.getMessage() for r in caplog.records)
    with transaction(open_database(sqlite_url)) as session:
        assert session.query(Article).count() > 0
