"""`claimwatch alerts mute|unmute|mutes|ack`: mutes kept in the database, and acks.

A mute stops new alerts of a topic (or of one actor or side of it) from being sent: the
next delivery pass records them as `muted`. Unmuting affects new alerts only: alerts
already muted stay muted. An ack only notes that a person has seen an alert.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime

from sqlalchemy import select

from claimwatch.alert_commands import iso
from claimwatch.commands import dumps, settings_from
from claimwatch.errors import ConfigError, NotFoundError
from extractors.watchlist import load_topics
from storage.db import open_database, transaction
from storage.models import Alert
from storage.mutes import WHOLE_TOPIC, active_mutes, add_mute, remove_mute


def parse_until(text: str, now: datetime | None = None) -> datetime:
    """`--until`: YYYY-MM-DD (00:00 UTC that day) or an ISO datetime with an offset; it
    must lie in the future."""
    moment = now or datetime.now(UTC)
    try:
        if len(text) == 10:
            until = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            until = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            f"--until {text!r} is not a date (YYYY-MM-DD) nor an ISO datetime with an offset"
        ) from exc
    if until.tzinfo is None:
        raise ConfigError(f"--until {text!r} has no UTC offset (add Z or +01:00, say)")
    until = until.astimezone(UTC)
    if until <= moment:
        raise ConfigError(f"--until {until.isoformat()} is in the past: nothing to mute")
    return until


def _what(topic: str, actor: str) -> str:
    return f"topic {topic}" if actor == WHOLE_TOPIC else f"{actor} on topic {topic}"


def cmd_alerts_mute(args: argparse.Namespace) -> int:
    """Mute a topic (or one actor or side of it), forever or until a date."""
    settings = settings_from(args)
    topics = [topic.id for topic in load_topics(settings.topics_file)]
    if args.topic not in topics:
        raise ConfigError(f"unknown topic {args.topic!r} (known: {', '.join(sorted(topics))})")
    until = parse_until(args.until) if args.until else None
    actor = args.actor or WHOLE_TOPIC
    sessions = open_database(settings.database_url)
    with transaction(sessions) as session:
        add_mute(session, args.topic, actor, until)
    end = f"until {until.isoformat()}" if until else "until unmuted"
    print(f"muted {_what(args.topic, actor)} {end} (new alerts are recorded, not sent)")
    return 0


def cmd_alerts_unmute(args: argparse.Namespace) -> int:
    """Remove a mute; new alerts are sent again (muted ones stay muted)."""
    settings = settings_from(args)
    sessions = open_database(settings.database_url, must_exist=True)
    actor = None if args.all else (args.actor or WHOLE_TOPIC)
    with transaction(sessions) as session:
        removed = remove_mute(session, args.topic, actor)
    what = f"topic {args.topic} (any actor)" if actor is None else _what(args.topic, actor)
    if not removed:
        raise NotFoundError(f"no mute on {what} (see `claimwatch alerts mutes`)")
    print(f"unmuted {what}: {removed} mute{'s' if removed != 1 else ''} removed")
    return 0


def cmd_alerts_mutes(args: argparse.Namespace) -> int:
    """The mutes in force now (expired ones are not shown)."""
    settings = settings_from(args)
    sessions = open_database(settings.database_url, must_exist=True)
    with transaction(sessions) as session:
        mutes = active_mutes(session)
    for mute in mutes:
        if args.json:
            record = {"topic": mute.topic, "actor": mute.actor, "until": iso(mute.until)}
            sys.stdout.write(dumps({**record, "created_at": iso(mute.created_at)}) + "\n")
        else:
            print(f"{_what(mute.topic, mute.actor)}  until {iso(mute.until) or 'unmuted'}")
    if not mutes and not args.json:
        print("no mutes in force", file=sys.stderr)
    return 0


def cmd_alerts_ack(args: argparse.Namespace) -> int:
    """Mark alerts as seen (idempotent: a second ack keeps the first time)."""
    settings = settings_from(args)
    sessions = open_database(settings.database_url, must_exist=True)
    wanted = list(dict.fromkeys(args.alert_ids))
    with transaction(sessions) as session:
        rows = {a.id: a for a in session.scalars(select(Alert).where(Alert.id.in_(wanted)))}
        missing = [str(i) for i in wanted if i not in rows]
        if missing:
            raise NotFoundError(
                f"no alert with id {', '.join(missing)} (see `claimwatch alerts list`)"
            )
        now = datetime.now(UTC)
        for alert_id in wanted:
            alert = rows[alert_id]
            if alert.acked_at is None:
                alert.acked_at = now
            print(f"acked alert {alert_id} at {iso(alert.acked_at)}")
    return 0
