"""Regenerate tests/golden/<seed>.json from the extractor's output on the seed corpus.

The golden files are what a careful reader marks. After regenerating, read every
changed file against its seed text (git diff tests/golden) and keep only what a
reader would mark; `known_misses` lists claims a reader marks that the extractor
does not find yet (kept as they are across regenerations).

Usage: .venv/bin/python scripts/regen_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

from claimwatch.settings import Settings
from extractors.article import load_document
from extractors.claims import extract_claims
from extractors.watchlist import load_watchlist

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def main() -> None:
    settings = Settings.load()
    watchlist = load_watchlist(settings.topics_file, settings.actors_file)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        target = GOLDEN / f"{path.stem}.json"
        old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
        article = load_document(path)
        record = {
            "file": path.name,
            "title": article.title,
            "claims": [c.as_dict() for c in extract_claims(article, watchlist)],
            "known_misses": old.get("known_misses", []),
        }
        target.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}: {len(record['claims'])} claims")


if __name__ == "__main__":
    main()
