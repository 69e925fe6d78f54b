"""Cue look-up by first word (tokens.PatternSet) against trying every cue pattern at every
token, side by side in one run over the sentences of the shared pages.

Both must find the same cues; prints both times and their ratio (only the ratio means
anything on a noisy machine).

Usage: .venv/bin/python benchmarks/cue_index.py [PAGES_DIR] [--rounds N] [--pages N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from extractors.article import load_document
from extractors.errors import ExtractionError
from extractors.language import SUPPORTED
from extractors.lexicon import load_lexicon
from extractors.sentences import quoted_spans, split_sentences
from extractors.tokens import Token, tokenize

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="?", default=str(ROOT.parent / "shared/corpora/fundus/html"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=40, dest="count")
    args = parser.parse_args()
    work: list[tuple[str, list[Token]]] = []
    for path in sorted(Path(args.pages).glob("*.html.gz"))[: args.count]:
        try:
            article = load_document(path)
        except ExtractionError:
            continue
        if article.language in SUPPORTED:
            for sentence in split_sentences(article.text):
                work.append((article.language, tokenize(sentence, quoted_spans(sentence))))

    def indexed() -> list:
        return [load_lexicon(lang).cues.find(tokens) for lang, tokens in work]

    def every_pattern() -> list:
        return [
            [
                (label, s, e)
                for label, p in load_lexicon(lang).cues.entries
                for s, e in p.find(tokens)
            ]
            for lang, tokens in work
        ]

    if indexed() != every_pattern():
        raise SystemExit("the index and the full scan found different cues")
    best = {"every pattern": float("inf"), "indexed": float("inf")}
    for _ in range(args.rounds):  # interleaved, best of N
        for name, fn in (("every pattern", every_pattern), ("indexed", indexed)):
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    print(f"sentences: {len(work)}")
    print(f"every pattern: {best['every pattern']:.2f} s   indexed: {best['indexed']:.2f} s")
    print(f"ratio: {best['indexed'] / best['every pattern']:.3f}x of the full scan")


if __name__ == "__main__":
    main()
