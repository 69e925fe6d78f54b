"""The one pipeline from article text on: claims, ledger, changes, alerts.

Feeds and seed corpora differ only in how the Article is made; from here on they
share this code. The caller opens the session (one transaction per article), so
claims, changes and their alerts are written together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from alerts.changes import detect
from alerts.payload import alert_payload
from claimwatch.corpus import CorpusEntry
from extractors.article import Article, load_document
from extractors.claims import Claim, read_claims
from extractors.signature import bands, signature
from extractors.watchlist import Watchlist
from storage import locks
from storage.db import transaction
from storage.ledger import article_key, find_article, ledger_for, record_changes, store_article
from storage.models import Source
from storage.stories import find_original, index_signature


@dataclass
class Ingested:
    """What one article brought: its row, its claims, the alerts it raised."""

    article_id: int
    claims: list[Claim] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    copy_of: int | None = None  # the story's first article, when this is a syndicated copy
    known: bool = False  # stored before: nothing new
    stopped: str | None = None  # why reading claims stopped early (its time budget), if it did


def ingest(
    session: Session,
    article: Article,
    published: date,
    watchlist: Watchlist,
    source: Source | None = None,
    claim_budget: float | None = None,
) -> Ingested:
    """Store the article and its claims; return what it added and the alerts it raised.

    Claims are read for at most `claim_budget` seconds: then those found so far are kept."""
    key = article_key(article)
    existing = find_article(session, key)
    if existing is not None:
        return Ingested(article_id=existing.id, known=True)
    sig = signature(article.text)
    if sig:
        locks.hold(session, locks.BAND, bands(sig))  # copies of one story: one at a time
    original = find_original(session, sig, key) if sig else None
    if original is not None:
        row, _ = store_article(session, key, article, [], published, source, sig, story=original)
        return Ingested(article_id=row.id, copy_of=original.id)
    read = read_claims(article, watchlist, claim_budget)
    claims = read.claims
    row, rows = store_article(session, key, article, claims, published, source, sig)
    if sig:
        index_signature(session, row, sig)
    if not rows:
        return Ingested(article_id=row.id, stopped=read.stopped)
    titles = {topic.id: topic.title for topic in watchlist.topics}
    locks.hold(session, locks.TOPIC, {c.topic for c in rows})  # one story's ledger: in turn
    changes = detect(ledger_for(session, rows))
    alerts = record_changes(
        session,
        changes,
        lambda change, before, after: alert_payload(
            change, before, after, titles.get(change.topic, change.topic), watchlist.display_name
        ),
    )
    return Ingested(article_id=row.id, claims=claims, alerts=alerts, stopped=read.stopped)


def replay_entry(
    sessions: sessionmaker[Session], entry: CorpusEntry, watchlist: Watchlist
) -> list[dict]:
    """One article of a corpus folder through the pipeline in its own transaction; the
    alerts it raised. A document that cannot be read raises DocumentError."""
    article = load_document(entry.path)
    article.url = entry.url or article.url
    article.outlet = entry.outlet or article.outlet
    with transaction(sessions) as session:
        return ingest(session, article, entry.published, watchlist).alerts
