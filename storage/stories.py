"""Syndicated copies: find the first article of a story by its text signature."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.signature import COPY_SIMILARITY, bands, similarity
from storage.models import Article, StoryBand


def find_original(session: Session, signature: list[int], key: str) -> Article | None:
    """The stored article this text is a copy of (the story's first), if any."""
    sharing = select(StoryBand.article_id).where(StoryBand.band.in_(bands(signature)))
    candidates = session.scalars(select(Article).where(Article.id.in_(sharing), Article.key != key))
    best, best_score = None, COPY_SIMILARITY
    for article in candidates:
        score = similarity(signature, article.signature or [])
        if score >= best_score:
            best, best_score = article, score
    if best is None:
        return None
    return session.get(Article, best.story_id) if best.story_id else best


def index_signature(session: Session, article: Article, signature: list[int]) -> None:
    """Make the article findable as the original of later copies."""
    session.add_all(StoryBand(band=band, article_id=article.id) for band in bands(signature))
