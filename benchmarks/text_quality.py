"""Article text against the publishers' bodies, side by side with bare trafilatura.

On the shared pages with a body in gold.jsonl: word precision, recall and F1 (per page,
averaged) of the text `claimwatch extract` keeps (title line left out) and of bare
`trafilatura.extract(html)` with default options. Quality, not time: both are exact.

Usage: .venv/bin/python benchmarks/text_quality.py [PAGES_DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import trafilatura

from claimwatch.text_eval import gold_pages, score_text
from extractors.article import body_text, decode_text
from extractors.errors import ExtractionError

ROOT = Path(__file__).resolve().parents[1]


def ours(raw: bytes) -> str:
    try:
        return body_text(raw)
    except ExtractionError:
        return ""


def bare(raw: bytes) -> str:
    return trafilatura.extract(decode_text(raw)) or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="?", default=str(ROOT.parent / "shared/corpora/fundus"))
    args = parser.parse_args()
    pages = gold_pages(Path(args.pages))
    print(f"{'text':22} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, body in (("claimwatch extract", ours), ("bare trafilatura", bare)):
        s = score_text(pages, body)
        print(f"{name:22} {s.pages:5} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f}")


if __name__ == "__main__":
    main()
