"""Change detection over a ledger (pure functions, no database): one change is one alert."""

from __future__ import annotations

from datetime import date

from alerts.changes import Entry, detect


def _entry(n: int, day: str, article: str, actor: str, stance: str, new: bool = True) -> Entry:
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
