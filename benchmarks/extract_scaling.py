"""Extraction + claims on one-paragraph pages of 0.5, 1, 2 and 4 MB, as ratios to 0.5 MB.

A page that is one long paragraph (the latest seed story's text repeated) must cost time in
proportion to its size: the ratios should be about 2, 4 and 8. `--giant` makes the
paragraph one sentence without full stops instead. Machines are noisy: only the
ratios mean anything.

Usage: .venv/bin/python benchmarks/extract_scaling.py [--giant] [--sizes 0.5,1,2,4]
"""

from __future__ import annotations

import argparse
import html
import time
from pathlib import Path

from claimwatch.settings import Settings
from extractors.article import from_html
from extractors.claims import extract_claims
from extractors.watchlist import Watchlist, load_watchlist
from tests.localsite import seed_articles

ROOT = Path(__file__).resolve().parents[1]


def paragraph_page(size: int, giant: bool = False, story: int = -1) -> str:
    """An HTML page whose body is one paragraph of about `size` bytes of a seed story's
    text (by default the latest one)."""
    text = " ".join(seed_articles(ROOT / "seeds")[story].paragraphs)
    if giant:
        text = text.replace(". ", ", ").replace("? ", ", ").replace("! ", ", ")
    body = (text + " ") * (size // len(text.encode()) + 1)
    body = body.encode()[:size].decode(errors="ignore")
    head = "<!DOCTYPE html><html lang='de'><head><title>Bericht</title></head><body><article>"
    return f"{head}<h1>Bericht</h1><p>{html.escape(body)}</p></article></body></html>"


def seconds(page: str, watchlist: Watchlist) -> float:
    start = time.perf_counter()
    extract_claims(from_html(page), watchlist)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--giant", action="store_true", help="one sentence, no full stops")
    parser.add_argument("--sizes", default="0.5,1,2,4", help="megabytes, comma-separated")
    args = parser.parse_args()
    settings = Settings.load(environ={})
    watchlist = load_watchlist(settings.topics_file, settings.actors_file)
    sizes = [float(s) for s in args.sizes.split(",")]
    times = [seconds(paragraph_page(int(mb * 1024 * 1024), args.giant), watchlist) for mb in sizes]
    for mb, took in zip(sizes, times, strict=True):
        print(f"{mb:g} MB: {took:.2f} s   ratio {took / times[0]:.2f}x")


if __name__ == "__main__":
    main()
