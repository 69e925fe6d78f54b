"""One bad input never stops a pass: poison served on 127.0.0.1 beside the seed site.

Each case runs one monitor pass (Prefect's test harness) over two feeds: the seed
story site's RSS feed, the healthy control, and a hostile feed or page. Every pass
must end Completed, store the control feed's articles, and record the hostile case's
reason. Budgets are short (2 s deadline) so the file stays fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from sqlalchemy import select

from benchmarks.extract_scaling import paragraph_page
from extractors.article import from_html
from extractors.claims import extract_claims
from extractors.watchlist import Watchlist
from feeds.identity import BadLink, checked_link
from feeds.parse import FeedEntry
from flows.monitor import monitor
from flows.outcomes import PassReport
from storage.db import open_database, transaction
from storage.feeds import feed_source, record_entries
from storage.models import Entry, Page, Source
from tests.conftest import write_feeds
from tests.localsite import HTML, LocalSite, drip

RSS = "application/rss+xml; charset=utf-8"
FAST = {
    "deadline": "2s",
    "read_timeout": "1s",
    "connect_timeout": "1s",
    "feed_retries": 0,
    "max_attempts": 2,
}
DRIP_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"a" * 80 + b"\r\n\r\n"


def rss(items: list[str]) -> bytes:
    """An RSS document of raw <item> bodies (already XML, poison and all)."""
    body = "".join(f"<item>{item}</item>\n" for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>Hostile</title><link>http://127.0.0.1/</link>\n{body}</channel></rss>\n"
    ).encode()


def item(link: str, title: str = "Giftig", stamp: datetime | None = None) -> str:
    """An item whose link is given as XML text (so `&#127;` stays a character reference)."""
    when = f"<pubDate>{format_datetime(stamp, usegmt=True)}</pubDate>" if stamp else ""
    return f"<title>{xml_escape(title)}</title><link>{link}</link>{when}"


def host_port(site: LocalSite) -> str:
    return site.base.removeprefix("http://")


@dataclass
class Pass:
    """A finished pass: its state, its report and the database it wrote."""

    state: object
    report: PassReport
    database_url: str
    seconds: float

    def sources(self) -> dict[str, Source]:
        with transaction(open_database(self.database_url)) as session:
            rows = session.scalars(select(Source)).all()
            session.expunge_all()
            return {s.name: s for s in rows}

    def pages(self) -> dict[str, Page]:
        with transaction(open_database(self.database_url)) as session:
            rows = session.scalars(select(Page)).all()
            session.expunge_all()
            return {p.url: p for p in rows}


def run_pass(
    site: LocalSite,
    hostile: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    **fetch: object,
) -> Pass:
    """One monitor pass over the control feed and the hostile one; it must complete."""
    database_url = f"sqlite:///{tmp_path / 'claimwatch.db'}"
    config = write_feeds(
        tmp_path / "config",
        [{"name": "control", "url": site.url("/rss.xml")}, {"name": "hostile", **hostile}],
        **{**FAST, **fetch},
    )
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", database_url)
    started = time.monotonic()
    state = monitor(config_dir=str(config), return_state=True)
    took = time.monotonic() - started
    assert state.is_completed(), state.message
    result = Pass(state, state.result(), database_url, took)
    control = [p for p in result.report.pages if p.feed_url == site.url("/rss.xml")]
    assert control and all(p.status == "new" for p in control), control
    assert result.sources()["control"].status == "ok"
    return result


def hostile_feed(site: LocalSite, items: list[str], path: str = "/hostile.xml") -> dict:
    site.add_page(path, rss(items), RSS)
    return {"url": site.url(path)}


LINKS: dict[str, tuple[Callable[[LocalSite], str], str]] = {
    "del": (lambda s: f"{s.base}/news/a&#127;b.html", "control character U+007F"),
    "nul": (lambda s: f"{s.base}/news/a&#0;b.html", "control character U+0000"),
    "bracket": (lambda s: "http://[::1/x", "Invalid IPv6 URL"),
    "nfkc-separator": (lambda s: f"http://127.0.0.1&#xFF20;{host_port(s)}/x", "NFKC"),
    "long-path": (lambda s: f"{s.base}/{'a' * 70_000}", "characters (at most 2000)"),
}


@pytest.mark.parametrize("case", sorted(LINKS))
def test_a_poisoned_link_skips_its_entry_only(
    case: str,
    prefect_api: str,
    site: LocalSite,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    link, reason = LINKS[case]
    healthy = site.url(f"/news/{site.articles[1].slug}.html")  # listed by the Atom feed only
    feed = hostile_feed(site, [item(link(site)), item(healthy, "Gesund")])
    done = run_pass(site, feed, tmp_path, monkeypatch)
    outcome = next(f for f in done.report.feeds if f.name == "hostile")
    assert outcome.status == "ok" and outcome.new == 1
    assert len(outcome.skipped) == 1 and reason in outcome.skipped[0]
    stored = done.sources()["hostile"]
    assert stored.status == "ok" and reason in (stored.error or "")
    assert done.pages()[healthy].status == "done", "the good entry beside it is fetched"


def test_a_fullwidth_host_is_normalised_and_fetched(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c != "." else "．" for c in "127.0.0.1")
    port = site.base.rsplit(":", 1)[1]
    slug = site.articles[1].slug
    feed = hostile_feed(site, [item(f"http://{fullwidth}:{port}/news/{slug}.html")])
    done = run_pass(site, {**feed, "allow_private": True}, tmp_path, monkeypatch)
    page = done.pages()[site.url(f"/news/{slug}.html")]
    assert page.status == "done" and page.article_id is not None


def test_dripped_headers_meet_the_deadline(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = DRIP_HEAD + b"<html><body><p>Langsam</p></body></html>"
    site.add_route("/drip/headers.html", lambda h: drip(h, b"", response, 0.5, site.stopping))
    feed = hostile_feed(site, [item(site.url("/drip/headers.html"))])
    done = run_pass(site, feed, tmp_path, monkeypatch)
    page = done.pages()[site.url("/drip/headers.html")]
    assert page.status == "failed" and "deadline of 2s passed" in page.error
    assert done.seconds < 60  # before the watchdog: 71 s, a byte every 0.5 s


def test_a_feed_dripping_its_headers_fails_alone(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = DRIP_HEAD.replace(b"text/html", b"application/rss+xml") + rss([])
    site.add_route("/drip/feed.xml", lambda h: drip(h, b"", response, 0.5, site.stopping))
    done = run_pass(site, {"url": site.url("/drip/feed.xml")}, tmp_path, monkeypatch)
    outcome = next(f for f in done.report.feeds if f.name == "hostile")
    assert outcome.status == "failed" and "deadline of 2s passed" in outcome.error
    assert "deadline" in (done.sources()["hostile"].error or "")
    assert done.seconds < 60  # before the watchdog: 75 s, a byte every 0.5 s


def test_a_dripped_body_meets_the_deadline(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = b"<html><body><p>" + b"." * 200 + b"</p></body></html>"
    head = DRIP_HEAD.replace(b"X-Padding: " + b"a" * 80, f"Content-Length: {len(body)}".encode())
    site.add_route("/drip/body.html", lambda h: drip(h, head, body, 0.2, site.stopping))
    feed = hostile_feed(site, [item(site.url("/drip/body.html"))])
    done = run_pass(site, feed, tmp_path, monkeypatch)
    page = done.pages()[site.url("/drip/body.html")]
    assert page.status == "failed" and "deadline of 2s passed" in page.error


def test_fifty_thousand_entries_are_read_newest_first_in_slices(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    items = [  # oldest first in the feed, so newest first is not the feed's order
        f"<guid>e{i}</guid><link>/many/{i}.html</link>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=i), usegmt=True)}</pubDate>"
        for i in range(50_000)
    ]
    feed = hostile_feed(site, items)
    done = run_pass(site, feed, tmp_path, monkeypatch, max_entries=20, max_bytes=8_000_000)
    outcome = next(f for f in done.report.feeds if f.name == "hostile")
    assert (outcome.seen, outcome.new, outcome.deferred) == (50_000, 20, 49_980)
    assert "49980 new entries left for later passes" in (done.sources()["hostile"].error or "")
    with transaction(open_database(done.database_url)) as session:
        keys = set(session.scalars(select(Entry.key).where(Entry.title == "")))
    assert keys == {f"guid:e{i}" for i in range(49_980, 50_000)}, "the newest 20"
    assert done.seconds < 120


def test_a_huge_one_paragraph_page_is_cut_and_its_claims_stopped(
    prefect_api: str, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = paragraph_page(1024 * 1024, story=1)  # a story the control feed does not list
    site.add_page("/huge/paragraph.html", page.encode(), HTML)
    feed = hostile_feed(site, [item(site.url("/huge/paragraph.html"))])
    done = run_pass(
        site, feed, tmp_path, monkeypatch, max_text=100_000, claim_budget="0.3s", max_bytes=2**21
    )
    page = done.pages()[site.url("/huge/paragraph.html")]
    assert page.status == "done" and page.article_id is not None
    assert "text cut to 100000 characters" in page.error
    assert "claims: reading stopped after 0.3s" in page.error
    outcome = next(p for p in done.report.pages if p.url == site.url("/huge/paragraph.html"))
    assert outcome.status == "new" and "text cut" in (outcome.reason or "")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("http://ＥＸＡＭＰＬＥ.org/a", "http://example.org/a"),
        ("http://bücher.de/x", "http://xn--bcher-kva.de/x"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("  /relative/x  ", "http://feed.example/relative/x"),
    ],
)
def test_checked_link_normalises(link: str, expected: str) -> None:
    assert checked_link(link, base="http://feed.example/rss.xml") == expected


@pytest.mark.parametrize(
    "link",
    [
        "http://a.org/\x7f",
        "http://a.org/x\x00y",
        "http://[::1/x",
        "http://a＠b.org/",
        "http://a.org:99999/",
        "http://a b.org/",
        "http:///x",
        "http://a.org/" + "x" * 3000,
    ],
)
def test_checked_link_refuses(link: str) -> None:
    assert isinstance(checked_link(link), BadLink)


def _claims_seconds(size: int, giant: bool, watchlist: Watchlist) -> float:
    article = from_html(paragraph_page(size, giant))
    best = float("inf")
    for _ in range(2):  # best of two: the machine is shared
        started = time.perf_counter()
        extract_claims(article, watchlist)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("giant", [False, True], ids=["sentences", "one-sentence"])
def test_claims_grow_linearly_with_a_paragraph(giant: bool, watchlist: Watchlist) -> None:
    """Eight times the text may cost at most 20 times the time (linear: 8, quadratic: 64;
    before the fix 25 -> 200 KB of one paragraph took 44 times as long)."""
    small = _claims_seconds(25 * 1024, giant, watchlist)
    large = _claims_seconds(200 * 1024, giant, watchlist)
    assert large / small < 20, f"{small:.2f}s -> {large:.2f}s"


def test_entries_beyond_max_entries_are_recorded_on_later_passes(sqlite_url: str) -> None:
    """Newest first does not starve the old ones: each pass takes the newest unknown."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries = [
        FeedEntry(f"guid:e{i}", f"E{i}", None, start + timedelta(hours=i) if i else None)
        for i in range(5)
    ]
    taken = []
    for _ in range(3):
        with transaction(open_database(sqlite_url)) as session:
            source = feed_source(session, "many", "http://127.0.0.1/many.xml")
            before = set(session.scalars(select(Entry.key)))
            recorded = record_entries(session, source, entries, limit=2)
            taken.append((sorted(set(session.scalars(select(Entry.key))) - before), recorded))
    assert [keys for keys, _ in taken] == [
        ["guid:e3", "guid:e4"],
        ["guid:e1", "guid:e2"],
        ["guid:e0"],  # undated: after the dated ones
    ]
    assert [(r.new, r.deferred) for _, r in taken] == [(2, 3), (2, 1), (1, 0)]
