"""The quality floor: the extractor may get better on the development set, never worse."""

from __future__ import annotations

import pytest
import yaml

from claimwatch.evaluate import evaluate, standard_documents
from extractors.article import load_document
from tests.conftest import ROOT, SHARED

FUNDUS = SHARED / "corpora" / "fundus"
DEVSET = ROOT / "devset"

pytestmark = pytest.mark.skipif(
    not (FUNDUS / "html").is_dir(), reason=f"the shared page corpus is not at {FUNDUS}"
)


@pytest.fixture(scope="module")
def reports() -> dict:
    return evaluate(standard_documents(DEVSET, FUNDUS, ROOT))


def test_devset_is_large_enough() -> None:
    labels = list((DEVSET / "labels").glob("*.json"))
    assert len(labels) >= 40


@pytest.mark.parametrize("language", ["de", "en"])
def test_scores_stay_above_their_floor(language: str, reports: dict) -> None:
    floors = yaml.safe_load((DEVSET / "floors.yaml").read_text(encoding="utf-8"))[language]
    scores = reports[language].as_dict()
    below = {k: (scores[k], floor) for k, floor in floors.items() if scores[k] < floor}
    assert not below, f"{language}: below the floor (score, floor): {below}"


def test_every_labelled_page_extracts(reports: dict) -> None:
    for label in (DEVSET / "labels").glob("*.json"):
        page = FUNDUS / "html" / f"{label.stem}.html.gz"
        assert load_document(page).text


def test_labels_are_consistent() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(DEVSET / "check_labels.py"), "--gold", str(FUNDUS / "gold.jsonl")],
        capture_output=True,
        text=True,
        cwd=DEVSET,
    )
    assert result.returncode == 0, result.stdout + result.stderr
