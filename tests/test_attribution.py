"""`claimwatch attributions`: who said what in every sentence, as character spans into
the text as read; and its floors on the two annotated corpora by their reference scorer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SHARED, run_cli

GERMAN = (
    "Streit um Truppen\n"
    "Putin sagte, die Soldaten seien keine Russen. "
    "„Das ist eine Lüge“, sagte der Sprecher des Ministeriums. "
    "„Wir haben nichts zu verbergen.“\n"
    "Laut dem Verteidigungsministerium kämpfen dort Tausende.\n"
)
ENGLISH = (
    '"We deny these reports entirely," Peskov told reporters. '
    "He said that the reports were false.\n"
)


def _run(tmp_path: Path, name: str, text: str, *extra: str) -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = run_cli("attributions", str(path), *extra)
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["path"] == str(path)
    return record


def _pieces(text: str, record: dict) -> list[dict]:
    def cut(span: list[int] | None) -> str | None:
        return text[span[0] : span[1]] if span else None

    return [
        {**a, "cue": cut(a["cue"]), "source": cut(a["source"]), "content": cut(a["content"])}
        for a in record["attributions"]
    ]


def test_german_cues_sources_forms_and_speech_that_goes_on(tmp_path: Path) -> None:
    record = _run(tmp_path, "de.txt", GERMAN)
    assert record["language"] == "de"
    found = _pieces(GERMAN, record)
    first, lie, going_on, marker = found
    assert (first["cue"], first["source"], first["actor"], first["form"]) == (
        "sagte",
        "Putin",
        "putin",
        "indirect",
    )
    assert first["group"] == "russia" and first["speaker"] == "Putin"
    assert first["content"] == "die Soldaten seien keine Russen"
    assert lie["cue"] == "sagte" and lie["form"] == "direct"
    assert "Sprecher" in lie["source"] and "Lüge" in lie["content"]
    assert going_on["form"] == "direct" and going_on["source"] == lie["source"]
    assert "verbergen" in going_on["content"]
    assert marker["cue"] == "Laut" and "Verteidigungsministerium" in marker["source"]
    assert marker["form"] == "reported"
    # offsets index the file's text as Python reads it: the first line counts
    assert GERMAN.index("Putin sagte") == record["attributions"][0]["source"][0]


def test_english_quote_and_pronoun(tmp_path: Path) -> None:
    record = _run(tmp_path, "en.txt", ENGLISH, "--language", "en")
    quote, said = _pieces(ENGLISH, record)
    assert (quote["cue"], quote["source"], quote["actor"], quote["form"]) == (
        "told",
        "Peskov",
        "peskov",
        "direct",
    )
    assert (said["cue"], said["source"], said["form"]) == ("said", "He", "indirect")
    assert quote["content"] == "We deny these reports entirely"
    assert said["actor"] == "peskov"  # the pronoun points to the last person who spoke


def test_a_bad_document_is_one_line_and_the_others_go_on(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "good.txt").write_text(ENGLISH, encoding="utf-8")
    done = run_cli("attributions", str(tmp_path), str(tmp_path / "missing.txt"))
    assert done.returncode == 1
    assert [json.loads(line)["path"] for line in done.stdout.splitlines()] == [
        str(tmp_path / "good.txt")
    ]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("claimwatch: error:") for line in lines)


SCORER = SHARED / "tools" / "score_attribution.py"
CORPORA = {"spkatt": "de", "polnear": "en"}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_attributions_stay_above_their_floor(corpus: str, tmp_path: Path) -> None:
    train = SHARED / "corpora" / corpus / "train"
    if not train.is_dir() or not SCORER.is_file():
        pytest.skip(f"the annotated corpus or its scorer is not in {SHARED}")
    done = run_cli("attributions", str(train), "--language", CORPORA[corpus])
    assert done.returncode == 0, done.stderr
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(done.stdout, encoding="utf-8")
    scored = subprocess.run(
        [sys.executable, str(SCORER), str(train), str(predictions), "--mode", "strict"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert scored.returncode == 0, scored.stderr
    summary = scored.stdout.strip().splitlines()[-1]
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", summary)}
    # `evaluate --attribution` gives the reference scorer's figures, in total and by form
    ours = run_cli("evaluate", "--attribution", str(train), "--language", CORPORA[corpus], "--json")
    assert ours.returncode == 0, ours.stderr
    own = json.loads(ours.stdout)
    for key in ("cue_p", "cue_r", "cue_f1", "source_f1", "speaker_acc"):
        assert round(own["all"][key], 3) == figures[key], key
    forms = re.findall(r"^  (\w+) +(\d+) +\d+ +([0-9.]+) +([0-9.]+)", scored.stdout, re.M)
    assert forms
    for form, gold, cue_r, speaker_acc in forms:
        assert own["by_form"][form]["gold"] == int(gold)
        assert round(own["by_form"][form]["cue_r"], 3) == float(cue_r), form
        assert round(own["by_form"][form]["speaker_acc"], 3) == float(speaker_acc), form
    floors = yaml.safe_load((ROOT / "devset" / "attribution_floors.yaml").read_text("utf-8"))
    below = {k: (figures[k], f) for k, f in floors[corpus].items() if figures[k] < f}
    assert not below, f"{corpus}: below the floor (figure, floor): {below}"
