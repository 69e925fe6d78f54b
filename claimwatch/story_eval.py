"""Replay labelled stories and score their stance-change alerts (`evaluate --stories`).

Each story folder (devset/stories/<id>/) holds its articles, a `manifest.yaml` as in
`seeds/`, the user's `topics.yaml` (and `actors.yaml` where the gazetteer lacks a side)
and `labels.yaml`: per article, the position each side takes in it, what it recalls as
earlier (`past`), and the story's reversals. A story is replayed into a fresh SQLite file,
exactly as `claimwatch replay` would, and its stance-change alerts are compared with the
labels:

- an alert is right when the labels show its side at the alert's new stance in the
  article that raised it, and at another stance just before (its latest position in an
  earlier article, or, with none, the one that article recalls as past);
- a reversal (deny or evade <-> confirm) is alerted on time when an alert of that side
  with the new stance comes within one day of the reversal's first article;
- a false reversal is an alert of a reversal no label has.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claimwatch.corpus import CorpusEntry, read_manifest
from claimwatch.errors import CorpusError, DocumentError
from claimwatch.pipeline import replay_entry
from claimwatch.yamlfile import read_yaml
from extractors.watchlist import load_watchlist
from storage.db import close_database, open_database

REVERSAL = {frozenset({"deny", "confirm"}), frozenset({"evade", "confirm"})}


@dataclass(frozen=True)
class Reversal:
    """A labelled change of one side between deny/evade and confirm."""

    side: str
    before: str
    after: str
    first_file: str


@dataclass
class StoryLabels:
    """What a careful reader marked in one story."""

    sides: dict[str, dict[str, str]]  # file -> side -> stance
    past: dict[str, dict[str, str]]
    reversals: list[Reversal]


@dataclass
class StoryScore:
    """One story's alerts against its labels."""

    story: str
    alerts: int = 0
    right: int = 0
    high: int = 0
    high_right: int = 0
    reversals: int = 0
    on_time: int = 0
    delays: list[int] = field(default_factory=list)  # days, of the reversals alerted at all
    false_reversals: int = 0
    failed: list[str] = field(default_factory=list)  # articles that could not be read
    wrong: list[str] = field(default_factory=list)  # the wrong alerts, for reading

    def add(self, other: StoryScore) -> None:
        for name in (
            "alerts",
            "right",
            "high",
            "high_right",
            "reversals",
            "on_time",
            "false_reversals",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.delays += other.delays
        self.failed += other.failed
        self.wrong += other.wrong

    def as_dict(self) -> dict[str, object]:
        return {
            "alerts": self.alerts,
            "precision": _ratio(self.right, self.alerts),
            "high": self.high,
            "high_precision": _ratio(self.high_right, self.high),
            "reversals": self.reversals,
            "reversals_on_time": self.on_time,
            "delays_days": self.delays,
            "false_reversals": self.false_reversals,
            "failed": self.failed,
        }


def _ratio(part: int, whole: int) -> float | None:
    """A rounded share, or None when there is nothing to share (no alerts)."""
    return round(part / whole, 3) if whole else None


def _stances(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorpusError(f"{where}: expected a mapping of side to stance")
    return {str(k): str(v) for k, v in value.items()}


def read_labels(folder: Path) -> StoryLabels:
    """The story's `labels.yaml`."""
    path = folder / "labels.yaml"
    if not path.exists():
        raise CorpusError(f"{folder}: no labels.yaml")
    data = read_yaml(path, CorpusError)
    if not isinstance(data, dict) or not isinstance(data.get("positions"), list):
        raise CorpusError(f"{path}: `positions` must be a list")
    sides: dict[str, dict[str, str]] = {}
    past: dict[str, dict[str, str]] = {}
    for n, item in enumerate(data["positions"]):
        where = f"{path}: positions[{n}]"
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise CorpusError(f"{where}: needs a `file`")
        sides[item["file"]] = _stances(item.get("sides"), where)
        past[item["file"]] = _stances(item.get("past"), where)
    reversals = []
    for n, item in enumerate(data.get("reversals") or []):
        try:
            reversals.append(Reversal(item["side"], item["from"], item["to"], item["first_file"]))
        except (KeyError, TypeError) as exc:
            raise CorpusError(
                f"{path}: reversals[{n}] needs side, from, to and first_file"
            ) from exc
    return StoryLabels(sides, past, reversals)


def story_folders(root: Path) -> list[Path]:
    """The story folders under `root` (each with a manifest.yaml), by name."""
    if not root.is_dir():
        raise CorpusError(f"stories folder not found: {root}")
    folders = sorted(p.parent for p in root.glob("*/manifest.yaml"))
    if not folders:
        raise CorpusError(f"no stories (folders with manifest.yaml) in {root}")
    return folders


def replay_story(
    folder: Path, entries: list[CorpusEntry], default_actors: Path
) -> tuple[list[dict], list[str]]:
    """The story's alerts when its manifest `entries` are replayed into a fresh database,
    each with the `file` of the article that raised it, and the articles that failed."""
    actors = folder / "actors.yaml"
    watchlist = load_watchlist(
        folder / "topics.yaml", actors if actors.exists() else default_actors
    )
    alerts: list[dict] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="claimwatch-story-") as tmp:
        sessions = open_database(f"sqlite:///{Path(tmp) / 'story.db'}")
        for entry in entries:
            try:
                raised = replay_entry(sessions, entry, watchlist)
            except DocumentError as exc:
                failed.append(f"{entry.path.name}: {exc}")
                continue
            alerts += [{**alert, "file": entry.path.name} for alert in raised]
        close_database(sessions)
    return alerts, failed


def score_story(
    story: str, alerts: list[dict], labels: StoryLabels, dates: dict[str, dt.date]
) -> StoryScore:
    """Compare one story's alerts with its labels (see the module's docstring)."""
    score = StoryScore(story)
    order = sorted(dates, key=lambda name: dates[name])
    changes = [a for a in alerts if a.get("kind") == "stance_change"]
    for alert in changes:
        side, after = alert["group"], alert["after"]
        name = alert["file"]  # the article that raised it
        earlier = [labels.sides.get(f, {}).get(side) for f in order if dates[f] < dates[name]]
        known = [stance for stance in earlier if stance]
        previous = known[-1] if known else labels.past.get(name, {}).get(side)
        right = labels.sides.get(name, {}).get(side) == after["stance"] and previous not in (
            None,
            after["stance"],
        )
        high = alert["severity"] == "high"
        score.alerts += 1
        score.right += right
        score.high += high
        score.high_right += high and right
        if not right:
            score.wrong.append(f"{story}: {alert['title']} ({name}, {alert['severity']})")
        flip = frozenset({alert["before"]["stance"], after["stance"]})
        if flip in REVERSAL and not any(
            r.side == side and r.after == after["stance"] for r in labels.reversals
        ):
            score.false_reversals += 1
    for reversal in labels.reversals:
        score.reversals += 1
        first = dates[reversal.first_file]
        days = [
            (dt.date.fromisoformat(str(a["after"]["published"])[:10]) - first).days
            for a in changes
            if a["group"] == reversal.side and a["after"]["stance"] == reversal.after
        ]
        late = [d for d in days if d >= 0]  # an alert before the first article is no alert of it
        if late:
            score.delays.append(min(late))
            score.on_time += min(late) <= 1
    return score


def evaluate_stories(
    root: Path, default_actors: Path, done: Callable[[], None] = lambda: None
) -> list[StoryScore]:
    """Replay and score every story under `root`; `done` is called after each story."""
    scores = []
    for folder in story_folders(root):
        labels = read_labels(folder)
        entries = read_manifest(folder)
        dates = {entry.path.name: entry.published for entry in entries}
        alerts, failed = replay_story(folder, entries, default_actors)
        score = score_story(folder.name, alerts, labels, dates)
        score.failed = failed
        scores.append(score)
        done()
    return scores


def total(scores: list[StoryScore]) -> StoryScore:
    """All stories together."""
    result = StoryScore("total")
    for score in scores:
        result.add(score)
    return result
