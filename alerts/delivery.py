"""Sending the alert outbox through apprise, once per route, surviving crashes.

One pass (`deliver_pending`): every pending alert gets a delivery row per route that
wants it (key: sha256 of change key and route). Due rows are leased, sent (one apprise
call per alert and URL, or one digest per route and URL when its schedule is due), and
the outcome is committed right after each send, so a SIGKILL loses at most the send in
flight. A send counts only if apprise returns True *and* logs no warning or error.
Failures back off exponentially and give up after `max_attempts`. A URL that failed is
not tried again in the same pass, so a dead server never holds up the others.

Each message carries a stable key a receiver can drop duplicates by: the alert's key
(a digest's: `digest:` and the sha256 of its alerts' keys) in an `X-Claimwatch-Alert`
header for webhooks and e-mail (apprise's `+Header=value` URL parameter), and as
`ref <12 hex>` in the text for every channel.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import apprise
from sqlalchemy.orm import Session, sessionmaker

from alerts.message import Message, render_alert, render_digest
from alerts.report import DeliveryReport, RouteReport
from alerts.routes import Route, severity_rank
from alerts.secrets import WEBHOOK_SCHEMES, apprise_logs, asset, mask, problems, redact
from storage import outbox
from storage.db import transaction
from storage.models import Alert, Delivery
from storage.mutes import active_mutes
from storage.owners import local_pid, owner_name, process_gone

log = logging.getLogger(__name__)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
LEASE = timedelta(minutes=10)
_ACTIVE: set[str] = set()  # lease owners of the passes running in this process
ALERT_HEADER = "X-Claimwatch-Alert"
# apprise services that send custom headers given as `+Name=value` in their URL
HEADER_SCHEMES = WEBHOOK_SCHEMES | {"mailto", "mailtos"}


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most 1 h."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def fingerprint(url: str) -> str:
    """A URL's identity in the database (the URL itself holds secrets)."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Outcome:
    """What one apprise call did: accepted, or why not (masked)."""

    ok: bool
    reason: str = ""


def with_key(url: str, key: str | None) -> str:
    """The URL with the alert's key as the `X-Claimwatch-Alert` header, where the service
    sends custom headers (webhooks, e-mail); other URLs unchanged."""
    scheme = url.partition("://")[0].lower()
    if not key or scheme not in HEADER_SCHEMES:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}+{ALERT_HEADER}={quote(key, safe=':')}"


def digest_key(keys: list[str]) -> str:
    """A digest's key: the same alerts make the same key, in any order."""
    return "digest:" + hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def send(url: str, message: Message, notify_type: str = "info", key: str | None = None) -> Outcome:
    """Send one message to one apprise URL, in the format that service takes, with the
    alert's key as a header where the service allows one."""
    masked = mask(url)  # registers the URL's secrets before apprise logs anything about it
    notifier = apprise.Apprise(asset=asset())
    with apprise_logs() as records:
        if not notifier.add(with_key(url, key)):
            return Outcome(False, f"not a valid apprise URL: {masked}")
        notify_format = notifier[0].notify_format
        fmt = str(getattr(notify_format, "value", notify_format))
        result = notifier.notify(
            body=message.body(fmt), title=message.title, notify_type=notify_type, body_format=fmt
        )
    issues = problems(records)
    if result is True and not issues:
        return Outcome(True)
    if result is None:
        issues.append("nothing was sent")
    return Outcome(False, redact("; ".join(issues) or "apprise reported a failure"))


def notify_operations(routes: list[Route], message: Message, notify_type: str) -> list[str]:
    """Send an operational message to every URL of the routes with `operations: true`;
    the masked reasons of the sends that failed (empty: every one was accepted)."""
    failures = []
    for route in routes:
        if route.operations:
            for url in route.urls:
                outcome = send(url, message, notify_type)
                if not outcome.ok:
                    failures.append(f"{route.name}: {outcome.reason}")
    return failures


def send_test(
    routes: list[Route], message_for: Callable[[str], Message]
) -> list[tuple[Route, str, Outcome]]:
    """Send `message_for(route)` to every URL of every route: (route, masked URL, outcome)."""
    return [(r, mask(url), send(url, message_for(r.name))) for r in routes for url in r.urls]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _notify_type(payloads: list[Mapping[str, Any]]) -> str:
    worst = max((severity_rank(str(p.get("severity"))) for p in payloads), default=0)
    return "warning" if worst >= severity_rank("high") else "info"


@dataclass
class _Claimed:
    delivery: Delivery
    alert: Alert
    acked: set[str]
    failures: list[str] = field(default_factory=list)


class _Pass:
    """One delivery pass: its lease owner name, URLs found down, rendered messages."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: datetime,
        max_attempts: int,
        topic_titles: Mapping[str, str] | None,
    ) -> None:
        self.sessions, self.now, self.max_attempts = sessions, now, max_attempts
        self.titles = topic_titles
        self.owner = owner_name(uuid.uuid4().hex[:12])
        self.down: set[str] = set()
        self._evidence: dict[int, outbox.Evidence] = {}

    def evidence(self, alert: Alert) -> outbox.Evidence:
        if alert.id not in self._evidence:
            with self.sessions() as session:
                self._evidence[alert.id] = outbox.evidence(session, alert)
        return self._evidence[alert.id]

    def _free(self, delivery: Delivery) -> bool:
        """Nobody holds the lease: none, expired, or its owner process is gone."""
        owner, until = delivery.lease_owner, _utc(delivery.lease_until)
        if owner is None or until is None or until <= self.now:
            return True
        pid = local_pid(owner)
        if pid is None:
            return False
        if pid == os.getpid():
            return owner not in _ACTIVE
        return process_gone(pid)

    def claim(self, delivery: Delivery, alert: Alert) -> _Claimed | None:
        if not self._free(delivery):
            return None
        with transaction(self.sessions) as session:
            acked = outbox.claim(
                session, delivery.id, delivery.lease_owner, self.owner, self.now + LEASE
            )
        return None if acked is None else _Claimed(delivery, alert, set(acked))

    def send_batch(
        self, route: Route, batch: list[_Claimed], url: str, report: RouteReport
    ) -> None:
        """One message (an alert, or a digest of several) to one URL; outcome committed."""
        fp = fingerprint(url)
        if len(batch) == 1 and route.mode != "digest":
            item = batch[0]
            evidence = self.evidence(item.alert)
            message = render_alert(item.alert.payload, evidence, self.titles, item.alert.id)
            key = str(item.alert.payload["key"])
        else:
            items = [(c.alert.id, c.alert.payload, self.evidence(c.alert)) for c in batch]
            message = render_digest(items, self.titles)
            key = digest_key([str(c.alert.payload["key"]) for c in batch])
        outcome = send(url, message, _notify_type([c.alert.payload for c in batch]), key)
        if not outcome.ok:
            self.down.add(fp)
            for item in batch:
                item.failures.append(f"{mask(url)}: {outcome.reason}")
            return
        report.sent += 1
        required = {fingerprint(u) for u in route.urls}
        with transaction(self.sessions) as session:
            for item in batch:
                item.acked = set(
                    outbox.acknowledge(session, item.delivery.id, [fp], required, datetime.now(UTC))
                )

    def settle(self, route: Route, item: _Claimed, report: RouteReport) -> None:
        """Record the outcome of one delivery in this pass and give its lease back."""
        required = {fingerprint(u) for u in route.urls}
        with transaction(self.sessions) as session:
            if item.failures:
                error = "; ".join(dict.fromkeys(item.failures))
                row = outbox.record_failure(
                    session, item.delivery.id, error, self.now, self.max_attempts, backoff
                )
                gave_up = row.status == "failed"
                report.gave_up += gave_up
                report.retrying += not gave_up
                report.errors = list(dict.fromkeys([*report.errors, *item.failures]))
                log.warning(
                    "alert #%d on route %r: %s (attempt %d of %d%s)",
                    item.alert.id,
                    route.name,
                    error,
                    row.attempts,
                    self.max_attempts,
                    ", giving up" if gave_up else f", retry after {backoff(row.attempts)}",
                )
            else:
                acked = outbox.acknowledge(
                    session, item.delivery.id, [], required, datetime.now(UTC)
                )
                done = required <= set(acked)
                report.delivered += done
                report.deferred += not done
            outbox.release(session, item.delivery.id, self.owner)

    def deliver_one(
        self, route: Route, delivery: Delivery, alert: Alert, report: RouteReport
    ) -> None:
        """One alert to every URL of an immediate route that has not acknowledged it."""
        item = self.claim(delivery, alert)
        if item is None:
            report.deferred += 1
            return
        for url in route.urls:
            fp = fingerprint(url)
            if fp not in item.acked and fp not in self.down:
                self.send_batch(route, [item], url, report)
        self.settle(route, item, report)

    def deliver_digest(
        self, route: Route, items: list[tuple[Delivery, Alert]], report: RouteReport
    ) -> None:
        """A digest route's due alerts as one message per URL, once its schedule fired."""
        oldest = min(_utc(alert.created_at) or self.now for _d, alert in items)
        if not route.digest_due(oldest, self.now):
            report.deferred += len(items)
            return
        claimed = [c for d, a in items if (c := self.claim(d, a)) is not None]
        report.deferred += len(items) - len(claimed)
        for url in route.urls:
            fp = fingerprint(url)
            batch = [c for c in claimed if fp not in c.acked]
            if batch and fp not in self.down:
                self.send_batch(route, batch, url, report)
        for item in claimed:
            self.settle(route, item, report)


def deliver_pending(
    sessions: sessionmaker[Session],
    routes: list[Route],
    now: datetime | None = None,
    max_attempts: int = 5,
    topic_titles: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """One delivery pass over the outbox; the report says what each route got (masked)."""
    moment = _utc(now) or datetime.now(UTC)
    report = DeliveryReport([RouteReport(r.name, r.mode, r.masked_urls()) for r in routes])
    with transaction(sessions) as session:  # also with no route: a muted alert is muted now
        report.muted = outbox.mute_open_alerts(session, active_mutes(session, moment))
    if routes:
        run = _Pass(sessions, moment, max_attempts, topic_titles)
        _ACTIVE.add(run.owner)
        try:
            with transaction(sessions) as session:
                alerts = outbox.open_alerts(session)
                wanted = {a.id: [r.name for r in routes if r.wants(a.payload)] for a in alerts}
                outbox.ensure_deliveries(
                    session,
                    [
                        (a.id, name, outbox.delivery_key(str(a.payload["key"]), name))
                        for a in alerts
                        for name in wanted[a.id]
                    ],
                )
            with transaction(sessions) as session:
                due = outbox.due_deliveries(session, [r.name for r in routes], moment)
            by_name = {route.name: route for route in routes}
            digests: dict[str, list[tuple[Delivery, Alert]]] = {}
            for delivery, alert in due:  # oldest alert first, to every immediate route
                route = by_name[delivery.route]
                if route.mode == "digest":
                    digests.setdefault(route.name, []).append((delivery, alert))
                else:
                    run.deliver_one(route, delivery, alert, report.route(route.name))
            for name, items in digests.items():
                run.deliver_digest(by_name[name], items, report.route(name))
            with transaction(sessions) as session:
                outbox.refresh_statuses(session, wanted)
        finally:
            _ACTIVE.discard(run.owner)
    with transaction(sessions) as session:
        report.counts = outbox.status_counts(session)
        report.states = outbox.alert_states(session, [r.name for r in routes if r.mode == "digest"])
    log.info("alert delivery: %s", report.summary())
    return report
