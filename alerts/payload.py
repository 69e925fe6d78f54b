"""An alert's content: the change, who, before and after with quotes and sources. Pure."""

from __future__ import annotations

from typing import Any

from alerts.changes import Change

VERBS = {
    "confirm": "confirms",
    "deny": "denies",
    "evade": "evades",
    "assert": "asserts",
    "accuse": "accuses",
    "doubt": "doubts",
}


def display(identifier: str) -> str:
    """`russia` -> `Russia`, `united-states` -> `United States`; names stay as they are."""
    if identifier != identifier.lower():
        return identifier
    return " ".join(part.capitalize() for part in identifier.split("-"))


def headline(change: Change, topic_title: str) -> str:
    """The change in a few words: `Russia now confirms: North Korean troops fighting for Russia`."""
    after = change.after
    who = display(change.subject)
    if change.kind == "stance_change":
        return f"{who} now {VERBS[after.stance]}: {topic_title}"
    if change.kind == "new_actor":
        return f"New voice: {who} {VERBS[after.stance]}: {topic_title}"
    if change.kind == "corroboration":
        return f"{change.detail} also reports that {who} {VERBS[after.stance]}: {topic_title}"
    return f"{topic_title}: {change.detail.replace('->', ' -> ')} {change.subject}"


def alert_payload(
    change: Change,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    topic_title: str,
) -> dict[str, Any]:
    """The alert as JSON: the contract fields first, then what chat and mail need."""
    return {
        "kind": change.kind,
        "topic": change.topic,
        "actor": change.after.actor,
        "group": change.after.group,
        "severity": change.severity,
        "before": before,
        "after": after,
        "scope": change.scope,
        "subject": change.subject,
        "title": headline(change, topic_title),
        "key": change.key,
    }
