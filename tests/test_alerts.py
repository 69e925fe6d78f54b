"""Alert routes and delivery for real: apprise to a local SMTP server and a local webhook.

The seed corpus is replayed with the real command; delivery then goes through apprise
`mailto://` (aiosmtpd on 127.0.0.1) and `json://` (a local HTTP receiver), on SQLite
and PostgreSQL. Nothing of claimwatch is mocked.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.delivery import ALERT_HEADER, deliver_pending, digest_key
from alerts.message import render_alert
from alerts.routes import Route, Schedule, load_routes
from claimwatch.errors import ConfigError
from extractors.watchlist import Watchlist
from storage.db import open_database, transaction
from storage.models import Alert, Delivery
from storage.outbox import evidence
from tests import receivers
from tests.conftest import ROOT, SEEDS, run_cli
from tests.receivers import SmtpReceiver, WebhookReceiver, free_port, wait_for

smtp_server = receivers.smtp_server  # fixtures: a local SMTP server, a local webhook
webhook = receivers.webhook
REF = re.compile(r"ref ([0-9a-f]{12})")


def mailto(port: int, password: str | None = None) -> str:
    user = f"claimwatch:{password}@" if password else ""
    return f"mailto://{user}127.0.0.1:{port}?from=claimwatch@example.com&to=desk@example.com"


def hook(receiver: WebhookReceiver, path: str = "hooks/claimwatch", auth: str = "") -> str:
    return f"json://{auth}{receiver.url}/{path}"


def write_routes(folder: Path, routes: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "alerts.yaml").write_text(yaml.safe_dump({"routes": routes}), encoding="utf-8")
    return folder


def replay_seeds(db: str, corpus: Path = SEEDS) -> None:
    result = run_cli("replay", str(corpus), "--db", db)
    assert result.returncode == 0, result.stderr


def alert_refs(db: str) -> dict[str, dict]:
    sessions = open_database(db)
    with transaction(sessions) as session:
        return {a.payload["key"][:12]: a.payload for a in session.scalars(select(Alert))}


def email_refs(server: SmtpReceiver) -> Counter[str]:
    return Counter(ref for m in server.messages for ref in REF.findall(SmtpReceiver.text(m)))


def hook_refs(receiver: WebhookReceiver) -> Counter[str]:
    return Counter(ref for body in receiver.messages() for ref in REF.findall(body["message"]))


def titles(watchlist: Watchlist) -> dict[str, str]:
    return {topic.id: topic.title for topic in watchlist.topics}


def test_seeds_reach_mail_and_webhook_once_each(
    database_url: str,
    tmp_path: Path,
    smtp_server: SmtpReceiver,
    webhook: WebhookReceiver,
    watchlist: Watchlist,
) -> None:
    replay_seeds(database_url)
    config = write_routes(
        tmp_path / "config",
        [
            {"name": "desk-mail", "urls": [mailto(smtp_server.port)]},
            {"name": "ops-hook", "urls": hook(webhook)},
        ],
    )
    routes = load_routes(config, ROOT / "config", {})
    sessions = open_database(database_url)
    report = deliver_pending(sessions, routes, topic_titles=titles(watchlist))
    alerts = alert_refs(database_url)
    assert report.ok and report.counts["delivered"] == len(alerts) > 10
    assert email_refs(smtp_server) == Counter(list(alerts)) == hook_refs(webhook)
    # the alert's key rides along as a header, for receivers that drop duplicates
    for mail in smtp_server.messages:
        (ref,) = REF.findall(SmtpReceiver.text(mail))
        assert mail.get_all(ALERT_HEADER) == [alerts[ref]["key"]]
    for post in webhook.posts:
        (ref,) = REF.findall(post.body["message"])
        assert post.headers[ALERT_HEADER] == alerts[ref]["key"]

    confirms = [m for m in smtp_server.messages if m["subject"].startswith("Russia now confirms")]
    assert confirms, smtp_server.subjects()
    mail = confirms[0]
    text, html = SmtpReceiver.text(mail), SmtpReceiver.html(mail)
    assert "<blockquote" in html and "Before:" in text and "Now:" in text
    assert "denies on 2024-10-13" in text and "confirms on 20" in text
    assert re.search(r"Carried by: \d+ independent outlets?", text)
    payload = alerts[REF.findall(text)[0]]
    assert payload["after"]["quote"].split()[0] in text  # the quote, in its own language
    assert "(de)" in text
    assert "high confidence (named, reported" in text  # how the new position was found
    same = [b for b in webhook.messages() if REF.findall(b["message"]) == REF.findall(text)]
    assert len(same) == 1 and same[0]["title"] == mail["subject"]

    again = deliver_pending(sessions, routes)
    assert sum(r.sent for r in again.routes) == 0
    assert len(smtp_server.messages) == len(alerts) == webhook.count()
    listed = run_cli("alerts", "list", "--json", "--db", database_url)
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert listed.returncode == 0 and len(records) == len(alerts)
    for record in records:
        assert {"id", "status", "kind", "topic", "actor", "group", "severity", "before"} <= set(
            record
        )
        assert {"after", "scope", "subject", "title", "key", "routes"} <= set(record)
        assert record["status"] == "delivered"
        assert {(r["route"], r["status"]) for r in record["routes"]} == {
            ("desk-mail", "delivered"),
            ("ops-hook", "delivered"),
        }


def test_a_refused_route_holds_up_nobody_and_catches_up_later(
    database_url: str, tmp_path: Path, smtp_server: SmtpReceiver
) -> None:
    replay_seeds(database_url)
    down = WebhookReceiver()  # not started: its port refuses connections
    routes = [Route("mail", (mailto(smtp_server.port),)), Route("hook", (hook(down),))]
    sessions = open_database(database_url)
    alerts = alert_refs(database_url)

    started = time.monotonic()
    first = deliver_pending(sessions, routes)
    assert time.monotonic() - started < 30
    assert email_refs(smtp_server) == Counter(list(alerts))
    assert first.route("hook").retrying == 1 and first.route("hook").sent == 0
    assert "Connection" in first.route("hook").errors[0]
    assert first.counts["pending"] == len(alerts)

    down.start()
    try:
        second = deliver_pending(sessions, routes)  # the first failure waits for its backoff
        assert second.route("hook").delivered == len(alerts) - 1
        third = deliver_pending(sessions, routes, now=datetime.now(UTC) + timedelta(minutes=5))
        assert third.route("hook").delivered == 1 and third.counts["delivered"] == len(alerts)
        assert hook_refs(down) == Counter(list(alerts))
        assert email_refs(smtp_server) == Counter(list(alerts))
    finally:
        down.stop()


def test_a_route_that_stays_down_gives_up_visibly(sqlite_url: str, tmp_path: Path) -> None:
    replay_seeds(sqlite_url)
    port = free_port()
    routes = [Route("pager", (f"json://127.0.0.1:{port}/page",), min_severity="high")]
    sessions = open_database(sqlite_url)
    high = [k for k, p in alert_refs(sqlite_url).items() if p["severity"] == "high"]
    now = datetime.now(UTC)
    assert deliver_pending(sessions, routes, now=now, max_attempts=2).route("pager").retrying
    last = deliver_pending(sessions, routes, now=now + timedelta(hours=1), max_attempts=2)
    assert last.route("pager").gave_up == len(high) and not last.ok
    assert last.counts["failed"] == len(high)
    assert "| pager |" in last.as_markdown()

    listed = run_cli("alerts", "list", "--status", "failed", "--json", "--db", sqlite_url)
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["key"][:12] for r in records] == high
    (route,) = records[0]["routes"]
    assert route["route"] == "pager" and route["status"] == "failed" and route["attempts"] == 2
    assert "Connection error" in route["error"] and f"127.0.0.1:{port}" in route["error"]
    text = run_cli("alerts", "list", "--status", "failed", "--db", sqlite_url).stdout
    assert "pager: failed after 2 attempts" in text


def test_an_apprise_warning_is_a_failure_even_when_notify_says_true(
    sqlite_url: str, smtp_server: SmtpReceiver
) -> None:
    replay_seeds(sqlite_url)
    # apprise drops the bad Cc address with a warning, sends to the rest and returns True
    url = mailto(smtp_server.port) + "&cc=@@@"
    routes = [Route("mail", (url,), min_severity="high")]
    report = deliver_pending(open_database(sqlite_url), routes)
    assert len(smtp_server.messages) == 1  # it did go out (then the URL counts as down) ...
    assert report.route("mail").retrying == 1 and report.route("mail").delivered == 0
    assert "Dropped invalid Carbon Copy email" in report.route("mail").errors[0]
    assert report.counts["delivered"] == 0  # ... but is not taken as delivered


def test_digest_and_filters(
    sqlite_url: str, tmp_path: Path, webhook: WebhookReceiver, smtp_server: SmtpReceiver
) -> None:
    replay_seeds(sqlite_url)
    digest = Schedule.parse("daily 08:00")
    routes = [
        Route("morning", (hook(webhook, "digest"),), mode="digest", schedule=digest),
        Route("urgent", (mailto(smtp_server.port),), frozenset({"nk-troops"}), "high"),
        Route("elsewhere", (mailto(smtp_server.port),), frozenset({"other-topic"})),
    ]
    sessions = open_database(sqlite_url)
    alerts = alert_refs(sqlite_url)
    with transaction(sessions) as session:
        oldest = min(a.created_at for a in session.scalars(select(Alert)))
    oldest = oldest.replace(tzinfo=UTC) if oldest.tzinfo is None else oldest

    early = deliver_pending(sessions, routes, now=oldest + timedelta(seconds=1))
    if digest.next_after(oldest) > oldest + timedelta(seconds=1):
        assert webhook.count() == 0 and early.route("morning").deferred == len(alerts)
    high = [k for k, p in alerts.items() if p["severity"] == "high"]
    assert sorted(email_refs(smtp_server)) == sorted(high) and len(smtp_server.messages) == len(
        high
    )

    deliver_pending(sessions, routes, now=oldest + timedelta(days=1, minutes=1))
    assert webhook.count() == 1
    (message,) = webhook.messages()
    assert message["title"].startswith("claimwatch digest: ")
    assert hook_refs(webhook) == Counter(list(alerts))
    keys = [payload["key"] for payload in alerts.values()]
    assert webhook.posts[0].headers[ALERT_HEADER] == digest_key(keys) == digest_key(keys[::-1])
    for mail in smtp_server.messages:
        (ref,) = REF.findall(SmtpReceiver.text(mail))
        assert mail[ALERT_HEADER] == alerts[ref]["key"]
    body = message["message"]
    assert body.startswith("== North Korean troops") or body.startswith("== nk-troops")
    severities = re.findall(r"^\[(low|medium|high)\]", body, re.MULTILINE)
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    assert (
        deliver_pending(sessions, routes, now=oldest + timedelta(days=3)).route("morning").sent == 0
    )
    with transaction(sessions) as session:
        assert not session.scalars(select(Delivery).where(Delivery.route == "elsewhere")).all()


def test_syndicated_copies_count_once(
    tmp_path: Path, sqlite_url: str, watchlist: Watchlist
) -> None:
    scratch = f"sqlite:///{tmp_path / 'scratch.db'}"
    replay_seeds(scratch)
    confirm = next(
        p for p in alert_refs(scratch).values() if p["title"].startswith("Russia now confirms")
    )
    original = Path(confirm["after"]["source"]).name
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    shutil.copy(corpus / original, corpus / "zz_wire_copy.txt")
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    for entry in manifest["articles"]:
        if entry["file"] == original:
            entry.update(outlet="Original Daily", url="https://original.example/kursk")
            copy = {**entry, "file": "zz_wire_copy.txt", "outlet": "Wire Copy News"}
            copy["url"] = "https://wire.example/kursk-copy"
    manifest["articles"].append(copy)
    (corpus / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    replay_seeds(sqlite_url, corpus)

    sessions = open_database(sqlite_url)
    with transaction(sessions) as session:
        alert = next(
            a
            for a in session.scalars(select(Alert))
            if a.payload["title"].startswith("Russia now confirms")
        )
        found = evidence(session, alert)
    assert "Original Daily" in found.outlets and "Wire Copy News" not in found.outlets
    assert found.copies == ("Wire Copy News",)
    message = render_alert(alert.payload, found, titles(watchlist), alert.id)
    n = len(found.outlets)
    assert f"{n} independent outlet" in message.text
    assert "also carried by Wire Copy News (syndicated copies)" in message.text
    assert "Original Daily" in message.markdown and '<blockquote lang="de">' in message.html


def _acked(sessions: sessionmaker[Session], route: str) -> set[str]:
    """The alerts (short refs) a route has acknowledged, as the database says."""
    with transaction(sessions) as session:
        rows = session.execute(
            select(Alert.payload, Delivery.status)
            .join(Delivery, Delivery.alert_id == Alert.id)
            .where(Delivery.route == route)
        )
        return {payload["key"][:12] for payload, status in rows if status == "delivered"}


def test_sigkill_mid_batch_then_restart(
    database_url: str, tmp_path: Path, smtp_server: SmtpReceiver
) -> None:
    replay_seeds(database_url)
    slow = WebhookReceiver(delay=0.3)
    slow.start()
    config = write_routes(
        tmp_path / "config",
        [{"name": "mail", "urls": mailto(smtp_server.port)}, {"name": "hook", "urls": hook(slow)}],
    )
    command = [sys.executable, "-m", "claimwatch.cli", "alerts", "send"]
    command += ["--config", str(config), "--db", database_url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")}
    sessions = open_database(database_url)
    sender = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:

        def mid_batch() -> bool:  # some acknowledged, and one more on the wire right now
            acked = len(_acked(sessions, "hook"))
            return acked >= 3 and slow.count() > acked

        assert wait_for(mid_batch), sender.poll()
        sender.send_signal(signal.SIGKILL)
        sender.communicate(timeout=30)
        assert sender.returncode == -signal.SIGKILL
        before = {"mail": _acked(sessions, "mail"), "hook": _acked(sessions, "hook")}
        alerts = alert_refs(database_url)
        assert 3 <= len(before["hook"]) < len(alerts)

        again = run_cli("alerts", "send", "--config", str(config), "--db", database_url)
        assert again.returncode == 0, again.stdout + again.stderr
        received = {"mail": email_refs(smtp_server), "hook": hook_refs(slow)}
        for route in ("mail", "hook"):
            assert set(received[route]) == set(alerts), route
            assert all(received[route][ref] == 1 for ref in before[route]), route
            assert _acked(sessions, route) == set(alerts)
            # at most the one in flight when the process died arrives twice
            assert sum(received[route].values()) - len(alerts) <= 1
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.communicate(timeout=30)
        slow.stop()


def test_secrets_stay_out_of_logs_errors_and_listings(
    tmp_path: Path,
    sqlite_url: str,
    smtp_server: SmtpReceiver,
    webhook: WebhookReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mail_pw, hook_pw = f"mailpw{uuid.uuid4().hex}", f"hookpw{uuid.uuid4().hex}"
    token, dead_token = f"tok{uuid.uuid4().hex}", f"deadtok{uuid.uuid4().hex}"
    secrets = [mail_pw, hook_pw, token, dead_token]
    dead = free_port()
    config = write_routes(
        tmp_path / "config",
        [
            {"name": "mail", "urls": mailto(smtp_server.port, "${SMTP_PASSWORD}")},
            {"name": "hook", "urls": hook(webhook, f"hooks/{token}", f"claimwatch:{hook_pw}@")},
            {"name": "dead", "urls": f"json://ops:{hook_pw}@127.0.0.1:{dead}/{dead_token}"},
        ],
    )
    environ = {"SMTP_PASSWORD": mail_pw}
    caplog.set_level(logging.DEBUG)
    routes = load_routes(config, ROOT / "config", environ)
    replay_seeds(sqlite_url)
    report = deliver_pending(open_database(sqlite_url), routes)
    assert report.route("mail").sent and report.route("hook").sent and report.route("dead").errors
    # the secrets were used for real
    assert smtp_server.passwords and set(smtp_server.passwords) == {mail_pw}
    auth = webhook.posts[0].headers["Authorization"].split()[1]
    assert base64.b64decode(auth).decode() == f"claimwatch:{hook_pw}"
    assert webhook.posts[0].path == f"/hooks/{token}"

    handler = logging.Formatter("%(message)s %(exc_text)s")
    seen = [caplog.text, *(handler.format(r) for r in caplog.records)]
    seen += [repr(routes), str(routes[0]), report.as_markdown(), json.dumps(report.as_dict())]
    assert any("dead" in line and "127.0.0.1" in line for line in caplog.text.splitlines())

    other = f"sqlite:///{tmp_path / 'other.db'}"
    replay_seeds(other)
    debug = "import logging, sys; logging.basicConfig(level=logging.DEBUG); "
    debug += "from claimwatch.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMWATCH_")} | environ
    for args in (["send", "--db", other], ["test"]):
        command = [sys.executable, "-c", debug, "alerts", *args, "--config", str(config)]
        run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert run.returncode == 1 and "dead" in run.stdout  # the dead route failed
        assert "DEBUG" in run.stderr
        seen += [run.stdout, run.stderr]
    for db in (sqlite_url, other):
        listed = run_cli("alerts", "list", "--json", "--db", db)
        assert "deadtok" not in listed.stdout and '"dead"' in listed.stdout
        seen.append(listed.stdout)
        with transaction(open_database(db)) as session:
            errors = [d.error or "" for d in session.scalars(select(Delivery))]
        assert any(f"127.0.0.1:{dead}" in e for e in errors)
        seen += errors
    for text in seen:
        for secret in secrets:
            assert secret not in text


def test_alerts_test_reports_every_url(
    tmp_path: Path, smtp_server: SmtpReceiver, webhook: WebhookReceiver
) -> None:
    dead = free_port()
    config = write_routes(
        tmp_path / "config",
        [
            {"name": "mail", "urls": mailto(smtp_server.port)},
            {"name": "ops", "urls": [hook(webhook), f"json://127.0.0.1:{dead}/x"]},
        ],
    )
    result = run_cli(
        "alerts",
        "test",
        "--config",
        str(config),
        env={"CLAIMWATCH_ALERT_URLS": hook(webhook, "env")},
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ok", "mail"],
        ["ok", "ops"],
        ["FAILED", "ops"],
        ["ok", "env"],
    ]
    assert f"127.0.0.1:{dead}" in lines[2] and "Connection" in lines[2]
    assert smtp_server.subjects() == ["claimwatch: test message for route mail"]
    assert [p.path for p in webhook.posts] == ["/hooks/claimwatch", "/env"]


@pytest.mark.parametrize(
    ("routes", "env", "named"),
    [
        ([{"name": "team-chat", "urls": ["tgram://SECRETxTOKEN123456/"]}], {}, "'team-chat'"),
        ([{"name": "pager", "urls": "unknownscheme://SECRETxTOKEN123456@host"}], {}, "'pager'"),
        ([], {"CLAIMWATCH_ALERT_URLS": "json://x SECRETxTOKEN123456://y"}, "'env'"),
        # apprise's own warning quotes the token ("An invalid Stackfield webhook token (…)")
        ([{"name": "desk", "urls": "stackfield://SECRETxTOKEN123456"}], {}, "'desk'"),
        ([{"name": "desk", "urls": "spugpush://SECRETxTOKEN123456"}], {}, "'desk'"),
        ([{"name": "logs", "urls": "syslog://SECRETxTOKEN123456"}], {}, "'logs'"),  # lower-cased
        ([], {"CLAIMWATCH_ALERT_URLS": "trigv://SECRETxTOKEN123456"}, "'env'"),
    ],
)
def test_an_invalid_url_stops_the_start_naming_its_route(
    tmp_path: Path, routes: list[dict], env: dict[str, str], named: str
) -> None:
    config = write_routes(tmp_path / "config", routes)
    for action in (["test"], ["send", "--db", f"sqlite:///{tmp_path / 'x.db'}"]):
        result = run_cli("alerts", *action, "--config", str(config), env=env)
        assert result.returncode == 1
        (line,) = result.stderr.splitlines()
        assert line.startswith("claimwatch: error: ") and named in line
        assert "not a valid apprise URL" in line
        assert "secretxtoken" not in (result.stdout + result.stderr).lower()
        assert ("alerts.yaml" in line) == bool(routes)
        assert result.stdout == ""


def test_apprise_records_are_masked_before_any_handler_sees_them(tmp_path: Path) -> None:
    """A handler put straight on apprise's logger (as PREFECT_LOGGING_EXTRA_LOGGERS does)
    gets apprise's warning about a rejected URL with its token masked."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    apprise_logger = logging.getLogger("apprise")
    apprise_logger.addHandler(handler)
    token = "SECRETxFILTER98765"
    config = write_routes(tmp_path / "config", [{"name": "desk", "urls": f"stackfield://{token}"}])
    try:
        with pytest.raises(ConfigError, match="not a valid apprise URL") as caught:
            load_routes(config, ROOT / "config", {})
    finally:
        apprise_logger.removeHandler(handler)
    assert "Stackfield webhook token (****)" in stream.getvalue()
    assert token not in stream.getvalue() and token not in str(caught.value)


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ({"name": "a", "urls": "json://h/x", "min_severty": "high"}, "unknown key 'min_severty'"),
        ({"name": "a", "urls": "json://h/x", "mode": "digest"}, "a digest needs a `schedule`"),
        ({"name": "a", "urls": "json://h/x", "mode": "digest", "schedule": "sometimes"}, "unknown schedule"),
        ({"name": "a", "urls": "json://h/x", "schedule": "hourly"}, "need `mode: digest`"),
        ({"name": "a", "urls": "json://h/${NOT_SET_ANYWHERE}"}, "NOT_SET_ANYWHERE is not set"),
        ({"name": "a", "urls": []}, "at least one URL"),
        ({"name": "a", "urls": "json://h/x", "min_severity": "urgent"}, "`min_severity`"),
    ],
)  # fmt: skip
def test_route_file_mistakes_are_named(tmp_path: Path, route: dict, message: str) -> None:
    config = write_routes(tmp_path / "config", [route])
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        load_routes(config, ROOT / "config", {})
    assert "route 'a'" in str(caught.value) and "\n" not in str(caught.value)


def test_route_files_and_the_environment(tmp_path: Path) -> None:
    empty, defaults = tmp_path / "empty", ROOT / "config"
    empty.mkdir()
    assert load_routes(empty, defaults, {}) == []  # the shipped example sends nothing
    assert load_routes(empty, empty, {}) == []
    urls = "json://127.0.0.1:9/a, mailto://u:pw1234@example.com?to=a@example.com,b@example.com"
    (env,) = load_routes(empty, defaults, {"CLAIMWATCH_ALERT_URLS": urls})
    assert env.name == "env" and len(env.urls) == 2 and env.mode == "immediate"
    assert "pw1234" not in repr(env) and "****" in repr(env)
    dup = write_routes(tmp_path / "dup", [{"name": "x", "urls": "json://h/1"}] * 2)
    with pytest.raises(ConfigError, match="defined twice"):
        load_routes(dup, defaults, {})
    reserved = write_routes(tmp_path / "reserved", [{"name": "env", "urls": "json://h/1"}])
    with pytest.raises(ConfigError, match="reserved"):
        load_routes(reserved, defaults, {"CLAIMWATCH_ALERT_URLS": "json://h/2"})


def test_schedules() -> None:
    at = datetime(2025, 4, 26, 7, 59, tzinfo=UTC)  # a Saturday
    assert Schedule.parse("daily 08:00").next_after(at) == at.replace(minute=0, hour=8)
    assert Schedule.parse("daily 08:00").next_after(at.replace(hour=8)) == datetime(
        2025, 4, 27, 8, 0, tzinfo=UTC
    )
    assert Schedule.parse("weekly mon 08:00").next_after(at).date().isoformat() == "2025-04-28"
    assert Schedule.parse("every 30m").next_after(at) == at.replace(minute=0, hour=8)
    assert Schedule.parse("hourly").next_after(at) == at.replace(minute=0, hour=8)
    berlin = Schedule.parse("daily 08:00", "Europe/Berlin").next_after(at)
    assert berlin == datetime(2025, 4, 27, 6, 0, tzinfo=UTC)  # 08:00 CEST
    for bad in ("daily 25:00", "every 0m", "weekly xyz 08:00", "monthly"):
        with pytest.raises(ValueError):
            Schedule.parse(bad)
