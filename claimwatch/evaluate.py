"""Measure the claim extractor against hand labels: the development set and the seeds.

Scores per language: precision, recall and F1 of (actor side, polarity) and of
(actor, stance) per document, and exact stance accuracy on the predicted
(actor, stance) pairs whose (actor, polarity) the labels have.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.article import load_document
from extractors.claims import extract_claims
from extractors.cues import POLARITY
from extractors.watchlist import load_watchlist

Pair = tuple[str, ...]


@dataclass
class Score:
    """Counts for one measure, summed over documents."""

    found: int = 0
    expected: int = 0
    correct: int = 0

    def add(self, predicted: set[Pair], gold: set[Pair]) -> None:
        self.found += len(predicted)
        self.expected += len(gold)
        self.correct += len(predicted & gold)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class LanguageReport:
    """The scores of one language, and its documents' errors for reading."""

    documents: int = 0
    side_polarity: Score = field(default_factory=Score)
    actor_stance: Score = field(default_factory=Score)
    matched: int = 0
    stance_agrees: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def stance_accuracy(self) -> float:
        return self.stance_agrees / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "documents": self.documents,
            "side_polarity_precision": round(self.side_polarity.precision, 3),
            "side_polarity_recall": round(self.side_polarity.recall, 3),
            "side_polarity_f1": round(self.side_polarity.f1, 3),
            "actor_stance_precision": round(self.actor_stance.precision, 3),
            "actor_stance_recall": round(self.actor_stance.recall, 3),
            "actor_stance_f1": round(self.actor_stance.f1, 3),
            "stance_accuracy": round(self.stance_accuracy, 3),
        }


@dataclass(frozen=True)
class LabelledDocument:
    """A page or seed with the claims a careful reader marked."""

    path: Path
    language: str
    topics: Path
    actors: Path
    claims: list[dict]


def devset_documents(devset: Path, pages: Path) -> list[LabelledDocument]:
    docs = []
    for label in sorted((devset / "labels").glob("*.json")):
        data = json.loads(label.read_text(encoding="utf-8"))
        docs.append(
            LabelledDocument(
                path=pages / data["file"],
                language=data["language"],
                topics=devset / data["topics"],
                actors=devset / data["actors"],
                claims=data["claims"],
            )
        )
    return docs


def seed_documents(seeds: Path, golden: Path, topics: Path, actors: Path) -> list[LabelledDocument]:
    docs = []
    for label in sorted(golden.glob("*.json")):
        data = json.loads(label.read_text(encoding="utf-8"))
        docs.append(
            LabelledDocument(
                path=seeds / data["file"],
                language="de",
                topics=topics,
                actors=actors,
                claims=data["claims"] + data.get("known_misses", []),
            )
        )
    return docs


def standard_documents(devset: Path, pages: Path, root: Path) -> list[LabelledDocument]:
    """The development set, plus the seeds with their golden claims when `root` has them."""
    documents = devset_documents(devset, pages)
    golden = root / "tests" / "golden"
    if golden.is_dir():
        config = root / "config"
        documents += seed_documents(
            root / "seeds", golden, config / "topics.yaml", config / "actors.yaml"
        )
    return documents


def evaluate(
    documents: list[LabelledDocument], done: Callable[[], None] = lambda: None
) -> dict[str, LanguageReport]:
    """Run the extractor on each document and compare with its labels; `done` is called
    after each document (the progress bar)."""
    reports: dict[str, LanguageReport] = defaultdict(LanguageReport)
    watchlists: dict[tuple[Path, Path], object] = {}
    for doc in documents:
        key = (doc.topics, doc.actors)
        if key not in watchlists:
            # five labelled topics are about a side no actor of theirs speaks for
            watchlists[key] = load_watchlist(doc.topics, doc.actors, known_sides=False)
        article = load_document(doc.path)
        predicted = extract_claims(article, watchlists[key])  # type: ignore[arg-type]
        report = reports[doc.language]
        report.documents += 1
        gold_sp = {(c["group"], str(POLARITY[c["stance"]])) for c in doc.claims}
        pred_sp = {(c.group, str(POLARITY[c.stance])) for c in predicted}
        report.side_polarity.add(pred_sp, gold_sp)
        gold_as = {(c["actor"], c["stance"]) for c in doc.claims}
        pred_as = {(c.actor, c.stance) for c in predicted}
        report.actor_stance.add(pred_as, gold_as)
        # stance accuracy: of the predicted (actor, stance) pairs whose actor and polarity
        # the labels have, how many have one of the labelled stances exactly
        gold_ap = {(actor, POLARITY[stance]) for actor, stance in gold_as}
        for actor, stance in pred_as:
            if (actor, POLARITY[stance]) in gold_ap:
                report.matched += 1
                report.stance_agrees += (actor, stance) in gold_as
        name = doc.path.name
        for pair in sorted(gold_as - pred_as):
            report.errors.append(f"{name}: missed {pair[0]} {pair[1]}")
        for pair in sorted(pred_as - gold_as):
            report.errors.append(f"{name}: extra  {pair[0]} {pair[1]}")
        done()
    return dict(reports)
