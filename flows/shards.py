"""Shards: one pass over many workers.

A pass's feeds are split by a stable hash of their host (`shard_of`), so everything a
host is asked in a pass (its feeds and their pages) stays in one shard, on one worker,
under one client's per-host delay and concurrency. Each shard is a flow run of the
`monitor-shard` deployment that any worker of the pool picks up; the pass starts them
at once, waits for them, reads their reports from the database (workers on other
machines share no disk) and does the rest once: outages, deliveries, feeds, stories,
artifacts.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict
from urllib.parse import urlsplit

from feeds.config import FeedSpec
from flows.outcomes import FeedOutcome, PageOutcome, PassReport

SHARD_FLOW = "monitor-shard"
SHARD_DEPLOYMENT = "claimwatch-shard"
POLL_SECONDS = 2.0


def shard_of(url: str, shards: int) -> int:
    """The shard of a feed: a hash of its host (not Python's `hash`, which changes per
    process), so it is the same on every worker and every pass."""
    host = (urlsplit(url).hostname or url).lower()
    return int.from_bytes(hashlib.sha256(host.encode()).digest()[:8], "big") % shards


def feeds_of(feeds: list[FeedSpec], shard: int, shards: int) -> list[FeedSpec]:
    return [feed for feed in feeds if shard_of(feed.url, shards) == shard]


def report_data(report: PassReport) -> dict:
    return asdict(report)


def report_from(data: dict) -> PassReport:
    return PassReport(
        feeds=[FeedOutcome(**feed) for feed in data.get("feeds", [])],
        pages=[PageOutcome(**page) for page in data.get("pages", [])],
    )


def run_shards(pass_id: str, shards: int, parameters: dict, timeout: float) -> dict[int, str]:
    """Start the pass's shard runs on the pool and wait for them (at most `timeout`
    seconds); each shard's final state, or why it has none. The runs are linked to the
    pass as its subflows, and keyed by pass and shard, so a pass that is retried does not
    start its shards twice."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.states import Crashed

    runs = {
        shard: run_deployment(
            f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}",
            parameters={**parameters, "shard": shard, "shards": shards, "pass_id": pass_id},
            timeout=0,
            idempotency_key=f"{pass_id}:shard:{shard}",
            flow_run_name=f"shard {shard + 1}/{shards}",
        ).id
        for shard in range(shards)
    }
    states: dict[int, str] = {}
    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while len(states) < len(runs) and time.monotonic() < deadline:
            for shard, run_id in runs.items():
                if shard in states:
                    continue
                state = client.read_flow_run(run_id).state
                if state is not None and state.is_final():
                    states[shard] = f"{state.name}: {state.message or ''}".strip(": ")
            if len(states) < len(runs):
                time.sleep(POLL_SECONDS)
        for shard, run_id in runs.items():
            if shard not in states:  # its worker died, most likely: the dashboard says so
                states[shard] = f"not finished after {timeout:g}s, marked Crashed"
                message = f"the pass stopped waiting after {timeout:g}s (fetch.shard_wait)"
                client.set_flow_run_state(run_id, Crashed(message=message), force=True)
    return states
