"""The story so far, per topic: where each side stands, positions over time, the figures.

Built from a topic's ledger (`storage.ledger.timeline`), for the `story-<topic>` artifact
of each pass and the chart of `claimwatch timeline --chart`. Pure: rows in, a Story out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from alerts.payload import display
from storage.outbox import outlet_name

if TYPE_CHECKING:
    from storage.models import Article, Claim

# which stance is a side's position when it said several things on one day
STRENGTH = ("confirm", "deny", "evade", "doubt", "accuse", "assert")


@dataclass(frozen=True)
class Said:
    """One claim of the ledger, as the story shows it."""

    published: date
    side: str
    actor: str
    stance: str
    quote: str
    source: str  # URL or file path
    outlet: str  # the outlet, else the site, else the file name (`storage.outbox.outlet_name`)
    headline: bool  # the quote is the article's title
    numbers: tuple[tuple[int, str, str | None], ...] = ()  # (value, qualifier, counts)


@dataclass(frozen=True)
class Figure:
    """A figure of the story that differs from the one before it (same counted thing)."""

    published: date
    counts: str
    value: int
    qualifier: str
    actor: str
    previous: int | None  # the value before, None for the first figure
    previous_qualifier: str | None = None


@dataclass(frozen=True)
class Position:
    """Where a side stands: its latest stance, since when, and the best quote for it."""

    side: str
    stance: str
    since: date  # the first day of the latest run of this stance
    said: Said  # the claim that shows it


@dataclass
class Story:
    """A topic's ledger summarised: sides in order, their positions, periods, figures."""

    topic: str
    title: str
    said: list[Said]
    sides: list[str]
    names: dict[str, str]
    current: dict[str, Position]
    periods: list[tuple[str, date, date]]  # (label, first day, last day), oldest first
    cells: dict[tuple[str, int], str] = field(default_factory=dict)  # (side, period) -> stance
    figures: list[Figure] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return len({s.source for s in self.said})


def said_of(rows: Iterable[tuple[Claim, Article]]) -> list[Said]:
    """The ledger rows (`storage.ledger.timeline`) as the story reads them."""
    out = []
    for claim, article in rows:
        numbers = tuple(
            (int(n["value"]), str(n["qualifier"]), n.get("counts")) for n in claim.numbers or []
        )
        out.append(
            Said(
                published=claim.published,
                side=claim.group,
                actor=claim.actor,
                stance=claim.stance,
                quote=claim.quote,
                source=article.url or article.path or article.key,
                outlet=outlet_name(article),
                headline=" ".join(claim.quote.split()) == " ".join(article.title.split()),
                numbers=numbers,
            )
        )
    return sorted(out, key=lambda s: s.published)


def build_story(
    topic: str,
    title: str,
    said: list[Said],
    name: Callable[[str], str] = display,
    about: Collection[str] = (),
    max_periods: int = 8,
) -> Story:
    """The story of one topic. Sides the topic is `about` come first, then the others by
    how much they said; periods are days, weeks or months, whichever fits the span."""
    said = sorted(said, key=lambda s: s.published)
    days: dict[str, dict[date, list[Said]]] = {}  # side -> day -> what it said that day
    for item in said:
        days.setdefault(item.side, {}).setdefault(item.published, []).append(item)
    sides = sorted(days, key=lambda side: (side not in about, -sum(map(len, days[side].values()))))
    names = {side: name(side) for side in sides}
    names |= {actor: name(actor) for actor in dict.fromkeys(s.actor for s in said)}
    periods = _periods([s.published for s in said], max_periods)
    current = {side: _position(side, by_day) for side, by_day in days.items()}
    story = Story(topic, title, said, sides, names, current, periods, figures=_figures(said))
    for side, by_day in days.items():
        for index, (_label, first, last) in enumerate(periods):
            within = [day for day in by_day if first <= day <= last]
            if within:
                story.cells[(side, index)] = position_of(by_day[max(within)]).stance
    return story


def position_of(that_day: list[Said]) -> Said:
    """What a side said on one day: the strongest stance, a body sentence rather than the
    headline."""
    return min(that_day, key=lambda s: (_strength(s.stance), s.headline))


def daily(story: Story, side: str) -> list[Said]:
    """A side's position on each day it spoke, oldest first (for the chart's lanes)."""
    by_day: dict[date, list[Said]] = {}
    for item in story.said:
        if item.side == side:
            by_day.setdefault(item.published, []).append(item)
    return [position_of(by_day[day]) for day in sorted(by_day)]


def _position(side: str, by_day: dict[date, list[Said]]) -> Position:
    """A side's latest position, and since when it has held it: back through the days
    whose position was the same."""
    days = sorted(by_day)
    now = position_of(by_day[days[-1]])
    since = days[-1]
    for day in reversed(days):
        if position_of(by_day[day]).stance != now.stance:
            break
        since = day
    return Position(side, now.stance, since, now)


def _strength(stance: str) -> int:
    return STRENGTH.index(stance) if stance in STRENGTH else len(STRENGTH)


def _periods(days: list[date], limit: int) -> list[tuple[str, date, date]]:
    """The periods that hold claims: days, weeks or months, the finest that gives at most
    `limit` of them (a story told on four days shows those four days); past months only
    the latest `limit`."""
    if not days:
        return []
    for unit in (_day, _week, _month):
        periods = sorted({unit(day) for day in days}, key=lambda p: p[1])
        if len(periods) <= limit:
            return periods
    return periods[-limit:]


def _day(day: date) -> tuple[str, date, date]:
    return (day.isoformat(), day, day)


def _week(day: date) -> tuple[str, date, date]:
    monday = day - timedelta(days=day.weekday())
    return (f"week of {monday.isoformat()}", monday, monday + timedelta(days=6))


def _month(day: date) -> tuple[str, date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (first.strftime("%b %Y"), first, following - timedelta(days=1))


def _figures(said: list[Said]) -> list[Figure]:
    """Each counted thing's figures where they change, in date order."""
    last: dict[str, tuple[int, str]] = {}
    out = []
    for item in said:
        for value, qualifier, counts in item.numbers:
            before = last.get(counts) if counts is not None else None
            if counts is None or (before is not None and before[0] == value):
                continue
            previous, previous_qualifier = before if before else (None, None)
            out.append(
                Figure(
                    item.published,
                    counts,
                    value,
                    qualifier,
                    item.actor,
                    previous,
                    previous_qualifier,
                )
            )
            last[counts] = (value, qualifier)
    return out


def as_dict(story: Story) -> dict[str, Any]:
    """The story as JSON (for `timeline --story --json` and tests)."""
    return {
        "topic": story.topic,
        "title": story.title,
        "sides": [
            {
                "side": side,
                "name": story.names[side],
                "stance": story.current[side].stance,
                "since": story.current[side].since.isoformat(),
                "published": story.current[side].said.published.isoformat(),
                "actor": story.current[side].said.actor,
                "quote": story.current[side].said.quote,
                "source": story.current[side].said.source,
                "timeline": [story.cells.get((side, i)) for i in range(len(story.periods))],
            }
            for side in story.sides
        ],
        "periods": [label for label, _first, _last in story.periods],
        "figures": [
            {
                "published": f.published.isoformat(),
                "counts": f.counts,
                "value": f.value,
                "qualifier": f.qualifier,
                "actor": f.actor,
                "previous": f.previous,
            }
            for f in story.figures
        ],
    }
