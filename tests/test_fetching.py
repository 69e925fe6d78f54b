"""The fetching layer on its own: identity, the address guard, the client, feed parsing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from feeds.client import Client
from feeds.config import FetchOptions, parse_schedule
from feeds.errors import ContentError, DeadlineError, RefusedError, TooLargeError, TransportError
from feeds.guard import Policy, check
from feeds.identity import canonical_url, entry_key
from feeds.parse import parse_feed
from tests.conftest import SEEDS
from tests.localsite import LocalSite, closed_port, seed_articles

FAST = FetchOptions(host_delay=0, deadline=3, read_timeout=2, max_bytes=1_000_000)


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with LocalSite(seed_articles(SEEDS)) as running:
        running.add_redirect("/loop/a", "/loop/b")
        running.add_redirect("/loop/b", "/loop/a")
        running.add_redirect("/to-file", "file:///etc/passwd")
        yield running


def test_canonical_url_drops_tracking_and_fragment() -> None:
    url = "HTTPS://Example.ORG:443/a/b?id=7&utm_source=rss&utm_medium=feed&fbclid=x#comments"
    assert canonical_url(url) == "https://example.org/a/b?id=7"
    assert canonical_url("http://example.org:8080") == "http://example.org:8080/"


def test_entry_identity_prefers_guid_then_link_then_title_and_date() -> None:
    when = datetime(2024, 10, 13, tzinfo=UTC)
    assert entry_key("abc-1", "https://x.org/a", "T", when) == "guid:abc-1"
    assert entry_key(None, "https://x.org/a?utm_campaign=y", "T", when) == "link:https://x.org/a"
    by_title = entry_key(None, None, "Ein  Titel", when)
    assert by_title == entry_key("", None, "Ein Titel", when)
    assert by_title != entry_key(None, None, "Ein Titel", None)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.org/feed", "only http and https"),
        ("http://127.0.0.1:9/x", "loopback"),
        ("http://localhost:9/x", "loopback"),
        ("http://10.1.2.3/x", "private"),
        ("http://[::1]/x", "loopback"),
        ("http://169.254.10.1/x", "link-local"),
    ],
)
def test_guard_refuses_where_feeds_must_not_lead(url: str, reason: str) -> None:
    with pytest.raises(RefusedError, match=reason):
        check(url, Policy())


def test_guard_trusts_the_feed_origin_and_allow_private_but_never_metadata() -> None:
    feed = "http://127.0.0.1:8000/rss.xml"
    assert (
        check("http://127.0.0.1:8000/news/1.html", Policy.for_feed(feed, False)).address
        == "127.0.0.1"
    )
    with pytest.raises(RefusedError, match="loopback"):
        check("http://127.0.0.1:8001/admin", Policy.for_feed(feed, False))
    assert check("http://10.1.2.3/x", Policy.for_feed(feed, True)).address == "10.1.2.3"
    with pytest.raises(RefusedError, match="metadata"):
        check("http://169.254.169.254/latest/meta-data/", Policy.for_feed(feed, True))


def test_client_gets_conditionally_and_names_itself(site: LocalSite) -> None:
    policy = Policy.for_feed(site.url("/rss.xml"), False)
    with Client(FAST) as client:
        first = client.get(site.url("/rss.xml"), policy)
        assert first.status == 200 and first.etag and b"<rss" in first.body
        again = client.get(site.url("/rss.xml"), policy, headers={"If-None-Match": first.etag})
    assert again.not_modified and again.body == b""
    assert site.requests[-1][1]["user-agent"].startswith("claimwatch/")


def test_client_stops_bombs_trickles_loops_and_bad_schemes(site: LocalSite) -> None:
    policy = Policy.for_feed(site.url("/rss.xml"), False)
    with Client(FAST) as client:
        with pytest.raises(TooLargeError, match="larger than 1000000 bytes"):
            client.get(site.url("/broken/gzip-bomb.html"), policy)
        with pytest.raises(TooLargeError):
            client.get(site.url("/broken/huge.xml"), policy)
        with pytest.raises(DeadlineError, match="deadline of 3s"):
            client.get(site.url("/broken/slow.html"), policy)
        with pytest.raises(RefusedError, match="more than 5 redirects"):
            client.get(site.url("/loop/a"), policy)
        with pytest.raises(RefusedError, match="only http and https"):
            client.get(site.url("/to-file"), policy)
        with pytest.raises(TransportError, match="connection refused"):
            client.get(f"http://127.0.0.1:{closed_port()}/", Policy(allow_private=True))


def test_a_bozo_feed_with_entries_is_used_and_its_problem_kept() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T & T</title>'
        b"<item><title>Eins</title><link>https://x.org/1?utm_source=a</link></item>"
        b"<item><title>Zwei</title><guid>g-2</guid><link>https://x.org/2</link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(body, "https://x.org/rss.xml")
    assert parsed.problem
    assert [e.key for e in parsed.entries] == ["link:https://x.org/1", "guid:g-2"]


def test_not_a_feed_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>Hallo</p></body></html>", "https://x.org/")


def test_an_entity_bomb_does_not_expand() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
        )
        + b']><rss version="2.0"><channel><title>&i;</title><item><title>x</title>'
        b"<link>https://x.org/1</link></item></channel></rss>"
    )
    try:
        parsed = parse_feed(bomb, "https://x.org/rss.xml")
    except ContentError:
        return
    assert len(parsed.title) < 1_000_000


def test_schedules() -> None:
    assert parse_schedule("15m", "s").interval == 900
    assert parse_schedule({"cron": "*/5 * * * *"}, "s").cron == "*/5 * * * *"
    assert parse_schedule("*/5 * * * *", "s").describe() == "cron '*/5 * * * *'"


def test_host_gate_spaces_requests_to_one_host_and_caps_them() -> None:
    import threading
    import time

    from feeds.client import HostGate

    gate = HostGate(concurrency=2, delay=0.2)
    starts: list[float] = []
    inside = [0]
    most = [0]
    lock = threading.Lock()

    def visit() -> None:
        with gate.enter("news.example"):
            with lock:
                starts.append(time.monotonic())
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.3)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=visit) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    assert all(b - a >= 0.19 for a, b in zip(starts, starts[1:], strict=False))
    assert most[0] <= 2
