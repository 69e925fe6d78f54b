"""Extraction cost against bare trafilatura, side by side in one run on the shared pages.

DESIGN's target: extract + claims costs at most 1.2x bare `trafilatura.extract`.
Prints both times and their ratio (machines are noisy: only the ratio means anything).

Usage: .venv/bin/python benchmarks/extract_vs_trafilatura.py [PAGES_DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import time
from pathlib import Path

import trafilatura

from claimwatch.settings import Settings
from extractors.article import decode_text, from_html
from extractors.claims import extract_claims
from extractors.errors import ExtractionError
from extractors.watchlist import load_watchlist

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="?", default=str(ROOT.parent / "shared/corpora/fundus/html"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = [
        decode_text(gzip.decompress(p.read_bytes()))
        for p in sorted(Path(args.pages).glob("*.html.gz"))
    ]
    settings = Settings.load(environ={})
    watchlist = load_watchlist(settings.topics_file, settings.actors_file)

    def bare() -> None:
        for html in pages:
            trafilatura.extract(html)

    def ours() -> None:
        for html in pages:
            with contextlib.suppress(ExtractionError):  # a page without text costs its attempt
                extract_claims(from_html(html), watchlist)

    best = {"trafilatura": float("inf"), "claimwatch": float("inf")}
    for _ in range(args.rounds):  # interleaved, best of N, so load on the machine hits both
        for name, fn in (("trafilatura", bare), ("claimwatch", ours)):
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    ratio = best["claimwatch"] / best["trafilatura"]
    print(f"pages: {len(pages)}")
    print(
        f"trafilatura.extract: {best['trafilatura']:.2f} s   claimwatch extract+claims: {best['claimwatch']:.2f} s"
    )
    print(f"ratio: {ratio:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
