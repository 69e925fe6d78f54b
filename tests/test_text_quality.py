"""The article text `extract` keeps, against the publishers' bodies of the shared pages
(`claimwatch/text_eval.py`): a floor that only rises, and the scoring rule itself."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from claimwatch.errors import CorpusError
from claimwatch.text_eval import gold_pages, score_text, word_scores
from extractors.article import body_text
from extractors.errors import ExtractionError
from tests.conftest import ROOT, SHARED

FUNDUS = SHARED / "corpora" / "fundus"


def test_word_scores_count_words_as_bags() -> None:
    assert word_scores("a b b c", "a b c c") == pytest.approx((0.75, 0.75, 0.75))
    assert word_scores("Wort, wort!", "wort") == pytest.approx((0.5, 1.0, 2 / 3))
    assert word_scores("", "gold") == (0.0, 0.0, 0.0)


def _body(raw: bytes) -> str:
    try:
        return body_text(raw)
    except ExtractionError:  # a page with no text scores 0, it is not skipped
        return ""


@pytest.mark.skipif(not (FUNDUS / "gold.jsonl").is_file(), reason=f"no shared pages at {FUNDUS}")
def test_article_text_stays_above_its_floor() -> None:
    pages = gold_pages(FUNDUS)
    assert len(pages) > 200
    score = score_text(pages, _body)
    floors = yaml.safe_load((ROOT / "devset" / "text_floors.yaml").read_text("utf-8"))
    below = {k: (v, floors[k]) for k, v in score.as_dict().items() if k in floors and v < floors[k]}
    assert not below, f"article text below the floor (score, floor): {below}"


def test_a_missing_gold_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no gold.jsonl"):
        gold_pages(tmp_path)
