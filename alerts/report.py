"""What a delivery pass did, per route: for the command line, logs and Prefect artifacts.

Everything in a report is already masked: URLs through `alerts.secrets.mask`, errors
through `redact`. It is safe to print, log or publish as it is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RouteReport:
    """One route's share of a pass."""

    route: str
    mode: str
    urls: list[str]  # masked
    sent: int = 0  # messages apprise accepted (a digest is one)
    delivered: int = 0  # alert deliveries completed in this pass
    retrying: int = 0  # failed attempts that will be retried later
    gave_up: int = 0  # deliveries marked failed in this pass (attempt limit)
    deferred: int = 0  # due but not attempted: URL down, digest not due yet, leased
    errors: list[str] = field(default_factory=list)  # masked reasons

    @property
    def ok(self) -> bool:
        return not (self.retrying or self.gave_up)

    def line(self) -> str:
        status = "ok" if self.ok else ("FAILED" if self.gave_up else "RETRYING")
        text = (
            f"{status:8} {self.route} ({self.mode}): {self.sent} sent, {self.delivered} delivered, "
            f"{self.retrying} to retry, {self.gave_up} given up, {self.deferred} deferred"
        )
        return text + (f" -- {self.errors[0]}" if self.errors else "")


@dataclass
class DeliveryReport:
    """A whole pass: every route, and the outbox's alert counts afterwards."""

    routes: list[RouteReport]
    counts: dict[str, int] = field(default_factory=dict)  # alerts by status after the pass
    muted: int = 0  # alerts this pass found muted (recorded, not sent)
    states: dict[str, int] = field(default_factory=dict)  # each alert once, by where it stands

    def route(self, name: str) -> RouteReport:
        return next(r for r in self.routes if r.route == name)

    @property
    def ok(self) -> bool:
        """No attempt failed in this pass."""
        return all(r.ok for r in self.routes)

    @property
    def gave_up(self) -> int:
        return sum(r.gave_up for r in self.routes)

    def summary(self) -> str:
        """Alerts (each counted once, adding up to the total), then this pass's deliveries:
        `20 alerts: 12 delivered, 8 waiting for a digest, 0 failed, 2 muted; 4 routes: 41
        deliveries made (30 messages sent), 0 to retry, 0 given up`."""
        states = self.states or self.counts
        total = sum(states.values())
        shown = [
            f"{n} {state}"
            for state, n in states.items()
            if n or state in ("delivered", "failed", "muted")
        ]
        alerts = f"{total} alert{'s' if total != 1 else ''}"
        if not self.routes:
            muted = states.get("muted", 0)
            return f"no alert routes: {alerts} kept" + (f" ({muted} muted)" if muted else "")
        sent = sum(r.sent for r in self.routes)
        made = sum(r.delivered for r in self.routes)
        retrying = sum(r.retrying for r in self.routes)
        routes = f"{len(self.routes)} route{'s' if len(self.routes) != 1 else ''}"
        return (
            f"{alerts}: {', '.join(shown)}; {routes}: {made} deliver"
            f"{'ies' if made != 1 else 'y'} made ({sent} message{'s' if sent != 1 else ''} "
            f"sent), {retrying} to retry, {self.gave_up} given up"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": self.counts,
            "states": self.states,
            "muted": self.muted,
            "routes": [asdict(r) for r in self.routes],
        }

    def as_markdown(self) -> str:
        """A table for a Prefect artifact."""
        rows = [
            "| route | mode | URLs | sent | delivered | to retry | given up | deferred | error |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for r in self.routes:
            urls = "<br>".join(f"`{u}`" for u in r.urls)
            error = (r.errors[0] if r.errors else "").replace("|", "\\|")
            rows.append(
                f"| {r.route} | {r.mode} | {urls} | {r.sent} | {r.delivered} | {r.retrying} "
                f"| {r.gave_up} | {r.deferred} | {error} |"
            )
        if not self.routes:
            rows.append("| (no routes configured) | | | | | | | | |")
        return "\n".join([*rows, "", f"Alerts after this pass: {self.summary()}"])
