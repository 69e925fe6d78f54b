"""The ledger's tables: sources, articles, claims, changes and the alert outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every claimwatch table."""


class Source(Base):
    """Where articles come from: a feed, or a corpus folder."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A feed's conditional-GET validators and the outcome of its last poll.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    # Consecutive failed polls, and when the operations routes were told of the outage.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    outage_alerted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Page(Base):
    """An article page to fetch, once: keyed by its canonical URL."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    published_hint: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # taken by one pass or shard until then (storage/feeds.lease_pages); expired: free again
    leased_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(80))


class Entry(Base):
    """One item of one feed, known by its identity (guid, canonical link, or title and date)."""

    __tablename__ = "entries"
    __table_args__ = (UniqueConstraint("source_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    key: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(2000))
    published: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"), index=True)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Article(Base):
    """One article, stored once whatever the number of times it is seen."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(2000), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    url: Mapped[str | None] = mapped_column(String(2000))
    path: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    outlet: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="und")
    published: Mapped[date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Syndicated copies point at the first article of their story and carry no claims.
    story_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    signature: Mapped[list | None] = mapped_column(JSON)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    claims: Mapped[list[Claim]] = relationship(back_populates="article", order_by="Claim.position")


class StoryBand(Base):
    """One band of an article's text signature: articles sharing a band may be copies."""

    __tablename__ = "story_bands"

    id: Mapped[int] = mapped_column(primary_key=True)
    band: Mapped[str] = mapped_column(String(40), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)


class Claim(Base):
    """One actor's position on one topic in one article."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("article_id", "position", "actor", "topic", "stance"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str] = mapped_column(String(200), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_text: Mapped[str] = mapped_column(String(500))
    group: Mapped[str] = mapped_column("group_id", String(200), index=True)
    stance: Mapped[str] = mapped_column(String(16))
    numbers: Mapped[list] = mapped_column(JSON, default=list)
    has_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    quote: Mapped[str] = mapped_column(Text)
    published: Mapped[date] = mapped_column(Date, index=True)
    # How the claim was found (`extractors.claims.EVIDENCE`) and the confidence from that;
    # empty and None on claims stored before migration 0005.
    evidence: Mapped[list | None] = mapped_column(JSON, default=list)
    confidence: Mapped[str | None] = mapped_column(String(8))

    article: Mapped[Article] = relationship(back_populates="claims")


class Change(Base):
    """A change in the story, stored once under its key."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(200), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))
    before_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    after_claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Alert(Base):
    """The outbox: one alert per change, written in the change's transaction."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # when a person said "I've seen it" (`claimwatch alerts ack`); delivery goes on regardless
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Mute(Base):
    """A topic, or one actor or side of it (`actor`; '*' is the whole topic), whose new
    alerts are recorded but not sent, until `until` (None: until unmuted)."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("topic", "actor", name="uq_mutes_topic_actor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200), default="*")
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delivery(Base):
    """One alert's delivery to one route: its outcome, attempts and idempotency key.

    `key` is sha256 of the change key and the route name, so a restart finds what a
    route already acknowledged. `acked` lists the fingerprints of the route's URLs that
    accepted the alert; `lease_*` marks a send in flight (a dead owner's lease is taken
    over). `error` is stored masked: it never holds a URL's secret.
    """

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("key", name="uq_deliveries_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", name="fk_deliveries_alert_id"), index=True
    )
    route: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acked: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(300))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShardReport(Base):
    """What one shard of a pass did (`flows.outcomes.PassReport` as JSON), read by the pass
    that started it when its shards are done: workers on other machines share no disk."""

    __tablename__ = "shard_reports"
    __table_args__ = (UniqueConstraint("pass_id", "shard", name="uq_shard_reports_pass_shard"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pass_id: Mapped[str] = mapped_column(String(64), index=True)  # the pass's flow run id
    shard: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
