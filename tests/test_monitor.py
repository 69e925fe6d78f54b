"""The monitor flow against a real news site on 127.0.0.1, through Prefect's test harness."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from alerts.message import render_alert
from flows.monitor import monitor
from storage.db import open_database, transaction
from storage.models import Article, Claim, Page, Source
from tests import receivers
from tests.conftest import SEEDS, write_feeds
from tests.localsite import (
    DEFAULT_OUTLET,
    LocalSite,
    SiteArticle,
    article_page,
    seed_articles,
)
from tests.receivers import SmtpReceiver, WebhookReceiver

smtp_server = receivers.smtp_server  # fixtures: a local SMTP server, a local webhook
webhook = receivers.webhook


def _pass(config: Path, url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", url)
    return monitor(config_dir=str(config), return_state=True)


def test_three_passes_fetch_each_page_once(
    prefect_api: str,
    site: LocalSite,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "rss", "url": site.url("/rss.xml")},
            {"name": "atom", "url": site.url("/atom.xml")},
        ],
    )
    site.visible = 2
    first = _pass(config, database_url, monkeypatch)
    assert first.is_completed(), first.message
    assert sorted(p.status for p in first.result().pages) == ["new", "new"]

    site.visible = 5
    second = _pass(config, database_url, monkeypatch)
    assert second.is_completed(), second.message
    assert [p.status for p in second.result().pages] == ["new"] * 3
    pages = [path for path in site.hits if path.startswith("/news/")]
    assert len(pages) == 5 and all(site.hits[path] == 1 for path in pages)

    with transaction(open_database(database_url)) as session:
        confirms = session.scalars(
            select(Claim).where(Claim.group == "russia", Claim.stance == "confirm")
        ).all()
        assert confirms, "after the second pass the ledger holds Russia's confirmation"
        assert all(c.article.url.startswith(site.base) for c in confirms)
    assert any(
        a["kind"] == "stance_change" and a["after"]["stance"] == "confirm"
        for a in first.result().alerts + second.result().alerts
        if a["group"] == "russia"
    )

    site.reset_hits()
    third = _pass(config, database_url, monkeypatch)
    assert third.is_completed(), third.message
    report = third.result()
    assert report.pages == [] and report.alerts == []
    assert [f.status for f in report.feeds] == ["not_modified", "not_modified"]
    assert set(site.hits) == {"/rss.xml", "/atom.xml"}
    for _path, headers in site.requests:
        assert "if-none-match" in headers or "if-modified-since" in headers


def test_broken_feeds_and_pages_fail_alone(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.localsite import closed_port

    elsewhere = f"http://127.0.0.1:{closed_port()}/admin"
    site.add_redirect("/go/loopback", elsewhere)
    site.add_redirect("/go/metadata", "http://169.254.169.254/latest/meta-data/")
    site.add_feed(
        "/traps.xml",
        [
            ("Weiterleitung nach innen", site.url("/go/loopback")),
            ("Metadaten", site.url("/go/metadata")),
            ("Endlose Seite", site.url("/broken/slow.html")),
            ("Bombe", site.url("/broken/gzip-bomb.html")),
            ("Direkt nach innen", elsewhere),
        ],
    )
    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "seeds", "url": site.url("/rss.xml")},
            {"name": "down", "url": f"http://127.0.0.1:{closed_port()}/feed.xml"},
            {"name": "not-xml", "url": site.url("/broken/not-xml")},
            {"name": "huge", "url": site.url("/broken/huge.xml")},
            {"name": "traps", "url": site.url("/traps.xml")},
        ],
        deadline="3s",
        read_timeout="2s",
        max_bytes=2_000_000,
        feed_retries=1,
    )
    state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_completed(), state.message
    report = state.result()
    feeds = {f.name: f for f in report.feeds}
    assert feeds["seeds"].status == "ok" and feeds["traps"].status == "ok"
    assert "connection refused" in feeds["down"].error
    assert "not an RSS or Atom feed" in feeds["not-xml"].error
    assert "larger than 2000000 bytes" in feeds["huge"].error
    pages = {p.url.rsplit("/", 1)[-1]: p for p in report.pages}
    assert "loopback address" in pages["loopback"].reason
    assert "metadata" in pages["metadata"].reason
    assert "deadline" in pages["slow.html"].reason
    assert "larger than" in pages["gzip-bomb.html"].reason
    assert "loopback address" in pages["admin"].reason
    assert sum(p.status == "new" for p in report.pages) == 3  # the seed feed's articles

    with transaction(open_database(sqlite_url)) as session:
        stored = {s.name: s for s in session.scalars(select(Source))}
        assert stored["down"].status == "failed" and "refused" in stored["down"].error
        failed = session.scalars(select(Page).where(Page.status == "failed")).all()
        assert len(failed) == 5 and all(p.error and p.next_attempt_at for p in failed)


def test_private_links_pass_only_for_allow_private_feeds(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with LocalSite(seed_articles(SEEDS)[:1]) as intranet:
        page = intranet.url(f"/news/{intranet.articles[0].slug}.html")
        site.add_feed("/intranet.xml", [("Intern", page)])
        config = write_feeds(
            tmp_path / "config",
            [{"name": "intranet", "url": site.url("/intranet.xml"), "allow_private": True}],
        )
        state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_completed(), state.message
    assert [p.status for p in state.result().pages] == ["new"]


def test_every_feed_failing_fails_the_run(
    prefect_api: str, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.localsite import closed_port

    config = write_feeds(
        tmp_path / "config",
        [{"name": "down", "url": f"http://127.0.0.1:{closed_port()}/rss.xml"}],
        feed_retries=0,
    )
    state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_failed()
    assert "every feed failed" in state.message and "connection refused" in state.message


def test_syndicated_copies_are_one_story(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = site.articles[-1]
    wire = replace(original, outlet="Wire Daily", paragraphs=original.paragraphs[:-1])
    stamp = datetime.combine(original.published, time(9), UTC)
    copy = article_page(wire, site.url("/wire/copy.html"), stamp, related=[])
    site.add_page("/wire/copy.html", copy.encode())
    site.add_feed("/wire.xml", [("Copy", site.url("/wire/copy.html"))])
    site.visible = len(site.articles)
    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "rss", "url": site.url("/rss.xml")},
            {"name": "wire", "url": site.url("/wire.xml")},
        ],
    )
    state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_completed(), state.message
    statuses = sorted(p.status for p in state.result().pages)
    assert statuses.count("copy") == 1
    with transaction(open_database(sqlite_url)) as session:
        row = session.scalars(
            select(Article).where(Article.url == site.url("/wire/copy.html"))
        ).one()
        assert row.story_id is not None and row.claims == []
        assert session.get(Article, row.story_id).claims, "the first copy keeps the claims"


def test_another_outlet_repeating_an_assert_is_a_corroboration(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site.visible = len(site.articles)
    last = site.articles[-1]
    assert "Other Daily" not in {a.outlet for a in site.articles}
    paragraphs = [
        "Der ukrainische Geheimdienst berichtete, dass nordkoreanische Soldaten in der "
        "russischen Region Kursk eingetroffen seien.",
        "Die Kämpfe in der Region dauern seit Wochen an, berichten Anwohner aus mehreren "
        "Dörfern nahe der Grenze.",
        "Die ukrainische Armee hatte im Sommer einen Teil des Gebiets eingenommen und hält "
        "ihn seitdem gegen heftige Angriffe.",
    ]
    later = [  # the second article is no copy of the first, from the same outlet
        "Der Kreml äußerte sich am Abend nicht zu den neuen Berichten über die Lage.",
        "In Seoul kam der Nationale Sicherheitsrat zu einer Sitzung zusammen, um über die "
        "Entwicklung an der Front zu beraten.",
        "Beobachter erwarten, dass sich die Lage in den kommenden Wochen nicht entspannen wird.",
    ]
    for name, days in (("first", 1), ("second", 2)):
        other = SiteArticle(
            slug=name,
            title="Nordkoreanische Soldaten in Kursk",
            paragraphs=paragraphs if name == "first" else paragraphs[:1] + later,
            published=last.published + timedelta(days=days),
            language="de",
            outlet="Other Daily",
        )
        stamp = datetime.combine(other.published, time(9), UTC)
        page = article_page(other, site.url(f"/other/{name}.html"), stamp, related=[])
        site.add_page(f"/other/{name}.html", page.encode())
    site.add_feed(
        "/other.xml",
        [("First", site.url("/other/first.html")), ("Second", site.url("/other/second.html"))],
    )
    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "rss", "url": site.url("/rss.xml")},
            {"name": "atom", "url": site.url("/atom.xml")},
        ],
    )
    assert _pass(config, sqlite_url, monkeypatch).is_completed()
    config = write_feeds(tmp_path / "config", [{"name": "other", "url": site.url("/other.xml")}])
    state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_completed(), state.message
    print(
        "DBG",
        [
            (a["kind"], a["actor"], a["after"]["stance"], (a["before"] or {}).get("stance"))
            for a in state.result().alerts
        ],
    )
    found = [a for a in state.result().alerts if a["kind"] == "corroboration"]
    assert [(a["actor"], a["severity"]) for a in found] == [("ukraine-intelligence", "low")]
    assert found[0]["title"].startswith(
        "Other Daily also reports that Ukraine Intelligence asserts"
    )
    # one outlet corroborates once, whichever of its two articles arrived first
    assert found[0]["after"]["source"] in {
        site.url(f"/other/{n}.html") for n in ("first", "second")
    }
    assert found[0]["before"]["outlet"] == DEFAULT_OUTLET
    message = render_alert(found[0])
    assert "now also in Other Daily" in message.text


def test_a_runs_logs_and_artifacts_keep_route_secrets_out(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    smtp_server: SmtpReceiver,
    webhook: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uuid

    import httpx
    import yaml
    from prefect.logging.handlers import APILogHandler

    from tests.localsite import closed_port

    password, token = f"pw{uuid.uuid4().hex}", f"tok{uuid.uuid4().hex}"
    mail = f"mailto://claimwatch:{password}@127.0.0.1:{smtp_server.port}?from=cw@example.com&to=d@example.com"
    dead = f"json://ops:{password}@127.0.0.1:{closed_port()}/{token}"
    config = write_feeds(tmp_path / "config", [{"name": "rss", "url": site.url("/rss.xml")}])
    routes = [
        {"name": "mail", "urls": [mail]},
        {"name": "hook", "urls": [f"json://{webhook.url}/{token}"]},
        {"name": "dead", "urls": [dead]},
    ]
    (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": routes}), encoding="utf-8")
    state = _pass(config, sqlite_url, monkeypatch)
    assert state.is_completed(), state.message
    assert smtp_server.passwords == [password] * len(smtp_server.passwords) != []
    assert webhook.count() > 0, "the secrets were used for real"

    APILogHandler().flush()  # send the queued run logs to the API now
    run_id = str(state.state_details.flow_run_id)
    where = {"flow_run_id": {"any_": [run_id]}}
    with httpx.Client(base_url=prefect_api, timeout=30) as client:
        logs = client.post("/logs/filter", json={"logs": where, "limit": 200}).json()
        artifacts = client.post("/artifacts/filter", json={"artifacts": where}).json()
        run = client.get(f"/flow_runs/{run_id}").json()
    keys = {a["key"] for a in artifacts}
    assert {k for k in keys if not k.startswith("story-")} == {
        "claimwatch-pass",
        "claimwatch-feeds",
        "claimwatch-delivery",
    }
    assert "story-nk-troops" in keys
    delivery = next(a for a in artifacts if a["key"] == "claimwatch-delivery")
    assert "dead" in delivery["data"] and "127.0.0.1" in delivery["data"]
    assert any("alerts:" in log["message"] and "dead" in log["message"] for log in logs)
    seen = json.dumps([logs, artifacts, run])
    assert password not in seen and token not in seen


def test_partial_passes_and_outages_reach_the_operations_route_once(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    webhook: WebhookReceiver,
) -> None:
    """Issue 13: a pass where one feed failed is Completed/Partial with the count in its
    message; after `outage_after` failed passes the operations route hears it once, and
    once more when the feed is back."""
    import yaml

    config = write_feeds(
        tmp_path / "config",
        [
            {"name": "seeds", "url": site.url("/rss.xml")},
            {"name": "flaky", "url": site.url("/later.xml")},  # 404 until it is added
        ],
        feed_retries=0,
        outage_after=2,
    )
    ops = {"name": "ops", "urls": [f"json://{webhook.url}/ops"], "operations": True, "topics": []}
    (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": [ops]}), encoding="utf-8")

    first = _pass(config, sqlite_url, monkeypatch)
    assert first.is_completed() and first.name == "Partial", (first.name, first.message)
    assert first.message.startswith("1 feeds failed (flaky)")
    assert webhook.count() == 0, "one failed pass is no outage yet"

    for _ in range(2):  # the second failed pass tells the route; the third says nothing new
        assert _pass(config, sqlite_url, monkeypatch).name == "Partial"
    titles = [m["title"] for m in webhook.messages()]
    assert titles == ["claimwatch: feed flaky is down"], titles
    assert "2 passes failed" in webhook.messages()[0]["message"]

    site.add_feed("/later.xml", [])
    back = _pass(config, sqlite_url, monkeypatch)
    assert back.is_completed() and back.name == "Completed", (back.name, back.message)
    titles = [m["title"] for m in webhook.messages()]
    assert titles == ["claimwatch: feed flaky is down", "claimwatch: feed flaky is back"]
    assert _pass(config, sqlite_url, monkeypatch).name == "Completed"
    assert webhook.count() == 2


def test_a_run_due_more_than_a_period_ago_is_skipped(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The service was down: a run due ten minutes ago ends at once, Completed/Skipped,
    without fetching anything (its scheduled time put into Prefect's runtime context, as
    Prefect's own docs advise for this attribute)."""
    config = write_feeds(tmp_path / "config", [{"name": "rss", "url": site.url("/rss.xml")}])
    due = datetime.now(UTC) - timedelta(minutes=10)
    monkeypatch.setattr("flows.monitor.flow_run", SimpleNamespace(scheduled_start_time=due))
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", sqlite_url)
    state = monitor(config_dir=str(config), skip_late_after=70.0, return_state=True)
    assert state.is_completed() and state.name == "Skipped", (state.name, state.message)
    assert "late" in state.message and not site.hits
    monkeypatch.undo()
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", sqlite_url)
    on_time = monitor(config_dir=str(config), skip_late_after=70.0, return_state=True)
    assert on_time.name == "Completed" and site.hits
