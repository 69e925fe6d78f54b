"""Mutes, their expiry, unmute and ack, through the CLI on a real SQLite file and PostgreSQL,
with a real webhook receiving what is sent (nothing of claimwatch is mocked)."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from alerts.delivery import deliver_pending
from alerts.routes import Route
from storage.db import open_database, transaction
from storage.models import Mute
from storage.mutes import add_mute, is_muted
from tests.conftest import run_cli
from tests.receivers import WebhookReceiver, webhook
from tests.test_alerts import alert_refs, hook, hook_refs, replay_seeds, write_routes

__all__ = ["webhook"]  # the fixture: a local webhook receiver


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus replayed once into a SQLite file; each test copies it."""
    folder = tmp_path_factory.mktemp("replayed")
    replay_seeds(f"sqlite:///{folder / 'claimwatch.db'}")
    return folder


@pytest.fixture
def seeded(replayed: Path, tmp_path: Path) -> str:
    for part in replayed.iterdir():
        shutil.copy(part, tmp_path / part.name)
    return f"sqlite:///{tmp_path / 'claimwatch.db'}"


def cli(*args: str, db: str) -> tuple[int, str, str]:
    result = run_cli("alerts", *args, "--db", db)
    return result.returncode, result.stdout, result.stderr


def listed(db: str, *options: str) -> list[dict]:
    code, out, err = cli("list", "--json", *options, db=db)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def about(record: dict, who: str) -> bool:
    return who in {record["actor"], record["group"], record["subject"]}


def test_a_muted_actor_is_recorded_not_sent_and_the_mute_survives(
    database_url: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    replay_seeds(database_url)
    code, out, err = cli("mute", "nk-troops", "--actor", "russia", db=database_url)
    assert code == 0, err
    assert "muted russia on topic nk-troops until unmuted" in out
    # a new process finds the mute in the database
    code, out, _ = cli("mutes", "--json", db=database_url)
    assert [json.loads(line)["actor"] for line in out.splitlines()] == ["russia"]

    config = write_routes(tmp_path / "config", [{"name": "hook", "urls": [hook(webhook)]}])
    sent = run_cli("alerts", "send", "--config", str(config), "--db", database_url)
    assert sent.returncode == 0, sent.stderr
    alerts = alert_refs(database_url)
    russian = {ref for ref, payload in alerts.items() if about(payload, "russia")}
    assert russian and len(russian) < len(alerts)
    assert hook_refs(webhook) == Counter(ref for ref in alerts if ref not in russian)
    assert " muted" in sent.stdout and f"{len(russian)} muted" in sent.stdout

    muted = listed(database_url, "--muted", "--config", str(config))
    assert {r["key"][:12] for r in muted} == russian
    assert all(r["status"] == "muted" for r in muted)
    assert all([e["state"] for e in r["routes"]] == ["muted"] for r in muted)
    code, text, _ = cli("list", "--status", "muted", db=database_url)
    assert code == 0 and len(text.splitlines()) == len(russian) and " muted " in text

    # unmuting affects new alerts only: the muted ones stay muted and unsent
    code, out, err = cli("unmute", "nk-troops", "--actor", "russia", db=database_url)
    assert code == 0 and "1 mute removed" in out, err
    again = run_cli("alerts", "send", "--config", str(config), "--db", database_url)
    assert again.returncode == 0 and webhook.count() == len(alerts) - len(russian)
    assert len(listed(database_url, "--muted")) == len(russian)
    code, _, err = cli("unmute", "nk-troops", "--actor", "russia", db=database_url)
    assert code == 1 and err.count("\n") == 1 and "no mute on russia" in err


def test_a_mute_expires_by_itself(seeded: str, webhook: WebhookReceiver) -> None:
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    code, out, err = cli("mute", "nk-troops", "--until", until, db=seeded)
    assert code == 0 and "until 20" in out, err
    sessions = open_database(seeded)
    routes = [Route("hook", (hook(webhook),))]
    later = datetime.now(UTC) + timedelta(hours=2)  # the mute has ended by then
    report = deliver_pending(sessions, routes, now=later)
    assert report.muted == 0 and webhook.count() == len(alert_refs(seeded))
    assert listed(seeded, "--muted") == []
    code, out, err = cli("mutes", db=seeded)  # the mute is still in force in real time
    assert code == 0 and "topic nk-troops  until 20" in out


def test_a_muted_topic_without_routes_is_muted_and_unmute_sends_what_waits(
    seeded: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    total = len(alert_refs(seeded))
    assert cli("mute", "nk-troops", "--until", "2999-01-01", db=seeded)[0] == 0
    sessions = open_database(seeded)
    assert deliver_pending(sessions, []).counts["muted"] == total  # no route: still muted
    # a second mute, removed before any pass: its topic's alerts go out as usual
    fresh = seeded.replace("claimwatch.db", "fresh.db")
    shutil.copy(seeded.removeprefix("sqlite:///"), fresh.removeprefix("sqlite:///"))
    with transaction(open_database(fresh)) as session:
        session.execute(delete(Mute))
    assert cli("mute", "nk-troops", db=fresh)[0] == 0
    code, out, _ = cli("unmute", "nk-troops", "--all", db=fresh)
    assert code == 0 and "1 mute removed" in out
    report = deliver_pending(open_database(fresh), [Route("hook", (hook(webhook),))])
    assert report.muted == 0 and webhook.count() == total


def test_ack_is_idempotent_and_unknown_ids_are_one_line(seeded: str) -> None:
    code, out, err = cli("ack", "1", "2", db=seeded)
    assert code == 0 and out.count("acked alert") == 2, err
    first = {r["id"]: r["acked_at"] for r in listed(seeded)}
    assert first[1] and first[2] and first[3] is None
    assert cli("ack", "1", db=seeded)[0] == 0
    assert {r["id"]: r["acked_at"] for r in listed(seeded)} == first
    code, text, _ = cli("list", db=seeded)
    assert [line.split()[0] for line in text.splitlines() if " acked " in line] == ["1", "2"]
    code, _, err = cli("ack", "99999", db=seeded)
    assert code == 1 and err.count("\n") == 1 and "no alert with id 99999" in err
    # an acked alert is still pending: ack is "I've seen it", not "don't send"
    assert next(r for r in listed(seeded) if r["id"] == 1)["status"] == "pending"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mute", "no-such-topic"], "unknown topic 'no-such-topic' (known: nk-troops)"),
        (["mute", "nk-troops", "--until", "2020-01-01"], "is in the past"),
        (["mute", "nk-troops", "--until", "2999-01-01T10:00"], "has no UTC offset"),
        (["mute", "nk-troops", "--until", "soon"], "is not a date"),
        (["unmute", "nk-troops"], "no mute on topic nk-troops"),
        (["list", "--muted", "--status", "failed"], "cannot go with --status failed"),
    ],
)
def test_mistakes_are_one_line(seeded: str, args: list[str], message: str) -> None:
    code, out, err = cli(*args, db=seeded)
    assert code == 1 and out == "" and err.count("\n") == 1 and message in err, err


def test_is_muted_matches_topic_actor_and_side() -> None:
    payload = {
        "topic": "t",
        "actor": "putin",
        "group": "russia",
        "scope": "actor",
        "subject": "putin",
    }
    assert is_muted(payload, [Mute(topic="t", actor="*")])
    assert is_muted(payload, [Mute(topic="t", actor="russia")])
    assert is_muted(payload, [Mute(topic="t", actor="putin")])
    assert not is_muted(payload, [Mute(topic="t", actor="ukraine"), Mute(topic="u", actor="*")])


def test_muting_again_replaces_the_end(sqlite_url: str) -> None:
    sessions = open_database(sqlite_url)
    soon = datetime.now(UTC) + timedelta(days=1)
    with transaction(sessions) as session:
        add_mute(session, "nk-troops", "russia", soon)
        add_mute(session, "nk-troops", "russia", None)
    with transaction(sessions) as session:
        rows = list(session.scalars(select(Mute)))
        assert [(m.actor, m.until) for m in rows] == [("russia", None)]


def test_states_per_route_and_a_summary_that_adds_up(
    seeded: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    total = len(alert_refs(seeded))
    assert cli("mute", "nk-troops", "--actor", "russia", db=seeded)[0] == 0
    routes = [
        {"name": "now", "urls": [hook(webhook)]},
        {"name": "daily", "urls": [hook(webhook, "digest")], "mode": "digest"},
    ]
    routes[1]["schedule"] = "daily 23:59"
    config = write_routes(tmp_path / "config", routes)
    before = listed(seeded, "--config", str(config))
    first = next(r for r in before if r["status"] == "pending")
    assert {e["route"]: e["state"] for e in first["routes"]} == {
        "daily": "waiting-for-digest",
        "now": "pending",
    }
    sent = run_cli("alerts", "send", "--config", str(config), "--db", seeded)
    summary = sent.stdout.splitlines()[-1]
    numbers = dict(
        (label, int(n))
        for n, label in (
            part.split(" ", 1) for part in summary.split(": ", 1)[1].split("; ")[0].split(", ")
        )
    )
    assert summary.startswith(f"{total} alerts: ") and sum(numbers.values()) == total, summary
    assert numbers["waiting for a digest"] == total - numbers["muted"] > 0, summary
    assert "2 routes: " in summary and "deliveries made" in summary
    after = {r["id"]: r for r in listed(seeded, "--config", str(config))}
    assert {e["route"]: e["state"] for e in after[first["id"]]["routes"]} == {
        "daily": "waiting-for-digest",
        "now": "delivered",
    }
    none = deliver_pending(open_database(seeded), [])
    assert none.summary() == f"no alert routes: {total} alerts kept ({numbers['muted']} muted)"
