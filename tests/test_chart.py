"""`claimwatch timeline TOPIC --chart FILE`: a real PNG and SVG of the seed story, drawn by
matplotlib from a replayed SQLite ledger, and one-line refusals."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from alerts.story import Said, build_story
from claimwatch.chart import PIXELS, STYLE, write_chart
from tests.conftest import run_cli

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('chart') / 'seeds.db'}"
    result = run_cli("replay", "seeds", "--db", url)
    assert result.returncode == 0, result.stderr
    return url


def _texts(svg: Path) -> list[str]:
    root = ET.parse(svg).getroot()
    return [" ".join(t.itertext()).strip() for t in root.iter(f"{SVG}text")]


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def test_png_of_the_seed_story(seeds_db: str, tmp_path: Path) -> None:
    out = tmp_path / "charts" / "nk.png"
    result = run_cli("timeline", "nk-troops", "--db", seeds_db, "--chart", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert image.size == PIXELS
        colours = {rgb for _count, rgb in image.convert("RGB").getcolors(maxcolors=1 << 24)}
    # Russia's denial and its later confirmation are both drawn, in their colours
    assert _rgb(STYLE["deny"][0]) in colours
    assert _rgb(STYLE["confirm"][0]) in colours


def test_svg_parses_names_the_sides_and_is_stable(seeds_db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        result = run_cli("timeline", "nk-troops", "--db", seeds_db, "--chart", str(out))
        assert result.returncode == 0, result.stderr
    texts = _texts(first)
    assert {"Russia", "Ukraine", "deny", "evade", "confirm", "soldiers"} <= set(texts)
    assert "no figures" not in texts
    assert first.read_bytes() == second.read_bytes()


def test_other_suffix_is_refused_before_the_database(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no-such.db'}"
    out = tmp_path / "nk.gif"
    result = run_cli("timeline", "nk-troops", "--db", missing, "--chart", str(out))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "nk.gif" in result.stderr and ".png or .svg" in result.stderr
    assert not out.exists() and not (tmp_path / "no-such.db").exists()


def test_chart_and_json_together_are_refused(seeds_db: str, tmp_path: Path) -> None:
    result = run_cli(
        "timeline", "nk-troops", "--db", seeds_db, "--json", "--chart", str(tmp_path / "x.svg")
    )
    assert result.returncode == 2
    assert "not allowed with" in result.stderr and result.stderr.count("\n") == 1


def test_unknown_topic_and_unwritable_file_are_one_line(seeds_db: str, tmp_path: Path) -> None:
    unknown = run_cli("timeline", "no-such", "--db", seeds_db, "--chart", str(tmp_path / "x.png"))
    assert unknown.returncode == 1
    assert "unknown topic 'no-such'" in unknown.stderr and unknown.stderr.count("\n") == 1
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    unwritable = run_cli(
        "timeline", "nk-troops", "--db", seeds_db, "--chart", str(blocker / "x.png")
    )
    assert unwritable.returncode == 1
    assert "cannot write the chart" in unwritable.stderr
    assert unwritable.stderr.count("\n") == 1 and "Traceback" not in unwritable.stderr


def _said(day: int, side: str, stance: str) -> Said:
    return Said(date(2024, 3, day), side, side, stance, "q", "s.txt", "Outlet", False)


def test_a_story_without_figures_or_claims_still_draws(tmp_path: Path) -> None:
    story = build_story(
        "t", "Quiet story", [_said(1, "a", "deny"), _said(9, "a", "confirm"), _said(5, "b", "x")]
    )
    write_chart(story, tmp_path / "quiet.svg")
    texts = _texts(tmp_path / "quiet.svg")
    assert {"Quiet story", "no figures", "deny", "confirm", "x"} <= set(texts)
    empty = build_story("t", "Empty", [])
    write_chart(empty, tmp_path / "empty.png")
    with Image.open(tmp_path / "empty.png") as image:
        assert image.size == PIXELS
    write_chart(empty, tmp_path / "empty.svg")
    assert "no claims yet" in _texts(tmp_path / "empty.svg")


def test_the_cli_does_not_load_matplotlib() -> None:
    code = (
        "import sys, claimwatch.cli, claimwatch.commands\n"
        "claimwatch.cli.build_parser()\n"
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
