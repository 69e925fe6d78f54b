"""The quality floor: the extractor may get better on the development set and on the
held-out pages, never worse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from claimwatch.evaluate import devset_documents, evaluate, standard_documents
from extractors.article import load_document
from tests.conftest import ROOT, SHARED

FUNDUS = SHARED / "corpora" / "fundus"
DEVSET = ROOT / "devset"

pytestmark = pytest.mark.skipif(
    not (FUNDUS / "html").is_dir(), reason=f"the shared page corpus is not at {FUNDUS}"
)


HELDOUT = DEVSET / "heldout"


@pytest.fixture(scope="module")
def reports() -> dict:
    return {
        DEVSET: evaluate(standard_documents(DEVSET, FUNDUS, ROOT)),
        HELDOUT: evaluate(devset_documents(HELDOUT, FUNDUS)),
    }


def test_devset_is_large_enough() -> None:
    labels = list((DEVSET / "labels").glob("*.json"))
    assert len(labels) >= 40


@pytest.mark.parametrize("labels", [DEVSET, HELDOUT], ids=["devset", "heldout"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_scores_stay_above_their_floor(labels: Path, language: str, reports: dict) -> None:
    floors = yaml.safe_load((labels / "floors.yaml").read_text(encoding="utf-8"))[language]
    scores = reports[labels][language].as_dict()
    below = {k: (scores[k], floor) for k, floor in floors.items() if scores[k] < floor}
    assert not below, f"{labels.name} {language}: below the floor (score, floor): {below}"


def test_every_labelled_page_extracts() -> None:
    for label in [*(DEVSET / "labels").glob("*.json"), *(HELDOUT / "labels").glob("*.json")]:
        page = FUNDUS / "html" / f"{label.stem}.html.gz"
        assert load_document(page).text


@pytest.mark.parametrize("labels", [DEVSET, HELDOUT], ids=["devset", "heldout"])
def test_labels_are_consistent(labels: Path) -> None:
    command = [
        sys.executable,
        str(DEVSET / "check_labels.py"),
        "--gold",
        str(FUNDUS / "gold.jsonl"),
    ]
    result = subprocess.run(
        [*command, "--root", str(labels)], capture_output=True, text=True, cwd=DEVSET
    )
    assert result.returncode == 0, result.stdout + result.stderr
