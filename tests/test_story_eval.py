"""`claimwatch evaluate --stories`: the scoring rules, and the command on the story set."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from claimwatch.story_eval import Reversal, StoryLabels, score_story
from tests.conftest import ROOT, run_cli

DATES = {
    "a.txt": dt.date(2024, 1, 1),
    "b.txt": dt.date(2024, 1, 5),
    "c.txt": dt.date(2024, 1, 9),
}
LABELS = StoryLabels(
    sides={"a.txt": {"x": "deny"}, "b.txt": {"x": "deny"}, "c.txt": {"x": "confirm"}},
    past={"c.txt": {"x": "deny"}},
    reversals=[Reversal("x", "deny", "confirm", "c.txt")],
)


def _alert(file: str, before: str, after: str, severity: str = "high") -> dict:
    return {
        "kind": "stance_change",
        "group": "x",
        "severity": severity,
        "title": f"X now {after}s",
        "file": file,
        "before": {"stance": before},
        "after": {"stance": after, "published": DATES[file].isoformat()},
    }


def test_a_reversal_alerted_on_its_first_article_is_right_and_on_time() -> None:
    score = score_story("s", [_alert("c.txt", "deny", "confirm")], LABELS, DATES)
    assert (score.alerts, score.right, score.high_right) == (1, 1, 1)
    assert (score.on_time, score.delays, score.false_reversals) == (1, [0], 0)


def test_a_reversal_on_the_wrong_article_is_wrong_false_and_not_on_time() -> None:
    score = score_story("s", [_alert("b.txt", "deny", "confirm")], LABELS, DATES)
    assert (score.right, score.on_time, score.delays) == (0, 0, [])
    assert score.wrong == ["s: X now confirms (b.txt, high)"]
    # the labels have a reversal of x to confirm, so this is early, not a false reversal
    assert score.false_reversals == 0
    control = StoryLabels(LABELS.sides, LABELS.past, reversals=[])
    assert score_story("s", [_alert("b.txt", "deny", "confirm")], control, DATES).false_reversals


def test_a_late_alert_counts_its_delay() -> None:
    dates = {**DATES, "d.txt": dt.date(2024, 1, 12)}
    labels = StoryLabels({**LABELS.sides, "d.txt": {"x": "confirm"}}, LABELS.past, LABELS.reversals)
    alert = _alert("c.txt", "deny", "confirm") | {"file": "d.txt"}
    alert["after"] = {"stance": "confirm", "published": "2024-01-12"}
    score = score_story("s", [alert], labels, dates)
    assert (score.on_time, score.delays) == (0, [3])
    assert score.right == 0  # d.txt's confirm was no change: c.txt already confirmed


def test_evaluate_stories_prints_every_story_and_the_total() -> None:
    done = run_cli("evaluate", "--stories", "--json")
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    stories = {p.parent.name for p in (ROOT / "devset" / "stories").glob("*/manifest.yaml")}
    assert set(scores) == stories | {"total"}
    total = scores["total"]
    assert total["reversals"] == sum(scores[s]["reversals"] for s in stories)
    assert total["failed"] == []
    # the floors of devset/stories/floors.yaml
    floors = yaml.safe_load((ROOT / "devset" / "stories" / "floors.yaml").read_text("utf-8"))
    measured = {
        "precision": total["precision"],
        "high_precision": total["high_precision"],
        "reversals_on_time_share": total["reversals_on_time"] / max(total["reversals"], 1),
    }
    below = {k: (v, floors[k]) for k, v in measured.items() if v < floors[k]}
    assert not below, f"devset/stories below the floor (score, floor): {below}"
    assert total["false_reversals"] <= floors["false_reversals_at_most"]


def test_a_missing_stories_folder_is_one_line(tmp_path: Path) -> None:
    done = run_cli("evaluate", "--stories", str(tmp_path / "none"))
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "stories folder not found" in done.stderr


def test_stories_heldout_and_attribution_are_one_choice() -> None:
    for combined in (["--stories", "--heldout"], ["--stories", "--attribution", "x"]):
        done = run_cli("evaluate", *combined)
        assert done.returncode == 2
        assert "not allowed with" in done.stderr and done.stderr.count("\n") == 1
