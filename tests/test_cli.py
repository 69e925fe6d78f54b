"""The command line: help everywhere, extract's JSON, one-line errors."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest

from claimwatch.cli import build_parser
from storage.db import open_database
from tests.conftest import SEEDS, run_cli


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command and sub-command the parser knows, found by walking it."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append([*prefix, name])
                found += _commands(sub, (*prefix, name))
    return found


COMMANDS = _commands(build_parser())


def test_top_level_help() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and "example:" in result.stdout
    for name in ("extract", "replay", "run", "serve", "timeline", "alerts"):
        assert name in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout and "claimwatch " + command[0] in result.stdout


def test_the_contract_commands_are_there() -> None:
    top = {c[0] for c in COMMANDS}
    assert {"extract", "replay", "run", "serve", "timeline", "alerts"} <= top
    assert ["alerts", "list"] in COMMANDS


def test_extract_prints_one_json_object_per_document(tmp_path: Path) -> None:
    page = tmp_path / "page.html.gz"
    body = (SEEDS / "001_72d36e5363322bec.txt").read_text(encoding="utf-8").split("\n\n")
    html = (
        "<html><head><title>Kein Putin-Dementi</title>"
        '<meta property="article:published_time" content="2024-10-24T12:00:00Z"></head><body>'
        "<nav><a href='/'>Startseite</a> <a href='/politik'>Politik</a></nav><article><h1>"
        + body[0]
        + "</h1>"
        + "".join(f"<p>{p}</p>" for p in body[1:-1])
        + "</article><footer>Impressum</footer></body></html>"
    )
    page.write_bytes(gzip.compress(html.encode("utf-8")))
    result = run_cli("extract", str(page), str(SEEDS / "003_41deaae23a4276fc.txt"))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["path"]).name for r in records] == ["page.html.gz", "003_41deaae23a4276fc.txt"]
    for record in records:
        assert {"path", "title", "language", "published", "text", "claims"} <= set(record)
        assert record["language"] == "de"
        for claim in record["claims"]:
            assert {"actor", "actor_text", "group", "stance", "topic", "numbers", "quote"} <= set(
                claim
            )
    html_record = records[0]
    assert html_record["published"] == "2024-10-24"
    assert "Impressum" not in html_record["text"]
    assert ("putin", "evade") in {(c["actor"], c["stance"]) for c in html_record["claims"]}


def test_extract_a_folder_and_skip_a_bad_document(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        (SEEDS / "003_41deaae23a4276fc.txt").read_text(encoding="utf-8")
    )
    (tmp_path / "b.html.gz").write_bytes(b"\x1f\x8b broken")
    (tmp_path / "c.html").write_text("just words, no markup at all", encoding="utf-8")
    result = run_cli("extract", str(tmp_path))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "b.html.gz" in lines[0] and "c.html" in lines[1]
    assert "Traceback" not in result.stderr


def test_other_languages_are_marked_unsupported(tmp_path: Path) -> None:
    text = "Le gouvernement a confirmé la présence de soldats nord-coréens en Russie, selon le ministre."
    (tmp_path / "fr.txt").write_text(f"Titre\n\n{text} " * 3, encoding="utf-8")
    record = json.loads(run_cli("extract", str(tmp_path / "fr.txt")).stdout)
    assert (
        record["language"] == "fr"
        and record["claims"] == []
        and record["claims_supported"] is False
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["replay", "no-such-folder"], "corpus folder not found"),
        (["extract", "seeds", "--topics", "missing.yaml"], "topics file not found"),
        (["timeline", "no-such-topic", "--db", "sqlite:///{tmp}/made.db"], "unknown topic"),
        (["timeline", "nk-troops", "--db", "sqlite:///{tmp}/x.db"], "x.db does not exist"),
        (["alerts", "list", "--db", "sqlite:////no/such/dir/x.db"], "does not exist"),
        (["alerts", "list", "--db", "postgresql://u:p@127.0.0.1:9/x"], "cannot open the database"),
        (["replay", "seeds", "--db", "nonsense://"], "database"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    open_database(f"sqlite:///{tmp_path}/made.db")  # an empty ledger
    result = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert lines[0].startswith("claimwatch: error:")
    assert not (tmp_path / "x.db").exists(), "a read command creates no database"


def test_malformed_watchlist_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "topics.yaml"
    bad.write_text("topics:\n  - id: x\n    match: nope\n", encoding="utf-8")
    result = run_cli("extract", "seeds", "--topics", str(bad))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "match" in result.stderr
