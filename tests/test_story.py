"""The story at a glance: the pass artifact most important first, the `story-<topic>`
artifact of each topic, and the readable names they use."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import httpx
import pytest
from prefect.logging.handlers import APILogHandler

from alerts.story import Said, build_story
from flows.monitor import monitor
from flows.report import story_key, story_markdown
from tests.conftest import run_cli, write_feeds
from tests.localsite import LocalSite


def _said(day: str, side: str, stance: str, actor: str | None = None, **more: object) -> Said:
    values: dict = {
        "published": date.fromisoformat(day),
        "side": side,
        "actor": actor or side,
        "stance": stance,
        "quote": f"{side} {stance} on {day}",
        "source": f"https://example.org/{day}",
        "outlet": "Example",
        "headline": False,
    }
    return Said(**(values | more))


def test_a_side_stands_where_it_last_stood_since_that_stance_began() -> None:
    said = [
        _said("2024-10-13", "russia", "deny"),
        _said("2024-10-24", "russia", "evade", "putin"),
        _said("2025-04-26", "russia", "confirm", headline=True, quote="Russia confirms"),
        _said("2025-04-26", "russia", "evade", "peskov"),
        _said("2025-04-26", "russia", "confirm", "gerasimov", quote="our soldiers fought"),
        _said("2025-04-27", "russia", "confirm", "putin"),
        _said("2024-10-13", "ukraine", "accuse", "zelensky"),
    ]
    story = build_story("t", "T", said, about={"russia"})
    russia = story.current["russia"]
    # on one day the strongest stance decides, and a body sentence beats the headline
    assert (russia.stance, russia.since) == ("confirm", date(2025, 4, 26))
    assert russia.said.published == date(2025, 4, 27)
    assert story.sides == ["russia", "ukraine"]
    # four days with claims: a column per day, deny -> evade -> confirm readable in a row
    assert [p[0] for p in story.periods] == ["2024-10-13", "2024-10-24", "2025-04-26", "2025-04-27"]
    row = [story.cells.get(("russia", i)) for i in range(4)]
    assert row == ["deny", "evade", "confirm", "confirm"]
    same_day = build_story("t", "T", said[2:5])
    assert same_day.current["russia"].said.quote == "our soldiers fought"


def test_periods_grow_to_weeks_and_months_when_days_would_not_fit() -> None:
    days = [f"2024-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in (1, 9, 17)]
    story = build_story("t", "T", [_said(day, "a", "assert") for day in days], max_periods=8)
    assert [p[0] for p in story.periods] == ["Jan 2024", "Feb 2024", "Mar 2024"]
    weeks = build_story("t", "T", [_said(d, "a", "assert") for d in days[:6]], max_periods=6)
    assert weeks.periods[0][0].startswith("2024-01-01")  # six days fit: still days
    many = [f"2024-{m:02d}-01" for m in range(1, 13)]
    story = build_story("t", "T", [_said(day, "a", "assert") for day in many], max_periods=8)
    assert len(story.periods) == 8 and story.periods[-1][0] == "Dec 2024"


def test_figures_list_only_changes_and_the_story_renders_them() -> None:
    said = [
        _said("2024-10-13", "isw", "assert", numbers=((1000, "thousands", "soldiers"),)),
        _said("2024-10-25", "us", "assert", numbers=((3000, "at_least", "soldiers"),)),
        _said("2024-10-26", "kp", "assert", numbers=((3000, "exact", "soldiers"),)),
    ]
    story = build_story("t", "Troops", said, name=lambda i: i.upper())
    assert [(f.value, f.previous, f.previous_qualifier) for f in story.figures] == [
        (1000, None, None),
        (3000, 1000, "thousands"),
    ]
    text = story_markdown(story)
    assert "**at least 3,000 soldiers**, US (before: thousands of soldiers)" in text
    assert "| **ISW** | \U0001f7e6 assert |" in text


def test_story_keys_are_prefect_safe_and_distinct() -> None:
    assert story_key("nk-troops") == "story-nk-troops"
    odd = [story_key(t) for t in ("NK_troops", "nk troops", "Ölpreis")]
    assert len(set(odd)) == 3
    assert all(
        k == k.lower() and set(k) <= set("abcdefghijklmnopqrstuvwxyz0123456789-") for k in odd
    )


def test_alert_titles_use_display_names_and_a_plain_verb_for_reports(sqlite_url: str) -> None:
    result = run_cli("replay", "seeds", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    titles = {a["actor"]: a["title"] for a in alerts if a["kind"] == "new_actor"}
    assert titles["isw"].startswith("New voice: ISW asserts")
    assert titles["eu"].startswith("New voice: EU asserts")
    assert titles["kyiv-post"].startswith("New voice: Kyiv Post asserts")
    assert titles["reports"].startswith("New voice: Reports say:")
    assert all(a["names"][a["actor"]] for a in alerts)


@pytest.fixture
def seed_pass(prefect_api: str, site: LocalSite, sqlite_url: str, tmp_path: Path, monkeypatch):
    config = write_feeds(tmp_path / "config", [{"name": "rss", "url": site.url("/rss.xml")}])
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", sqlite_url)
    state = monitor(config_dir=str(config), return_state=True)
    assert state.is_completed(), state.message
    APILogHandler().flush()
    run_id = str(state.state_details.flow_run_id)
    where = {"flow_run_id": {"any_": [run_id]}}
    with httpx.Client(base_url=prefect_api, timeout=30) as client:
        artifacts = client.post("/artifacts/filter", json={"artifacts": where}).json()
        run = client.get(f"/flow_runs/{run_id}").json()
    return state, {a["key"]: a for a in artifacts}, run


def test_a_seed_pass_leads_with_the_confirmation_and_publishes_the_story(seed_pass) -> None:
    state, artifacts, run = seed_pass
    alerts = state.result().alerts
    top = next(a for a in alerts if a["severity"] == "high")
    assert top["title"].startswith("Russia now confirms")

    pass_md = artifacts["claimwatch-pass"]["data"]
    first_change = next(line for line in pass_md.splitlines() if line.startswith("- **"))
    assert "Russia now confirms" in first_change and "(high)" in first_change
    assert pass_md.index("## High") < pass_md.index("## Medium") < pass_md.index("## New voices")
    voices = pass_md.split("## New voices")[1].split("##")[0]
    assert voices.count("\n- ") == 1, "new voices are one line per topic"
    assert "Kyiv Post asserts" in voices and "ISW asserts" in voices and "Isw" not in pass_md

    headline = f"{top['title']} (+{len(alerts) - 1} more)"
    assert artifacts["claimwatch-pass"]["description"] == headline
    assert run["state"]["message"].startswith(headline)
    assert re.fullmatch(r"pass \d{4}-\d\d-\d\d \d\d:\d\d UTC", run["name"]), run["name"]

    story = artifacts["story-nk-troops"]
    table = story["data"].split("## Where each side stands")[1].split("##")[0]
    rows = [line for line in table.splitlines() if line.startswith("| **")]
    shown = [line.split("**")[1] for line in rows]
    assert len(shown) == len(set(shown)), "a row per side"
    assert {a["names"][a["group"]] for a in alerts} <= set(shown), "every side of the ledger"
    russia = next(line for line in rows if line.startswith("| **Russia**"))
    assert "\U0001f7e9 confirm" in russia and "2025-04-26" in russia
    assert "Russia confirm since 2025-04-26" in story["description"]
    over_time = story["data"].split("## Positions over time")[1]
    russia_row = next(line for line in over_time.splitlines() if line.startswith("| Russia |"))
    assert russia_row.index("deny") < russia_row.index("evade") < russia_row.index("confirm")
