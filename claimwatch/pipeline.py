"""The one pipeline from article text on: claims, ledger, changes, alerts.

Feeds and seed corpora differ only in how the Article is made; from here on they
share this code. The caller opens the session (one transaction per article), so
claims, changes and their alerts are written together or not at all.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from alerts.changes import detect
from alerts.payload import alert_payload
from extractors.article import Article
from extractors.claims import extract_claims
from extractors.watchlist import Watchlist
from storage.ledger import ledger_for, record_changes, store_article
from storage.models import Source


def ingest(
    session: Session,
    article: Article,
    published: date,
    watchlist: Watchlist,
    source: Source | None = None,
) -> list[dict]:
    """Store the article and its claims; return the alerts its changes raise."""
    claims = extract_claims(article, watchlist)
    _row, rows = store_article(session, article, claims, published, source)
    if not rows:
        return []
    titles = {topic.id: topic.title for topic in watchlist.topics}
    changes = detect(ledger_for(session, rows))
    return record_changes(
        session,
        changes,
        lambda change, before, after: alert_payload(
            change, before, after, titles.get(change.topic, change.topic)
        ),
    )
