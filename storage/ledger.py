"""Reading and writing the ledger: articles with their claims, changes and alerts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alerts.changes import Change, Entry
from extractors.article import Article as ArticleDoc
from extractors.claims import Claim as ClaimDoc
from storage.bounds import clean, clean_text, fit, fit_key
from storage.models import Alert, Article, Claim, Source
from storage.models import Change as ChangeRow


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def article_key(doc: ArticleDoc) -> str:
    """An article's identity: its URL when known, else a hash of its text (fitted to the column)."""
    key = fit_key(Article.key, doc.url or f"sha256:{content_hash(doc.text)}")
    assert key is not None
    return key


def get_or_create_source(session: Session, kind: str, name: str, url: str) -> Source:
    url = fit_key(Source.url, url) or ""
    source = session.scalars(select(Source).where(Source.url == url)).first()
    if source is None:
        source = Source(kind=kind, name=fit(Source.name, name), url=url)
        session.add(source)
        session.flush()
    return source


def find_article(session: Session, key: str) -> Article | None:
    key = fit_key(Article.key, key) or ""
    return session.scalars(select(Article).where(Article.key == key)).first()


def store_article(
    session: Session,
    key: str,
    doc: ArticleDoc,
    claims: list[ClaimDoc],
    published: date,
    source: Source | None = None,
    signature: list[int] | None = None,
    story: Article | None = None,
) -> tuple[Article, list[Claim]]:
    """Store a new article and its claims under its key (the caller has checked the key is new).

    A syndicated copy names its story's first article and keeps no claims of its own."""
    row = Article(
        key=fit_key(Article.key, key),
        source_id=source.id if source else None,
        url=fit_key(Article.url, doc.url),
        path=fit_key(Article.path, doc.path),
        title=clean(doc.title),
        outlet=fit(Article.outlet, doc.outlet),
        language=fit(Article.language, doc.language),
        published=published,
        text=clean_text(doc.text),
        content_hash=content_hash(doc.text),
        signature=signature,
        story_id=story.id if story else None,
    )
    session.add(row)
    session.flush()
    if story is not None:
        return row, []
    rows = [
        Claim(
            article_id=row.id,
            position=c.position,
            topic=fit_key(Claim.topic, c.topic),
            actor=fit_key(Claim.actor, c.actor),
            actor_text=fit(Claim.actor_text, c.actor_text),
            group=fit_key(Claim.group, c.group),
            stance=fit(Claim.stance, c.stance),
            numbers=c.numbers,
            has_numbers=bool(c.numbers),
            quote=clean_text(c.quote),
            published=published,
            evidence=c.evidence,
            confidence=c.confidence,
        )
        for c in claims
    ]
    session.add_all(rows)
    session.flush()
    return row, rows


def outlet_of(outlet: str | None, url: str | None) -> str | None:
    """Who published an article: its site name, else its URL's host (`www.` dropped)."""
    if outlet:
        return outlet
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _entry(claim: Claim, key: str, new: bool, outlet: str | None) -> Entry:
    numbers = tuple((int(n["value"]), str(n["qualifier"]), n.get("counts")) for n in claim.numbers)
    return Entry(
        claim_id=claim.id,
        article_key=key,
        published=claim.published,
        position=claim.position,
        topic=claim.topic,
        actor=claim.actor,
        group=claim.group,
        stance=claim.stance,
        numbers=numbers,
        new=new,
        outlet=outlet,
        confidence=claim.confidence,
    )


def ledger_for(session: Session, new_claims: list[Claim]) -> list[Entry]:
    """The history that the new claims are compared with: the same topics, and within
    them the same actors or sides, plus every claim with figures."""
    if not new_claims:
        return []
    new_ids = {c.id for c in new_claims}
    topics = {c.topic for c in new_claims}
    actors = {c.actor for c in new_claims}
    groups = {c.group for c in new_claims}
    query = (
        select(Claim, Article.key, Article.outlet, Article.url)
        .join(Article, Claim.article_id == Article.id)
        .where(Claim.topic.in_(topics))
        .where(or_(Claim.actor.in_(actors), Claim.group.in_(groups), Claim.has_numbers.is_(True)))
    )
    return [
        _entry(claim, key, claim.id in new_ids, outlet_of(outlet, url))
        for claim, key, outlet, url in session.execute(query)
    ]


def claim_view(session: Session, claim_id: int) -> dict[str, Any]:
    """A claim as an alert shows it: stance, figures, date, quote and source."""
    claim = session.get(Claim, claim_id)
    assert claim is not None
    article = claim.article
    return {
        "actor": claim.actor,
        "actor_text": claim.actor_text,
        "group": claim.group,
        "stance": claim.stance,
        "numbers": claim.numbers,
        "published": claim.published.isoformat(),
        "quote": claim.quote,
        "source": article.url or article.path or article.key,
        "outlet": article.outlet,
        "title": article.title,
        "evidence": claim.evidence or [],
        "confidence": claim.confidence,
    }


def record_changes(
    session: Session,
    changes: list[Change],
    payload: Callable[[Change, dict | None, dict], dict],
) -> list[dict]:
    """Store each change once (by key) with its alert; return the new alerts' payloads."""
    created = []
    for change in changes:
        if session.scalars(select(ChangeRow.id).where(ChangeRow.key == change.key)).first():
            continue
        row = ChangeRow(
            key=change.key,
            kind=change.kind,
            topic=fit_key(ChangeRow.topic, change.topic),
            scope=change.scope,
            subject=fit_key(ChangeRow.subject, change.subject),
            severity=change.severity,
            before_claim_id=change.before.claim_id if change.before else None,
            after_claim_id=change.after.claim_id,
        )
        session.add(row)
        session.flush()
        before = claim_view(session, change.before.claim_id) if change.before else None
        body = payload(change, before, claim_view(session, change.after.claim_id))
        session.add(Alert(change_id=row.id, payload=body))
        created.append(body)
    session.flush()
    return created


def timeline(session: Session, topic: str) -> list[tuple[Claim, Article]]:
    """The ledger of a topic in publication order."""
    query = (
        select(Claim, Article)
        .join(Article, Claim.article_id == Article.id)
        .where(Claim.topic == topic)
        .order_by(Claim.published, Article.key, Claim.position)
    )
    return [(c, a) for c, a in session.execute(query)]
