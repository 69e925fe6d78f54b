"""A sharded pass on a process work pool, with one worker and with two, in one run.

The topology of tests/test_pool.py on loopback (PostgreSQL, `prefect server start`,
`claimwatch deploy --shards N`, `prefect worker start`): five hosts with 40 feeds and 200
new articles. Printed, as ratios measured in this run (machines here are noisy):

1. a pass over the 200 new articles with two workers against the same pass with one
   (each on fresh databases);
2. then an unchanged pass (every feed answers 304) against an unchanged pass over one of
   those feeds on the same pool: what a pass costs per feed beyond starting its runs.

Needs a PostgreSQL server: `eval "$(scripts/postgres.sh start)"` first (it sets
CLAIMWATCH_TEST_POSTGRES_URL), `scripts/postgres.sh stop` after.

Usage: .venv/bin/python benchmarks/pool_pass.py [--shards N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.topology, the loopback topology

import httpx  # noqa: E402

from tests.conftest import POSTGRES_ENV, scratch_database, write_feeds  # noqa: E402
from tests.topology import feed_list, prefect_server, sites  # noqa: E402

HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST = 5, 8, 40


def _round(work: Path, workers: int, shards: int) -> dict[str, float]:
    """Fresh databases, a pool with `workers` workers: the new pass, the unchanged pass,
    and an unchanged pass over one feed, in seconds."""
    all_sites = sites(HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST)
    config = write_feeds(work / "config", feed_list(all_sites), batch_size=10, host_concurrency=4)
    one_feed = write_feeds(
        work / "one-feed", feed_list(all_sites)[:1], batch_size=10, host_concurrency=4
    )
    with contextlib.ExitStack() as stack:
        ledger = stack.enter_context(contextlib.contextmanager(scratch_database)("bench"))
        prefect_db = stack.enter_context(
            contextlib.contextmanager(scratch_database)("benchprefect", "postgresql+asyncpg")
        )
        for site in all_sites:
            stack.enter_context(site)
        topology = stack.enter_context(prefect_server(work, prefect_db, ledger))
        for n in range(workers):
            topology.add_worker(str(n))
        times = {}
        with httpx.Client(base_url=topology.api, timeout=30) as client:
            for name, folder in (("new", config), ("unchanged", config), ("one_feed", one_feed)):
                deployed = topology.deploy(folder, shards)
                if deployed.returncode != 0:
                    raise SystemExit(deployed.stderr)
                state, seconds = topology.run_pass(client, timeout=1200)
                if state != "COMPLETED":
                    raise SystemExit(f"{name} pass ended {state}:\n{topology.tail()}")
                times[name] = seconds
        fetched = sum(n for s in all_sites for p, n in s.hits.items() if p.startswith("/news/"))
        if fetched != HOSTS * ARTICLES_PER_HOST:
            raise SystemExit(f"{fetched} article fetches, expected {HOSTS * ARTICLES_PER_HOST}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get(POSTGRES_ENV):
        raise SystemExit(f'{POSTGRES_ENV} is not set: eval "$(scripts/postgres.sh start)" first')
    feeds = HOSTS * FEEDS_PER_HOST
    with tempfile.TemporaryDirectory() as tmp:
        one = _round(Path(tmp) / "one", 1, args.shards)
        two = _round(Path(tmp) / "two", 2, args.shards)
    articles = HOSTS * ARTICLES_PER_HOST
    print(
        f"{articles} new articles, {feeds} feeds, {args.shards} shards: one worker "
        f"{one['new']:.1f} s, two workers {two['new']:.1f} s "
        f"(two/one {two['new'] / one['new']:.2f}x); "
        f"{one['new'] / articles * 1000:.0f} ms per article with one worker"
    )
    for name, times in (("one worker", one), ("two workers", two)):
        per_feed = (times["unchanged"] - times["one_feed"]) / (feeds - 1)
        print(
            f"unchanged pass, {name}: {times['unchanged']:.1f} s for {feeds} feeds against "
            f"{times['one_feed']:.1f} s for one (ratio {times['unchanged'] / times['one_feed']:.2f}x), "
            f"{per_feed * 1000:.0f} ms per further feed"
        )


if __name__ == "__main__":
    main()
