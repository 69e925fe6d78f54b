"""Mutes: a topic, or one actor or side of it, whose new alerts are recorded but not sent.

A mute lives in the `mutes` table, so it survives restarts, and ends by itself at its
`until` (None: until `claimwatch alerts unmute`). Expired rows are left in place and
simply no longer match; muting the same topic and actor again replaces them.
Queries only; sessions come from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from storage.models import Mute

WHOLE_TOPIC = "*"


def _utc(moment: datetime | None) -> datetime | None:
    """Aware UTC (SQLite hands back naive UTC datetimes)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_mute(
    session: Session, topic: str, actor: str = WHOLE_TOPIC, until: datetime | None = None
) -> Mute:
    """Mute a topic (actor '*') or one actor or side of it; muting again replaces `until`."""
    row = session.scalars(select(Mute).where(Mute.topic == topic, Mute.actor == actor)).first()
    if row is None:
        row = Mute(topic=topic, actor=actor, until=until)
        session.add(row)
    else:
        row.until = until
        row.created_at = datetime.now(UTC)
    session.flush()
    return row


def remove_mute(session: Session, topic: str, actor: str | None = WHOLE_TOPIC) -> int:
    """Remove the mute of a topic and actor (actor None: every mute of the topic, of any
    actor); how many rows went, expired ones included."""
    query = delete(Mute).where(Mute.topic == topic)
    if actor is not None:
        query = query.where(Mute.actor == actor)
    result = session.execute(query)
    return int(result.rowcount)  # type: ignore[attr-defined]


def active_mutes(session: Session, now: datetime | None = None) -> list[Mute]:
    """The mutes in force at `now` (default: now): no end, or an end after it."""
    moment = _utc(now) or datetime.now(UTC)
    query = select(Mute).where(or_(Mute.until.is_(None), Mute.until > moment))
    return list(session.scalars(query.order_by(Mute.topic, Mute.actor)))


def is_active(mute: Mute, now: datetime) -> bool:
    """The mute is in force at `now`."""
    until = _utc(mute.until)
    return until is None or until > (_utc(now) or now)


def subjects(payload: Mapping[str, Any]) -> set[str]:
    """The actor and side ids an alert is about: its speaker, the speaker's side, and the
    change's subject (an actor, or a side for a side-level change)."""
    ids = {payload.get("actor"), payload.get("group")}
    if payload.get("scope") != "topic":
        ids.add(payload.get("subject"))
    return {str(i) for i in ids if i}


def is_muted(payload: Mapping[str, Any], mutes: Iterable[Mute]) -> bool:
    """An alert matches a mute of its topic that is for the whole topic, or for its actor
    or side. Pass active mutes only (see `active_mutes`)."""
    topic = payload.get("topic")
    about = subjects(payload)
    return any(m.topic == topic and (m.actor == WHOLE_TOPIC or m.actor in about) for m in mutes)
