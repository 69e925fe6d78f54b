"""Change detection over a ledger (pure functions, no database): one change is one alert."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from alerts.changes import Entry, detect


def _entry(
    n: int,
    day: str,
    article: str,
    actor: str,
    stance: str,
    new: bool = True,
    confidence: str | None = None,
) -> Entry:
    return Entry(
        claim_id=n,
        article_key=article,
        published=date.fromisoformat(day),
        position=n,
        topic="t",
        actor=actor,
        group="state",
        stance=stance,
        numbers=(),
        new=new,
        confidence=confidence,
    )


def _stance_changes(ledger: list[Entry]) -> list[tuple[str, str, str, str]]:
    return [
        (c.severity, c.before.stance, c.after.stance, c.after.article_key)
        for c in detect(ledger)
        if c.kind == "stance_change"
    ]


def test_a_side_and_its_speaker_changing_in_one_article_is_one_alert() -> None:
    ledger = [
        _entry(1, "2024-01-01", "a", "minister", "deny", new=False),
        _entry(2, "2024-01-02", "b", "spokesman", "evade", new=False),
        _entry(3, "2024-01-03", "c", "minister", "confirm"),
    ]
    changes = [c for c in detect(ledger) if c.kind == "stance_change"]
    assert len(changes) == 1, changes


def test_a_reversal_through_an_evasion_is_high_and_told_against_the_denial() -> None:
    ledger = [
        _entry(1, "2024-01-01", "a", "state", "deny", new=False),
        _entry(2, "2024-01-02", "b", "state", "evade", new=False),
        _entry(3, "2024-01-03", "c", "state", "confirm"),
    ]
    assert _stance_changes(ledger) == [("high", "deny", "confirm", "c")]


def test_an_evasion_after_a_denial_stays_medium() -> None:
    ledger = [
        _entry(1, "2024-01-01", "a", "state", "deny", new=False),
        _entry(2, "2024-01-02", "b", "state", "evade"),
    ]
    assert _stance_changes(ledger) == [("medium", "deny", "evade", "b")]


def test_a_same_day_reversal_is_raised_once_whatever_the_article_keys() -> None:
    for confirm_key, deny_key in (("b", "c"), ("c", "b")):
        ledger = [
            _entry(1, "2024-01-01", "a", "state", "deny", new=False),
            _entry(2, "2024-01-05", confirm_key, "state", "confirm"),
            _entry(3, "2024-01-05", deny_key, "state", "deny"),  # an echo of the old position
        ]
        assert _stance_changes(ledger) == [("high", "deny", "confirm", confirm_key)]


def test_a_same_day_echo_arriving_later_raises_nothing() -> None:
    ledger = [
        _entry(1, "2024-01-01", "a", "state", "deny", new=False),
        _entry(2, "2024-01-05", "c", "state", "confirm", new=False),
        _entry(3, "2024-01-05", "b", "state", "deny"),
    ]
    assert _stance_changes(ledger) == []


def _detailed(ledger: list[Entry]) -> list[tuple[str, str, str, str, str]]:
    return [
        (c.severity, c.detail, c.before.stance, c.after.stance, c.after.article_key)
        for c in detect(ledger)
        if c.kind == "stance_change" and c.scope == "actor"
    ]


def test_a_reversal_on_weak_evidence_is_medium_and_unconfirmed_until_a_strong_one() -> None:
    denial = _entry(1, "2024-01-01", "a", "state", "deny", new=False, confidence="high")
    weak = _entry(2, "2024-01-02", "b", "state", "confirm", confidence="medium")
    assert _detailed([denial, weak]) == [("medium", "unconfirmed", "deny", "confirm", "b")]
    told = replace(weak, new=False)
    again_weak = _entry(3, "2024-01-03", "c", "state", "confirm", confidence="low")
    assert _detailed([denial, told, again_weak]) == []
    strong = _entry(4, "2024-01-04", "d", "state", "confirm", confidence="high")
    assert _detailed([denial, told, strong]) == [("high", "confirmed", "deny", "confirm", "d")]
    # once confirmed, more strong confirmations are no news
    confirmed = replace(strong, new=False)
    later = _entry(5, "2024-01-05", "e", "state", "confirm", confidence="high")
    assert _detailed([denial, told, confirmed, later]) == []


def test_a_strong_reversal_is_high_at_once_and_old_claims_count_as_strong() -> None:
    denial = _entry(1, "2024-01-01", "a", "state", "deny", new=False)  # stored before evidence
    strong = _entry(2, "2024-01-02", "b", "state", "confirm", confidence="high")
    assert _detailed([denial, strong]) == [("high", "", "deny", "confirm", "b")]


def test_in_one_article_the_strongest_evidence_speaks_for_the_actor() -> None:
    denial = _entry(1, "2024-01-01", "a", "state", "deny", new=False, confidence="high")
    headline = _entry(2, "2024-01-02", "b", "state", "confirm", confidence="medium")
    body = _entry(3, "2024-01-02", "b", "state", "evade", confidence="high")
    assert _detailed([denial, headline, body]) == [("medium", "", "deny", "evade", "b")]
