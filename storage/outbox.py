"""The alert outbox: deliveries per (alert, route), their outcomes, and the evidence an
alert shows (which outlets carry it). Queries only; sessions come from the caller."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.bounds import clean_text
from storage.models import Alert, Article, Claim, Delivery, Mute
from storage.models import Change as ChangeRow
from storage.mutes import is_muted

STATUSES = ("pending", "delivered", "failed", "muted")


def delivery_key(change_key: str, route: str) -> str:
    """The idempotency key of one alert on one route."""
    return hashlib.sha256(f"{change_key}|{route}".encode()).hexdigest()


# --- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """Who carries an alert's claim, and the language of its quotes."""

    outlets: tuple[str, ...] = ()  # independent outlets: originals, one per story
    copies: tuple[str, ...] = ()  # outlets of syndicated copies, not already counted
    languages: Mapping[str, str] = field(default_factory=dict)  # "before"/"after" -> code


def outlet_name(article: Article) -> str:
    """An article's outlet, else its site, else its file name."""
    if article.outlet:
        return article.outlet
    if article.url:
        host = urlsplit(article.url).hostname or article.url
        return host.removeprefix("www.")
    return PurePosixPath(article.path or article.key).name


def carriers(
    session: Session, claim_filter: object, topic: str, stance: str, until: date
) -> tuple[list[str], list[str]]:
    """Independent outlets with a claim matching the filter (topic, stance, published up to
    `until`), and the outlets of those articles' syndicated copies."""
    with_claim = (
        select(Claim.article_id)
        .where(claim_filter, Claim.topic == topic, Claim.stance == stance)
        .where(Claim.published <= until)
    )
    originals = list(
        session.scalars(
            select(Article)
            .where(Article.id.in_(with_claim), Article.story_id.is_(None))
            .order_by(Article.published, Article.id)
        )
    )
    outlets = list(dict.fromkeys(outlet_name(a) for a in originals))
    copies = session.scalars(
        select(Article)
        .where(Article.story_id.in_([a.id for a in originals]))
        .order_by(Article.published, Article.id)
    )
    extra = [name for name in dict.fromkeys(outlet_name(a) for a in copies) if name not in outlets]
    return outlets, extra


def evidence(session: Session, alert: Alert) -> Evidence:
    """The alert's carriers (same topic, actor or side, stance; copies count once) and
    the languages of its before and after quotes."""
    change = session.get(ChangeRow, alert.change_id)
    if change is None:
        return Evidence()
    after = session.get(Claim, change.after_claim_id)
    before = session.get(Claim, change.before_claim_id) if change.before_claim_id else None
    if after is None:
        return Evidence()
    if change.scope == "group":
        claim_filter = Claim.group == change.subject
    elif change.scope == "actor":
        claim_filter = Claim.actor == change.subject
    else:
        claim_filter = Claim.actor == after.actor
    outlets, copies = carriers(session, claim_filter, change.topic, after.stance, after.published)
    languages = {"after": after.article.language}
    if before is not None:
        languages["before"] = before.article.language
    return Evidence(tuple(outlets), tuple(copies), languages)


# --- deliveries -------------------------------------------------------------------------


def open_alerts(session: Session) -> list[Alert]:
    """Alerts still waiting for a route: pending ones, and any with a pending delivery."""
    waiting = select(Delivery.alert_id).where(Delivery.status == "pending")
    query = select(Alert).where(or_(Alert.status == "pending", Alert.id.in_(waiting)))
    return list(session.scalars(query.order_by(Alert.id)))


def mute_open_alerts(session: Session, mutes: Collection[Mute]) -> int:
    """Open alerts matching one of the (active) mutes become 'muted', with their pending
    deliveries: recorded, never sent, not failed. How many alerts were muted."""
    if not mutes:
        return 0
    muted = [a.id for a in open_alerts(session) if is_muted(a.payload, mutes)]
    for start in range(0, len(muted), 500):
        chunk = muted[start : start + 500]
        session.execute(update(Alert).where(Alert.id.in_(chunk)).values(status="muted"))
        session.execute(
            update(Delivery)
            .where(Delivery.alert_id.in_(chunk), Delivery.status == "pending")
            .values(status="muted", next_attempt_at=None)
        )
    return len(muted)


def ensure_deliveries(session: Session, rows: Iterable[tuple[int, str, str]]) -> None:
    """Create the missing (alert id, route, key) deliveries; existing keys are kept as
    they are, also when another process creates them at the same time."""
    values = [{"alert_id": a, "route": r, "key": k, "acked": []} for a, r, k in rows]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        session.execute(
            insert(Delivery).values(chunk).on_conflict_do_nothing(index_elements=["key"])
        )


def due_deliveries(
    session: Session, routes: Collection[str], now: datetime
) -> list[tuple[Delivery, Alert]]:
    """Pending deliveries to the given routes whose next attempt is due, oldest alert first."""
    query = (
        select(Delivery, Alert)
        .join(Alert, Alert.id == Delivery.alert_id)
        .where(Delivery.status == "pending", Delivery.route.in_(list(routes)))
        .where(or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now))
        .order_by(Alert.id, Delivery.id)
    )
    return [(d, a) for d, a in session.execute(query)]


def claim(
    session: Session, delivery_id: int, seen_owner: str | None, owner: str, until: datetime
) -> list[str] | None:
    """Take the delivery's lease if nobody took it since we looked; its acknowledged URL
    fingerprints then, or None when another sender has it."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == "pending")
        .where(Delivery.lease_owner.is_not_distinct_from(seen_owner))
        .values(lease_owner=owner, lease_until=until)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return list(session.scalars(select(Delivery.acked).where(Delivery.id == delivery_id)).one())


def acknowledge(
    session: Session,
    delivery_id: int,
    fingerprints: Iterable[str],
    required: set[str],
    now: datetime,
) -> list[str]:
    """Record URLs that accepted the alert; delivered once every required URL did."""
    row = session.get(Delivery, delivery_id)
    assert row is not None
    acked = sorted(set(row.acked) | set(fingerprints))
    row.acked = acked
    if required <= set(acked):
        row.status, row.delivered_at, row.error = "delivered", now, None
        row.lease_owner = row.lease_until = None
    return acked


def record_failure(
    session: Session,
    delivery_id: int,
    error: str,
    now: datetime,
    max_attempts: int,
    backoff: Callable[[int], timedelta],
) -> Delivery:
    """Count a failed attempt (error already masked): retry after the backoff, or give up."""
    row = session.get(Delivery, delivery_id)
    assert row is not None
    row.attempts += 1
    row.error = clean_text(error)
    row.lease_owner = row.lease_until = None
    if row.attempts >= max_attempts:
        row.status, row.next_attempt_at = "failed", None
    else:
        row.next_attempt_at = now + backoff(row.attempts)
    return row


def release(session: Session, delivery_id: int, owner: str) -> None:
    """Give the lease back (nothing was attempted, or nothing is left to do)."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def refresh_statuses(session: Session, wanted: Mapping[int, Collection[str]]) -> None:
    """An alert is delivered when every route that wants it acknowledged, failed when one
    gave up, else pending. Alerts no route wants stay as they are."""
    ids = [alert_id for alert_id, routes in wanted.items() if routes]
    rows = deliveries_of(session, ids)
    for alert_id in ids:
        statuses = {
            d.route: d.status for d in rows.get(alert_id, []) if d.route in wanted[alert_id]
        }
        if "failed" in statuses.values():
            status = "failed"
        elif len(statuses) == len(wanted[alert_id]) and set(statuses.values()) == {"delivered"}:
            status = "delivered"
        else:
            status = "pending"
        session.execute(update(Alert).where(Alert.id == alert_id).values(status=status))


# --- listing ----------------------------------------------------------------------------


def list_alerts(session: Session, status: str | None = None) -> list[Alert]:
    """Alerts in outbox order, optionally of one status."""
    query = select(Alert).order_by(Alert.id)
    if status:
        query = query.where(Alert.status == status)
    return list(session.scalars(query))


def topic_alerts(session: Session, topic: str, limit: int) -> list[Alert]:
    """The newest `limit` alerts of one topic, newest first."""
    query = (
        select(Alert)
        .join(ChangeRow, ChangeRow.id == Alert.change_id)
        .where(ChangeRow.topic == topic)
        .order_by(Alert.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def deliveries_of(session: Session, alert_ids: Collection[int]) -> dict[int, list[Delivery]]:
    """Each alert's deliveries, by route name."""
    result: dict[int, list[Delivery]] = {}
    if not alert_ids:
        return result
    query = select(Delivery).where(Delivery.alert_id.in_(list(alert_ids)))
    for row in session.scalars(query.order_by(Delivery.alert_id, Delivery.route)):
        result.setdefault(row.alert_id, []).append(row)
    return result


def status_counts(session: Session) -> dict[str, int]:
    """How many alerts are pending, delivered, failed and muted."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, n in session.execute(select(Alert.status, func.count()).group_by(Alert.status)):
        counts[status] = int(n)
    return counts


ALERT_STATES = ("delivered", "waiting for a digest", "retrying", "pending", "failed", "muted")


def alert_states(session: Session, digest_routes: Collection[str]) -> dict[str, int]:
    """Every alert counted once by where it stands: delivered, failed or muted by status; a
    pending one is retrying when a delivery of it failed and waits for its retry, waiting
    for a digest when only digest routes still have to send it, else pending."""
    counts = dict.fromkeys(ALERT_STATES, 0)
    pending: list[int] = []
    for alert_id, status in session.execute(select(Alert.id, Alert.status)):
        if status == "pending":
            pending.append(alert_id)
        else:
            counts[status] = counts.get(status, 0) + 1
    rows = deliveries_of(session, pending)
    for alert_id in pending:
        left = [d for d in rows.get(alert_id, []) if d.status == "pending"]
        if any(d.attempts for d in left):
            counts["retrying"] += 1
        elif left and all(d.route in digest_routes for d in left):
            counts["waiting for a digest"] += 1
        else:
            counts["pending"] += 1
    return counts
