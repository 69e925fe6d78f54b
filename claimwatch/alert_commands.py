"""`claimwatch alerts list|test|send|feed`: the outbox, route checks, one delivery pass,
and a topic's feed (mutes and acks: claimwatch/mute_commands.py)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from alerts.delivery import deliver_pending, send_test
from alerts.feedfiles import feed_path, topic_feed, write_file
from alerts.message import probe_message
from alerts.routes import ENV_VAR, FILE, Route
from claimwatch.commands import dumps, settings_from
from claimwatch.errors import ConfigError
from claimwatch.settings import Settings
from extractors.watchlist import load_topics
from storage.db import open_database, transaction
from storage.models import Alert, Delivery
from storage.outbox import deliveries_of, list_alerts, topic_alerts


def _no_routes(settings: Settings) -> str:
    return (
        f"no alert routes configured (add routes to {settings.config_dir / FILE} or set {ENV_VAR})"
    )


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back naive UTC datetimes)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def route_state(status: str, attempts: int, mode: str) -> str:
    """Where one alert stands on one route: delivered, waiting-for-digest, retrying,
    failed, muted or pending."""
    if status != "pending":
        return status  # delivered, failed, muted
    if attempts:
        return "retrying"
    return "waiting-for-digest" if mode == "digest" else "pending"


def _route_status(row: Delivery, mode: str) -> dict[str, object]:
    return {
        "route": row.route,
        "status": row.status,
        "state": route_state(row.status, row.attempts, mode),
        "attempts": row.attempts,
        "error": row.error,  # stored masked
        "next_attempt_at": iso(row.next_attempt_at) if row.status == "pending" else None,
        "delivered_at": iso(row.delivered_at),
    }


def _not_yet(route: Route, alert: Alert) -> dict[str, object]:
    """A configured route that wants the alert and has no delivery row yet."""
    status = "muted" if alert.status == "muted" else "pending"
    return {
        "route": route.name,
        "status": status,
        "state": route_state(status, 0, route.mode),
        "attempts": 0,
        "error": None,
        "next_attempt_at": None,
        "delivered_at": None,
    }


def _routes_of(alert: Alert, rows: list[Delivery], routes: list[Route]) -> list[dict[str, object]]:
    modes = {route.name: route.mode for route in routes}
    entries = [_route_status(row, modes.get(row.route, "immediate")) for row in rows]
    if alert.status in ("pending", "muted"):  # the next pass creates these (or mutes them)
        have = {row.route for row in rows}
        entries += [
            _not_yet(r, alert) for r in routes if r.name not in have and r.wants(alert.payload)
        ]
    return sorted(entries, key=lambda entry: str(entry["route"]))


def cmd_alerts_list(args: argparse.Namespace) -> int:
    """Alerts with their status and, per route, where each stands (errors masked)."""
    settings = settings_from(args)
    if args.muted and args.status not in (None, "muted"):
        raise ConfigError(
            f"--muted lists muted alerts only: it cannot go with --status {args.status}"
        )
    status = "muted" if args.muted else args.status
    routes = settings.routes()
    sessions = open_database(settings.database_url, must_exist=True)
    with transaction(sessions) as session:
        alerts = list_alerts(session, status)
        deliveries = deliveries_of(session, [alert.id for alert in alerts])
        for alert in alerts:
            entries = _routes_of(alert, deliveries.get(alert.id, []), routes)
            if args.json:
                record = {"id": alert.id, "status": alert.status, **alert.payload}
                record |= {"acked_at": iso(alert.acked_at), "routes": entries}
                sys.stdout.write(dumps(record) + "\n")
                continue
            line = f"{alert.id:5}  {alert.status:9}  {alert.payload['severity']:6}  "
            line += ("acked  " if alert.acked_at else "") + str(alert.payload["title"])
            if entries:
                line += "  [" + ", ".join(_short(entry) for entry in entries) + "]"
            print(line)
    return 0


def _short(route: dict[str, object]) -> str:
    attempts = f" after {route['attempts']} attempts" if route["state"] != "delivered" else ""
    return f"{route['route']}: {route['state']}{attempts if route['attempts'] else ''}"


def cmd_alerts_test(args: argparse.Namespace) -> int:
    """Send a test message to every URL of every route; print each result (masked)."""
    settings = settings_from(args)
    routes = settings.routes()
    if not routes:
        raise ConfigError(_no_routes(settings))
    failed = 0
    for route, url, outcome in send_test(routes, probe_message):
        if outcome.ok:
            print(f"ok      {route.name}  {url}")
        else:
            failed += 1
            print(f"FAILED  {route.name}  {url}  -- {outcome.reason}")
    return 1 if failed else 0


def cmd_alerts_send(args: argparse.Namespace) -> int:
    """One delivery pass over the outbox, without Prefect; a line per route."""
    settings = settings_from(args)
    routes = settings.routes()
    if not routes:  # a note, not an error: the pending alerts wait for a route
        print(f"claimwatch: {_no_routes(settings)}", file=sys.stderr)
    titles = {topic.id: topic.title for topic in load_topics(settings.topics_file)}
    sessions = open_database(settings.database_url)
    report = deliver_pending(sessions, routes, max_attempts=args.max_attempts, topic_titles=titles)
    for route in report.routes:
        print(route.line())
    print(report.summary())
    return 0 if report.ok else 1


def cmd_alerts_feed(args: argparse.Namespace) -> int:
    """Write a topic's Atom feed from the database now (or print it with `--out -`)."""
    settings = settings_from(args)
    titles = {topic.id: topic.title for topic in load_topics(settings.topics_file)}
    sessions = open_database(settings.database_url, must_exist=True)
    with transaction(sessions) as session:
        if args.topic not in titles and not topic_alerts(session, args.topic, 1):
            known = ", ".join(sorted(titles))
            raise ConfigError(f"unknown topic {args.topic!r} (known: {known})")
        data = topic_feed(session, args.topic, titles)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        return 0
    path = Path(args.out) if args.out else feed_path(settings.feeds_dir(), args.topic)
    write_file(path, data)
    print(path)
    return 0
