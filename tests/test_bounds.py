"""Values from feeds and servers fit their columns, on a real SQLite file and real PostgreSQL.

PostgreSQL refuses a too-long varchar or a NUL byte with a DataError that would fail the
whole pass; each test stores such a value through the real storage functions, reads it
back, and stores it again to see that it maps to the same row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from claimwatch.pipeline import ingest
from extractors.article import load_document
from extractors.watchlist import Watchlist
from feeds.parse import FeedEntry, parse_feed
from storage.bounds import fit_key, length_of
from storage.db import open_database, transaction
from storage.feeds import (
    UNFIT_LINK,
    due_pages,
    feed_source,
    mark_page_failed,
    record_entries,
    record_poll,
    validators,
)
from storage.models import Article, Claim, Entry, Page, Source
from tests.conftest import SEEDS

FEED = "https://news.example.org/rss.xml"
CONTROL = "\x00\x01\x07\x1b\x7f"


def entry(key: str, link: str | None = None, title: str = "A title") -> FeedEntry:
    return FeedEntry(key=key, title=title, link=link, published=datetime(2025, 4, 26, tzinfo=UTC))


def poll(sessions: sessionmaker[Session], entries: list[FeedEntry], **validators_: str) -> int:
    """One pass over the feed: its entries stored, its poll recorded; how many were new."""
    with transaction(sessions) as session:
        source = feed_source(session, "example", FEED)
        new = record_entries(session, source, entries).new
        record_poll(session, source, "ok", None, **validators_)
        return new


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def is_clean(value: str) -> bool:
    return not any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value)


def test_a_long_etag_is_not_kept(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [], etag='"' + "e" * 598 + '"')
    with transaction(sessions) as session:
        assert validators(session, FEED) == (None, None)
        assert session.scalars(select(Source)).one().status == "ok"
    poll(sessions, [], etag='"fine"')
    with transaction(sessions) as session:
        assert validators(session, FEED) == ('"fine"', None)


def test_an_etag_with_a_nul_byte_is_not_kept(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [], etag='"ab\x00cd"')
    with transaction(sessions) as session:
        assert validators(session, FEED) == (None, None)


def test_a_long_last_modified_is_not_kept(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [], last_modified="Sat, 26 Apr 2025 10:00:00 GMT" + " x" * 75)
    with transaction(sessions) as session:
        assert validators(session, FEED) == (None, None)
    poll(sessions, [], last_modified="Sat, 26 Apr 2025 10:00:00 GMT")
    with transaction(sessions) as session:
        assert validators(session, FEED) == (None, "Sat, 26 Apr 2025 10:00:00 GMT")


def test_a_long_guid_is_stored_once_and_two_long_guids_stay_apart(database_url: str) -> None:
    sessions = open_database(database_url)
    first, second = "guid:" + "g" * 3000 + "1", "guid:" + "g" * 3000 + "2"
    assert poll(sessions, [entry(first), entry(second)]) == 2
    assert poll(sessions, [entry(first), entry(second)]) == 0
    with transaction(sessions) as session:
        keys = sorted(session.scalars(select(Entry.key)))
    assert len(keys) == 2 and keys[0] != keys[1]
    assert all(len(key) <= length_of(Entry.key) for key in keys)
    assert all(key.startswith("guid:ggg") for key in keys)


def test_a_guid_with_control_characters_is_stored_clean_and_once(database_url: str) -> None:
    sessions = open_database(database_url)
    key = f"guid:abc{CONTROL}def"
    assert poll(sessions, [entry(key)]) == 1
    assert poll(sessions, [entry(key)]) == 0
    with transaction(sessions) as session:
        assert list(session.scalars(select(Entry.key))) == ["guid:abcdef"]


def test_a_long_link_is_stored_once_and_its_page_is_not_fetched(database_url: str) -> None:
    sessions = open_database(database_url)
    link = "https://news.example.org/story?q=" + "x" * 3000
    assert poll(sessions, [entry("guid:1", link)]) == 1
    assert poll(sessions, [entry("guid:1", link), entry("guid:2", link)]) == 1
    with transaction(sessions) as session:
        links = list(session.scalars(select(Entry.link)))
        page = session.scalars(select(Page)).one()
        assert count(session, Page) == 1
        assert due_pages(session, datetime.now(UTC), 10) == []
    assert links[0] == links[1] == page.url == fit_key(Page.url, link)
    assert len(page.url) <= length_of(Page.url)
    assert page.status == "gave_up" and UNFIT_LINK in (page.error or "")


def test_a_link_with_a_nul_byte_is_stored_clean(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [entry("guid:1", "https://news.example.org/a\x00b")])
    with transaction(sessions) as session:
        assert session.scalars(select(Entry.link)).one() == "https://news.example.org/ab"
        assert session.scalars(select(Page.status)).one() == "gave_up"


def test_a_title_with_control_characters_is_stored_clean(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [entry("guid:1", title=f"Kursk{CONTROL} update")])
    with transaction(sessions) as session:
        assert session.scalars(select(Entry.title)).one() == "Kursk update"


def test_a_feed_parsed_with_a_long_guid_is_stored_once_and_a_long_link_is_skipped(
    database_url: str,
) -> None:
    long = "https://news.example.org/" + "p" * 2500
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>One</title><guid>{long}/guid</guid><link>https://news.example.org/1</link></item>"
        f"<item><title>Two</title><link>{long}</link></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed(rss, FEED, "application/rss+xml")
    assert len(parsed.entries) == 1 and "link of 2525 characters" in parsed.skipped[0]
    sessions = open_database(database_url)
    assert poll(sessions, parsed.entries) == 1
    assert poll(sessions, parse_feed(rss, FEED, "application/rss+xml").entries) == 0
    with transaction(sessions) as session:
        stored = session.scalars(select(Entry)).one()
    assert len(stored.key) <= length_of(Entry.key) and len(stored.link) <= length_of(Entry.link)


def test_a_long_feed_url_and_name_keep_one_source(database_url: str) -> None:
    sessions = open_database(database_url)
    url, name = "https://news.example.org/" + "f" * 2500, "n" * 300
    for _ in range(2):
        with transaction(sessions) as session:
            source = feed_source(session, name, url)
            record_poll(session, source, "ok", None, etag='"v1"')
    with transaction(sessions) as session:
        source = session.scalars(select(Source)).one()
        assert validators(session, url) == ('"v1"', None)
    assert len(source.url) <= length_of(Source.url) and len(source.name) == length_of(Source.name)


def test_errors_with_nul_bytes_are_stored_clean(database_url: str) -> None:
    sessions = open_database(database_url)
    poll(sessions, [entry("guid:1", "https://news.example.org/a")])
    with transaction(sessions) as session:
        source = feed_source(session, "example", FEED)
        record_poll(session, source, "failed", "bad\x00 feed")
        page_id = session.scalars(select(Page.id)).one()
        mark_page_failed(session, page_id, "server said\x00 no\nreally", 5, 60)
    with transaction(sessions) as session:
        assert session.scalars(select(Source.error)).one() == "bad feed"
        assert session.scalars(select(Page.error)).one() == "server said no\nreally"


def test_an_article_with_long_and_unclean_fields_is_stored_once(
    database_url: str, watchlist: Watchlist
) -> None:
    doc = load_document(SEEDS / "003_41deaae23a4276fc.txt")
    doc.url = "https://news.example.org/" + "a" * 3000
    doc.outlet = "Outlet\x00 " + "o" * 300
    doc.title = f"Title{CONTROL} of the story"
    doc.text = doc.text.replace(" ", " \x00", 3)
    sessions = open_database(database_url)
    for _ in range(2):
        with transaction(sessions) as session:
            ingest(session, doc, date(2025, 4, 26), watchlist)
    with transaction(sessions) as session:
        article = session.scalars(select(Article)).one()
        quotes = list(session.scalars(select(Claim.quote)))
    assert article.key == article.url == fit_key(Article.url, doc.url)
    assert len(article.url) <= length_of(Article.url)
    assert len(article.outlet) == length_of(Article.outlet) and is_clean(article.outlet)
    assert article.title == "Title of the story"
    assert "\x00" not in article.text
    assert quotes and all("\x00" not in quote for quote in quotes)
