"""`claimwatch evaluate --attribution DIR`: attributions scored against an annotated folder
(NAME.txt + NAME.ann.json, character spans), by the rules of the corpora's reference scorer
(strict mode): what counts, how predictions and annotations are paired, what is right.

- Counted: annotations at the top level (not `nested`) of speech or writing (`stwr` Speech,
  Writing, SW, ST, TW, or none given); an annotation is anchored at its cue, else its
  content, else its source.
- Pairs: one prediction per annotation at most, the largest number of pairs where the
  predicted cue overlaps the anchor; an annotation tries first the predictions whose
  source overlaps its source, then the larger overlap, then the shorter cue.
- Cue precision is over predictions, leaving out unpaired ones that overlap an annotation
  that does not count; source P/R over the pairs (overlap); speaker accuracy: annotations
  with a source that some prediction overlaps at both the anchor and the source.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claimwatch.errors import CorpusError
from extractors.attribution import Attribution, find_attributions
from extractors.watchlist import Watchlist

Span = tuple[int, int]
SPEECH_OR_WRITING = frozenset({"Speech", "Writing", "SW", "ST", "TW"})


@dataclass(frozen=True)
class Annotated:
    """One annotated attribution."""

    cue: list[Span]
    source: list[Span]
    content: list[Span]
    form: str
    counted: bool

    @property
    def anchor(self) -> list[Span]:
        return self.cue or self.content or self.source


@dataclass
class Tally:
    """Counts of one group: all annotations, or those of one form."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, key: str, n: int | bool = 1) -> None:
        self.counts[key] += int(n)

    def figures(self) -> dict[str, float | int]:
        """Cue P/R/F1, source P/R/F1 over the pairs, speaker accuracy; cue precision is
        meaningful for the total only (a prediction has no annotated form)."""
        c = self.counts
        cue_p, cue_r = _ratio(c["pairs"], c["predicted"]), _ratio(c["pairs"], c["gold"])
        src_p = _ratio(c["source_right"], c["paired_predicted_source"])
        src_r = _ratio(c["source_right"], c["paired_gold_source"])
        return {
            "gold": c["gold"],
            "predicted": c["predicted"],
            "cue_p": cue_p,
            "cue_r": cue_r,
            "cue_f1": _f1(cue_p, cue_r),
            "source_p": src_p,
            "source_r": src_r,
            "source_f1": _f1(src_p, src_r),
            "speaker_acc": _ratio(c["speaker_right"], c["gold_with_source"]),
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a: Span, spans: list[Span]) -> bool:
    return any(a[0] < end and start < a[1] for start, end in spans)


def _overlap(a: Span, spans: list[Span]) -> int:
    return sum(max(0, min(a[1], end) - max(a[0], start)) for start, end in spans)


def read_annotations(path: Path) -> list[Annotated]:
    """The annotations of one NAME.ann.json."""
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{path}: cannot read the annotations ({exc})") from exc

    def spans(value: object) -> list[Span]:
        return [(int(a), int(b)) for a, b in value or []]  # type: ignore[attr-defined]

    return [
        Annotated(
            cue=spans(item.get("cue")),
            source=spans(item.get("source")),
            content=spans(item.get("content")),
            form=item.get("form") or "unknown",
            counted=not item.get("nested") and item.get("stwr") in SPEECH_OR_WRITING | {None},
        )
        for item in items
    ]


def pairs(gold: list[Annotated], predicted: list[Attribution]) -> dict[int, int]:
    """The largest one-to-one pairing annotation -> prediction (augmenting paths)."""
    options = []
    for g in gold:
        candidates = [j for j, p in enumerate(predicted) if _overlaps(p.cue, g.anchor)]
        candidates.sort(
            key=lambda j: (
                not (
                    g.source
                    and predicted[j].source is not None
                    and _overlaps(predicted[j].source, g.source)  # type: ignore[arg-type]
                ),
                -_overlap(predicted[j].cue, g.anchor),
                predicted[j].cue[1] - predicted[j].cue[0],
            )
        )
        options.append(candidates)
    owner: dict[int, int] = {}  # prediction -> annotation

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def score_document(
    annotations: list[Annotated], predicted: list[Attribution], total: Tally, forms: dict
) -> None:
    """Add one document's counts to the total and to its forms' tallies."""
    gold = [a for a in annotations if a.counted]
    others = [a for a in annotations if not a.counted]
    paired = pairs(gold, predicted)
    used = set(paired.values())
    left_out = [
        j
        for j, p in enumerate(predicted)
        if j not in used and any(_overlaps(p.cue, g.anchor) for g in others)
    ]
    total.add("predicted", len(predicted) - len(left_out))
    for i, g in enumerate(gold):
        speaker = bool(g.source) and any(
            _overlaps(p.cue, g.anchor) and p.source is not None and _overlaps(p.source, g.source)
            for p in predicted
        )
        j = paired.get(i)
        for tally in (total, forms[g.form]):
            tally.add("gold")
            tally.add("gold_with_source", bool(g.source))
            tally.add("speaker_right", speaker)
            if j is None:
                continue
            p = predicted[j]
            tally.add("pairs")
            tally.add("paired_gold_source", bool(g.source))
            tally.add("paired_predicted_source", p.source is not None)
            tally.add(
                "source_right",
                bool(g.source) and p.source is not None and _overlaps(p.source, g.source),
            )


def evaluate_attributions(
    folder: Path, language: str, watchlist: Watchlist, step: Callable[[], None] = lambda: None
) -> tuple[Tally, dict[str, Tally]]:
    """Attributions of every NAME.txt of the folder scored against its NAME.ann.json."""
    if not folder.is_dir():
        raise CorpusError(f"annotated folder not found: {folder}")
    documents = sorted(folder.glob("*.ann.json"))
    if not documents:
        raise CorpusError(f"{folder}: no NAME.ann.json files")
    total: Tally = Tally()
    forms: dict[str, Tally] = defaultdict(Tally)
    for ann in documents:
        text_path = ann.with_name(ann.name[: -len(".ann.json")] + ".txt")
        try:
            text = text_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{text_path}: cannot read the text ({exc})") from exc
        score_document(
            read_annotations(ann), find_attributions(text, language, watchlist), total, forms
        )
        step()
    return total, dict(forms)
