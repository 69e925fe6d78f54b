"""`claimwatch alerts list|test|send`: the outbox, route checks, and one delivery pass."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from alerts.delivery import deliver_pending, send_test
from alerts.feedfiles import feed_path, topic_feed, write_file
from alerts.message import probe_message
from alerts.routes import ENV_VAR, FILE
from claimwatch.commands import dumps, settings_from
from claimwatch.errors import ConfigError
from claimwatch.settings import Settings
from extractors.watchlist import load_topics
from storage.db import open_database, transaction
from storage.models import Delivery
from storage.outbox import deliveries_of, list_alerts, topic_alerts


def _no_routes(settings: Settings) -> str:
    return (
        f"no alert routes configured (add routes to {settings.config_dir / FILE} or set {ENV_VAR})"
    )


def _iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands back naive UTC datetimes)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _route_status(row: Delivery) -> dict[str, object]:
    return {
        "route": row.route,
        "status": row.status,
        "attempts": row.attempts,
        "error": row.error,  # stored masked
        "next_attempt_at": _iso(row.next_attempt_at) if row.status == "pending" else None,
        "delivered_at": _iso(row.delivered_at),
    }


def cmd_alerts_list(args: argparse.Namespace) -> int:
    """Alerts with their status and, per route, the delivery outcome (errors masked)."""
    settings = settings_from(args)
    sessions = open_database(settings.database_url, must_exist=True)
    with transaction(sessions) as session:
        alerts = list_alerts(session, args.status)
        deliveries = deliveries_of(session, [alert.id for alert in alerts])
        for alert in alerts:
            routes = [_route_status(row) for row in deliveries.get(alert.id, [])]
            if args.json:
                record = {"id": alert.id, "status": alert.status, **alert.payload, "routes": routes}
                sys.stdout.write(dumps(record) + "\n")
                continue
            line = f"{alert.id:5}  {alert.status:9}  {alert.payload['severity']:6}  "
            line += str(alert.payload["title"])
            if routes:
                line += "  [" + ", ".join(_short(route) for route in routes) + "]"
            print(line)
    return 0


def _short(route: dict[str, object]) -> str:
    attempts = f" after {route['attempts']} attempts" if route["status"] != "delivered" else ""
    return f"{route['route']}: {route['status']}{attempts if route['attempts'] else ''}"


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
