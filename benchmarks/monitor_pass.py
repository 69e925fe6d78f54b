"""A monitoring pass, timed against baselines measured in the same run on a local site.

1. Five unchanged feeds (every one answers 304): the `monitor` flow against a bare
   Prefect flow that submits five no-op tasks (Prefect's own floor), and against five
   plain conditional GETs. DESIGN's target: < 50 ms per unchanged feed beyond the floor.
2. Fifty new pages (real pages of the shared fundus corpus, served on 127.0.0.1): the
   `monitor` flow against fetching the same pages with plain httpx and running bare
   `trafilatura.extract` on each, one after another.

Machines here are noisy: the ratios mean something, the seconds only in this run.

Usage: .venv/bin/python benchmarks/monitor_pass.py [--rounds N] [--pages DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.localsite, the local news site

import httpx  # noqa: E402
import trafilatura  # noqa: E402
import yaml  # noqa: E402
from prefect import flow, task  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402

from flows.monitor import monitor  # noqa: E402
from tests.localsite import LocalSite, seed_articles  # noqa: E402

FAST = {"host_delay": "0s", "host_concurrency": 8, "concurrency": 8}
ENGLISH_OR_GERMAN = {"de", "at", "ch", "us", "uk", "ca", "au"}


@task
def _noop(index: int) -> int:
    return index


@flow
def _floor(feeds: int) -> None:
    for future in [_noop.submit(i) for i in range(feeds)]:
        future.result()


def _best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _config(folder: Path, feeds: list[dict]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feeds.yaml").write_text(yaml.safe_dump({"feeds": feeds, "fetch": FAST}))
    return str(folder)


def _pass(config: str) -> None:
    state = monitor(config_dir=config, return_state=True)
    if not state.is_completed():
        raise SystemExit(f"the pass failed: {state.message}")


def unchanged_feeds(work: Path, rounds: int) -> dict[str, float]:
    with LocalSite(seed_articles(ROOT / "seeds"), feeds=5) as site:
        config = _config(
            work / "five",
            [{"name": f"f{i}", "url": site.url(p)} for i, p in enumerate(site.feed_paths)],
        )
        _pass(config)  # the first pass reads everything; the timed ones see 304s
        pages_before = sum(n for p, n in site.hits.items() if p.startswith("/news/"))
        passes = _best(lambda: _pass(config), rounds)
        assert sum(n for p, n in site.hits.items() if p.startswith("/news/")) == pages_before
        floor = _best(lambda: _floor(5), rounds)
        with httpx.Client() as client:
            etags = {p: client.get(site.url(p)).headers["etag"] for p in site.feed_paths}
            plain = _best(
                lambda: [
                    client.get(site.url(p), headers={"If-None-Match": e}) for p, e in etags.items()
                ],
                rounds,
            )
    return {"pass_s": passes, "prefect_floor_s": floor, "plain_gets_s": plain}


def new_pages(work: Path, pages_dir: Path, count: int) -> dict[str, float]:
    gold = [json.loads(line) for line in (pages_dir / "gold.jsonl").open(encoding="utf-8")]
    chosen = [g for g in gold if g["country"] in ENGLISH_OR_GERMAN][:count]
    bodies = {
        Path(g["file"]).name: gzip.decompress((pages_dir / g["file"]).read_bytes()) for g in chosen
    }
    with LocalSite(seed_articles(ROOT / "seeds")[:1]) as site:
        for name, body in bodies.items():
            site.add_page(f"/corpus/{name}.html", body)
        links = [(name, site.url(f"/corpus/{name}.html")) for name in bodies]
        site.add_feed("/corpus.xml", links)
        config = _config(work / "fifty", [{"name": "corpus", "url": site.url("/corpus.xml")}])

        def baseline() -> None:
            with httpx.Client() as client:
                for _title, link in links:
                    trafilatura.extract(client.get(link).text, url=link)

        plain = _best(baseline, 1)
        os.environ["CLAIMWATCH_DATABASE_URL"] = f"sqlite:///{work / 'fifty.db'}"
        start = time.perf_counter()
        _pass(config)
        passed = time.perf_counter() - start
    return {"pages": len(bodies), "pass_s": passed, "fetch_and_trafilatura_s": plain}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", default=str(ROOT.parent / "shared/corpora/fundus"))
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory() as tmp, prefect_test_harness(server_startup_timeout=120):
        work = Path(tmp)
        os.environ["CLAIMWATCH_DATABASE_URL"] = f"sqlite:///{work / 'five.db'}"
        five = unchanged_feeds(work, args.rounds)
        print(
            f"5 unchanged feeds: pass {five['pass_s'] * 1000:.0f} ms, bare Prefect flow with 5 tasks "
            f"{five['prefect_floor_s'] * 1000:.0f} ms (ratio {five['pass_s'] / five['prefect_floor_s']:.2f}x), "
            f"5 plain conditional GETs {five['plain_gets_s'] * 1000:.1f} ms; "
            f"{(five['pass_s'] - five['prefect_floor_s']) / 5 * 1000:.0f} ms per feed above the floor"
        )
        pages = Path(args.pages)
        if not (pages / "gold.jsonl").is_file():
            print(f"50 new pages: skipped, {pages} is not there (the shared fundus corpus)")
            return
        fifty = new_pages(work, pages, 50)
        print(
            f"{fifty['pages']:.0f} new pages: pass {fifty['pass_s']:.2f} s, plain fetch + bare "
            f"trafilatura {fifty['fetch_and_trafilatura_s']:.2f} s "
            f"(ratio {fifty['pass_s'] / fifty['fetch_and_trafilatura_s']:.2f}x)"
        )


if __name__ == "__main__":
    main()
