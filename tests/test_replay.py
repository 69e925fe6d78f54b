"""`claimwatch replay seeds` end to end through the command, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.conftest import SEEDS, run_cli


def replay(corpus: Path, db: str, *extra: str) -> list[dict]:
    result = run_cli("replay", str(corpus), "--db", db, *extra)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def group_changes(alerts: list[dict], group: str) -> list[tuple[str, str, str]]:
    return [
        (a["before"]["stance"], a["after"]["stance"], a["after"]["published"])
        for a in alerts
        if a["kind"] == "stance_change" and a["group"] == group
    ]


def test_replay_seeds_tells_the_story(database_url: str) -> None:
    alerts = replay(SEEDS, database_url)
    for alert in alerts:
        assert {"kind", "topic", "actor", "group", "severity", "before", "after"} <= set(alert)
        for side in ("after", "before"):
            if alert[side] is not None:
                assert {"stance", "numbers", "published", "quote", "source"} <= set(alert[side])
    russia = group_changes(alerts, "russia")
    assert ("deny", "evade", "2024-10-24") in russia
    assert any(
        after == "confirm" and date == "2025-04-26" and before in ("deny", "evade")
        for before, after, date in russia
    )
    headline = [
        a
        for a in alerts
        if a["kind"] == "stance_change"
        and (a["before"]["stance"], a["after"]["stance"]) == ("deny", "confirm")
    ]
    assert len(headline) == 1 and headline[0]["severity"] == "high"
    # on strong evidence: a body sentence, the speaker named
    assert headline[0]["after"]["confidence"] == "high"
    assert "headline" not in headline[0]["after"]["evidence"]
    assert headline[0]["after"]["evidence"][0] in ("named", "source")
    luka = [a for a in alerts if a["kind"] == "new_actor" and a["actor"] == "lukashenko"]
    assert len(luka) == 1 and luka[0]["after"]["stance"] == "deny" and luka[0]["before"] is None
    figures = [a for a in alerts if a["kind"] == "number_change"]
    assert any(
        n["value"] == 10000 and n["qualifier"] == "up_to"
        for a in figures
        for n in a["after"]["numbers"]
    )
    assert any(
        n["value"] == 3000 and n["qualifier"] == "at_least"
        for a in figures
        for n in a["after"]["numbers"]
    )
    assert {
        ("zelensky", "accuse"),
        ("united-states", "assert"),
        ("ukraine-intelligence", "assert"),
    } <= {(a["actor"], a["after"]["stance"]) for a in alerts if a["kind"] == "new_actor"}
    # a second replay into the same database prints nothing
    assert replay(SEEDS, database_url) == []


def test_newest_first_gives_the_same_ledger_and_no_reversal(
    tmp_path: Path, sqlite_url: str
) -> None:
    corpus = tmp_path / "reversed"
    shutil.copytree(SEEDS, corpus)
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["articles"].sort(key=lambda a: str(a["published"]), reverse=True)
    (corpus / "manifest.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )

    reversed_alerts = replay(corpus, sqlite_url, "--order", "manifest")
    for alert in reversed_alerts:
        if alert["kind"] == "stance_change":
            assert (alert["before"]["stance"], alert["after"]["stance"]) != ("confirm", "deny")
            assert alert["after"]["published"] >= alert["before"]["published"]
    assert not [
        a for a in reversed_alerts if a["kind"] == "stance_change" and a["group"] == "russia"
    ]

    in_order_db = f"sqlite:///{tmp_path / 'in-order.db'}"
    replay(SEEDS, in_order_db)
    timeline_reversed = run_cli("timeline", "nk-troops", "--json", "--db", sqlite_url)
    timeline_in_order = run_cli("timeline", "nk-troops", "--json", "--db", in_order_db)
    assert timeline_reversed.returncode == 0 and timeline_in_order.returncode == 0

    def ledger(stdout: str) -> list[dict]:
        rows = [json.loads(line) for line in stdout.splitlines()]
        return [{**row, "source": Path(row["source"]).name} for row in rows]

    assert ledger(timeline_reversed.stdout) == ledger(timeline_in_order.stdout)
    assert len(ledger(timeline_in_order.stdout)) >= 15


def test_replay_skips_a_bad_document_and_goes_on(tmp_path: Path, sqlite_url: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "broken.html.gz").write_bytes(b"not gzip at all")
    manifest = yaml.safe_load((corpus / "manifest.yaml").read_text(encoding="utf-8"))
    manifest["articles"].insert(0, {"file": "broken.html.gz", "published": "2024-10-01"})
    manifest["articles"].insert(0, {"file": "missing.txt", "published": "2024-10-02"})
    (corpus / "manifest.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    result = run_cli("replay", str(corpus), "--db", sqlite_url)
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("claimwatch: ") for line in errors)
    assert "broken.html.gz" in result.stderr and "missing.txt" in result.stderr
    assert "Traceback" not in result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert any(a["kind"] == "stance_change" and a["after"]["stance"] == "confirm" for a in alerts)


def test_timeline_table(sqlite_url: str) -> None:
    replay(SEEDS, sqlite_url)
    result = run_cli("timeline", "nk-troops", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["date", "actor", "stance", "quote"]
    assert any(line.startswith("2025-04-26") and "confirm" in line for line in lines)
    assert lines[2].startswith("2024-10-13")
