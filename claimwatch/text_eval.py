"""How close the article text a page gives is to the publisher's own body (the shared
pages' `gold.jsonl`): word precision, recall and F1 per page, as extraction benchmarks
score it, averaged over the pages."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claimwatch.errors import CorpusError

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class TextScore:
    """Mean word precision, recall and F1 over the pages scored."""

    pages: int
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "pages": self.pages,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def word_scores(found: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the words of `found` against those of `gold` (as bags:
    a word counts as often as it occurs in both)."""
    ours, theirs = Counter(_WORD.findall(found.lower())), Counter(_WORD.findall(gold.lower()))
    common = sum((ours & theirs).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(ours.values()), common / sum(theirs.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def gold_pages(folder: Path) -> list[tuple[Path, str]]:
    """The pages with a publisher's body in `gold.jsonl`, and that body."""
    index = folder / "gold.jsonl"
    if not index.is_file():
        raise CorpusError(f"no gold.jsonl in {folder}")
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("body"):
            out.append((folder / record["file"], str(record["body"])))
    return out


def score_text(pages: list[tuple[Path, str]], body: Callable[[bytes], str]) -> TextScore:
    """The mean scores of `body` (gzipped page bytes -> article body) over the pages."""
    scores = [word_scores(body(gzip.decompress(path.read_bytes())), gold) for path, gold in pages]
    n = len(scores) or 1
    return TextScore(
        pages=len(scores),
        precision=sum(s[0] for s in scores) / n,
        recall=sum(s[1] for s in scores) / n,
        f1=sum(s[2] for s in scores) / n,
    )
