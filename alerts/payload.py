"""An alert's content: the change, who, before and after with quotes and sources. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from alerts.changes import Change
from extractors.claims import REPORTS
from extractors.watchlist import title_case

VERBS = {
    "confirm": "confirms",
    "deny": "denies",
    "evade": "evades",
    "assert": "asserts",
    "accuse": "accuses",
    "doubt": "doubts",
}
# unnamed sources speak in the plural: `Reports say`, not `Reports asserts`
UNNAMED = frozenset({REPORTS.id})
PLURAL = {
    "confirm": "confirm",
    "deny": "deny",
    "evade": "evade",
    "assert": "say",
    "accuse": "accuse",
    "doubt": "doubt",
}


def display(identifier: str, names: Mapping[str, str] | None = None) -> str:
    """An actor's or side's name for people: from `names` (an alert's payload keeps the
    watch list's display names), else the id in title case."""
    return (names or {}).get(identifier) or title_case(identifier)


def verb(identifier: str, stance: str) -> str:
    """The stance as a verb for this speaker: `confirms`; `say` for unnamed sources."""
    if identifier in UNNAMED:
        return PLURAL.get(stance, stance)
    return VERBS.get(stance, stance)


def headline(change: Change, topic_title: str, names: Mapping[str, str] | None = None) -> str:
    """The change in a few words: `Russia now confirms: North Korean troops fighting for Russia`."""
    stance = change.after.stance
    who, said = display(change.subject, names), verb(change.subject, stance)
    if change.kind == "stance_change":
        how = f" ({change.detail})" if change.detail else ""
        return f"{who} now {said}{how}: {topic_title}"
    if change.kind == "new_actor":
        return f"New voice: {who} {said}: {topic_title}"
    if change.kind == "corroboration":
        return f"{change.detail} also reports that {who} {said}: {topic_title}"
    return f"{topic_title}: {change.detail.replace('->', ' -> ')} {change.subject}"


def alert_payload(
    change: Change,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    topic_title: str,
    name: Callable[[str], str] = title_case,
) -> dict[str, Any]:
    """The alert as JSON: the contract fields first, then what chat and mail need
    (`names`: the display name of each actor and side it mentions)."""
    ids = [change.after.actor, change.after.group]
    ids += [change.subject] if change.scope != "topic" else []
    ids += [before["actor"], before["group"]] if before else []
    names = {identifier: name(identifier) for identifier in dict.fromkeys(ids)}
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
        "title": headline(change, topic_title, names),
        "key": change.key,
        "names": names,
    }
