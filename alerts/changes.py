"""What changed in the story: pure functions over the ledger, no database.

The ledger is every claim on a topic ordered by the article's publication date (then
article key, then place in the article), never by arrival. Changes are computed for
the claims that just arrived, against what was said before them:

- `new_actor`: the first claim ever of an actor (or of a side) on the topic.
- `stance_change`: an actor's (or side's) polarity differs from its latest earlier one.
  Within one article the most decisive claim speaks for it (an admission outweighs a
  hedge in the same text). One change is one alert: when a side changes in an article,
  its speakers' own changes there are the same news and are not raised again.
  Articles of one day (their time is not known) are read with the statements that keep
  the earlier position first, so a same-day reversal is raised once, not undone by a
  stray echo of the old position sorted after it.
- `number_change`: a figure for the same topic and counted thing differs by 25 % or
  more from the latest earlier one (only figures stated as fact, not denied ones).
  A reversal (deny -> confirm, or back) is high news on strong evidence only (a named
  or cited speaker, in a body sentence on the topic); on weaker evidence it is medium and
  `unconfirmed`, and the first strong statement of the new stance after it is the high
  change, `confirmed`.
- `corroboration`: another outlet repeats an actor's assert. Syndicated copies of one
  wire story carry no claims of their own, so they never count; an article whose outlet
  is unknown cannot be called independent, so it neither corroborates nor is corroborated.

A claim that arrives late, with later statements already known, never reads as a
reversal: a change is raised only where the new statement is the latest known one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from extractors.cues import POLARITY

DECISIVENESS = {"confirm": 3, "deny": 3, "accuse": 2, "assert": 2, "evade": 1, "doubt": 1}
VAGUE = frozenset({"thousands", "hundreds", "tens_of_thousands"})
NUMBER_THRESHOLD = 0.25
SCOPES = ("actor", "group")
REVERSIBLE = frozenset({"deny", "confirm"})
TRUST = {"high": 2, "medium": 1, "low": 0}
UNCONFIRMED = "unconfirmed"  # a reversal on weak evidence: medium, not high
CONFIRMED = "confirmed"  # the first strong statement of a reversal told as unconfirmed


@dataclass(frozen=True)
class Entry:
    """A claim as the ledger sees it."""

    claim_id: int
    article_key: str
    published: date
    position: int
    topic: str
    actor: str
    group: str
    stance: str
    numbers: tuple[tuple[int, str, str | None], ...]  # (value, qualifier, counts)
    new: bool = False
    outlet: str | None = None  # who published the article: its site name, else its host
    confidence: str | None = None  # high, medium, low (`extractors.claims.confidence`)

    @property
    def order(self) -> tuple:
        return (self.published, self.article_key, self.position)

    @property
    def ref(self) -> str:
        return f"{self.article_key}#{self.position}#{self.actor}#{self.stance}"


@dataclass(frozen=True)
class Change:
    """A change worth telling: its kind, who, and the claims before and after."""

    kind: str
    topic: str
    scope: str
    subject: str
    severity: str
    before: Entry | None
    after: Entry
    detail: str = ""

    @property
    def key(self) -> str:
        before = self.before.ref if self.before else "-"
        raw = "|".join(
            [self.kind, self.topic, self.scope, self.subject, before, self.after.ref, self.detail]
        )
        return hashlib.sha256(raw.encode()).hexdigest()


def _trust(entry: Entry) -> int:
    """How far the claim's evidence goes: a claim stored before evidence was kept counts
    as strong, as every claim did then."""
    return TRUST.get(entry.confidence or "high", 0)


def _decisive(entries: list[Entry]) -> Entry:
    """The claim that speaks for an actor in one article: its strongest evidence, then the
    most decisive stance (an admission outweighs a hedge), then the first."""
    return max(entries, key=lambda e: (_trust(e), DECISIVENESS[e.stance], -e.position))


def _positions(entries: list[Entry], scope: str) -> dict[str, list[Entry]]:
    """Per subject (actor or side), one entry per article, in ledger order."""
    per_article: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        subject = entry.actor if scope == "actor" else entry.group
        per_article.setdefault((subject, entry.article_key), []).append(entry)
    result: dict[str, list[Entry]] = {}
    for (subject, _article), group in per_article.items():
        result.setdefault(subject, []).append(_decisive(group))
    return {subject: _by_day(positions) for subject, positions in result.items()}


def _by_day(positions: list[Entry]) -> list[Entry]:
    """Positions in ledger order, and within one day: those that keep the position of the
    day before first, then the others, the most decisive last."""
    positions.sort(key=lambda e: e.order)
    ordered: list[Entry] = []
    start = 0
    while start < len(positions):
        day = positions[start].published
        end = start
        while end < len(positions) and positions[end].published == day:
            end += 1
        kept = POLARITY[ordered[-1].stance] if ordered else None
        same_day = positions[start:end]
        same_day.sort(
            key=lambda e: (POLARITY[e.stance] != kept, kept is not None and DECISIVENESS[e.stance])
        )
        ordered += same_day
        start = end
    return ordered


def _reversed(earlier: list[Entry], after: str) -> Entry | None:
    """The denial (or confirmation) that `after` reverses, also through an evasion in
    between (deny, evade, confirm): the last decisive earlier position, if it is the other."""
    decided = next((e for e in reversed(earlier) if e.stance in REVERSIBLE), None)
    return decided if decided is not None and {decided.stance, after} == REVERSIBLE else None


def _confirms(positions: list[Entry], index: int) -> Entry | None:
    """What a reversal told as unconfirmed reversed, when `positions[index]` is the first
    strong statement of the new stance since then: the reversal is now confirmed."""
    current = positions[index]
    if current.stance not in REVERSIBLE or _trust(current) < TRUST["high"]:
        return None
    start = index
    while start > 0 and POLARITY[positions[start - 1].stance] == POLARITY[current.stance]:
        start -= 1
    run = positions[start:index]
    if any(_trust(e) == TRUST["high"] for e in run if e.stance == current.stance):
        return None
    if not any(e.stance == current.stance for e in run):
        return None
    return _reversed(positions[:start], current.stance)


def stance_changes(ledger: list[Entry]) -> list[Change]:
    """`new_actor` and `stance_change` for the new entries of one topic's ledger."""
    changes: list[Change] = []
    seen_pairs: set[tuple[str, str, str]] = set()
    for scope in SCOPES:
        for subject, positions in _positions(ledger, scope).items():
            known_before = any(not p.new for p in positions)
            for index, current in enumerate(positions):
                if not current.new:
                    continue
                later_known = any(not p.new for p in positions[index + 1 :])
                if index == 0:
                    if not known_before:
                        change = Change(
                            "new_actor", current.topic, scope, subject, "low", None, current
                        )
                        if _fresh(change, seen_pairs):
                            changes.append(change)
                    continue
                before = positions[index - 1]
                if later_known:
                    continue
                if POLARITY[before.stance] == POLARITY[current.stance]:
                    reversed_ = _confirms(positions, index)
                    if reversed_ is None:
                        continue
                    change = Change(
                        "stance_change",
                        current.topic,
                        scope,
                        subject,
                        "high",
                        reversed_,
                        current,
                        CONFIRMED,
                    )
                    if _fresh(change, seen_pairs):
                        changes.append(change)
                    continue
                # a reversal is told against the position it reverses (deny -> confirm),
                # as high news only on strong evidence
                reversed_ = _reversed(positions[:index], current.stance)
                strong = _trust(current) == TRUST["high"]
                change = Change(
                    "stance_change",
                    current.topic,
                    scope,
                    subject,
                    "high" if reversed_ and strong else "medium",
                    reversed_ or before,
                    current,
                    UNCONFIRMED if reversed_ and not strong else "",
                )
                if _fresh(change, seen_pairs):
                    changes.append(change)
    return _one_per_side(changes)


def _one_per_side(changes: list[Change]) -> list[Change]:
    """A side's stance change in an article stands for its speakers' own changes there
    (`Russia now confirms` once, not again for the Kremlin or for the actor `russia`)."""
    sides = {
        (c.after.article_key, c.subject)
        for c in changes
        if c.kind == "stance_change" and c.scope == "group"
    }
    return [
        c
        for c in changes
        if not (
            c.kind == "stance_change"
            and c.scope == "actor"
            and (c.after.article_key, c.after.group) in sides
        )
    ]


def _fresh(change: Change, seen: set[tuple[str, str, str]]) -> bool:
    """The side-level twin of an actor-level change (actor `russia`, side `russia`) is
    the same news: keep one."""
    before = change.before.ref if change.before else "-"
    pair = (change.kind, before, change.after.ref)
    if pair in seen:
        return False
    seen.add(pair)
    return True


@dataclass(frozen=True)
class _Figure:
    entry: Entry
    index: int
    value: int
    qualifier: str
    counts: str

    @property
    def order(self) -> tuple:
        return (*self.entry.order, self.index)


def number_changes(ledger: list[Entry]) -> list[Change]:
    """`number_change` for new figures of one topic's ledger, per counted thing."""
    series: dict[str, list[_Figure]] = {}
    for entry in ledger:
        if POLARITY[entry.stance] <= 0:
            continue
        for index, (value, qualifier, counts) in enumerate(entry.numbers):
            if counts is None or qualifier in VAGUE or value <= 0:
                continue
            series.setdefault(counts, []).append(_Figure(entry, index, value, qualifier, counts))
    changes = []
    for counts, figures in series.items():
        figures.sort(key=lambda f: f.order)
        for k, figure in enumerate(figures):
            if not figure.entry.new or k == 0:
                continue
            if any(not f.entry.new for f in figures[k + 1 :]):
                continue
            before = figures[k - 1]
            if abs(figure.value - before.value) / before.value < NUMBER_THRESHOLD:
                continue
            changes.append(
                Change(
                    "number_change",
                    figure.entry.topic,
                    "topic",
                    counts,
                    "medium",
                    before.entry,
                    figure.entry,
                    detail=f"{before.value}->{figure.value}",
                )
            )
    return changes


def corroborations(ledger: list[Entry]) -> list[Change]:
    """`corroboration` for new asserts of one topic's ledger: an actor's assert in an
    outlet that has not carried that actor's assert before, the actor's position unchanged."""
    changes = []
    for actor, positions in _positions(ledger, "actor").items():
        for index, current in enumerate(positions):
            if not current.new or current.stance != "assert" or current.outlet is None:
                continue
            if any(not p.new for p in positions[index + 1 :]):
                continue  # a later statement is known: this one is old news
            earlier = [p for p in positions[:index] if p.stance == "assert" and p.outlet]
            if not earlier or POLARITY[positions[index - 1].stance] != POLARITY["assert"]:
                continue
            if current.outlet in {p.outlet for p in earlier}:
                continue
            changes.append(
                Change(
                    "corroboration",
                    current.topic,
                    "actor",
                    actor,
                    "low",
                    earlier[-1],
                    current,
                    detail=current.outlet,
                )
            )
    return changes


def detect(ledger: Iterable[Entry]) -> list[Change]:
    """All changes that the new entries of a ledger bring, per topic, in ledger order."""
    by_topic: dict[str, list[Entry]] = {}
    for entry in ledger:
        by_topic.setdefault(entry.topic, []).append(entry)
    changes: list[Change] = []
    for entries in by_topic.values():
        entries.sort(key=lambda e: e.order)
        changes += stance_changes(entries) + number_changes(entries) + corroborations(entries)
    changes.sort(key=lambda c: (c.after.order, c.kind != "new_actor", c.scope))
    return changes
