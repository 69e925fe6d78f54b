"""The scale-out topology on loopback: PostgreSQL, `prefect server start`, a process work
pool with two `prefect worker start` processes, and `claimwatch deploy --shards 3`.

Five hosts (127.0.0.1-5) serve 40 feeds and 200 articles, the seed story among them;
three passes, two of them started at the same moment: every page is fetched once, every
article, claim and alert stored once, every alert posted to the webhook once, and the
shard runs are spread over both workers."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from storage.db import open_database, transaction
from storage.models import Alert, Article, Claim, Page
from tests import receivers
from tests.conftest import ROOT, scratch_database, write_feeds
from tests.receivers import WebhookReceiver, wait_for
from tests.topology import POOL, feed_list, prefect_server, sites

webhook = receivers.webhook
HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST, SHARDS = 5, 8, 40, 3


@pytest.fixture
def prefect_database() -> Iterator[str]:
    yield from scratch_database("prefect", driver="postgresql+asyncpg")


def _shard_runs(client: httpx.Client) -> list[dict]:
    found = client.post(
        "/flow_runs/filter",
        json={
            "deployments": {"name": {"any_": ["claimwatch-shard"]}},
            "flows": {"name": {"any_": ["monitor-shard"]}},
        },
    )
    found.raise_for_status()
    return found.json()


@pytest.mark.topology
@pytest.mark.postgres
def test_two_workers_run_sharded_passes_and_nothing_is_done_twice(
    postgres_url: str, prefect_database: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    all_sites = sites(HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST)
    config = write_feeds(
        tmp_path / "config", feed_list(all_sites), batch_size=10, host_concurrency=4
    )
    routes = [{"name": "hook", "urls": [f"json://{webhook.url}/in"]}]
    (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": routes}), encoding="utf-8")
    with contextlib.ExitStack() as stack:
        for site in all_sites:
            stack.enter_context(site)
        topology = stack.enter_context(prefect_server(tmp_path, prefect_database, postgres_url))
        deployed = topology.deploy(config, SHARDS)
        assert deployed.returncode == 0, deployed.stderr
        assert f"prefect worker start --pool {POOL}" in deployed.stderr
        topology.add_worker("a")
        topology.add_worker("b")
        with httpx.Client(base_url=topology.api, timeout=30) as client:
            deployment = client.get("/deployments/name/monitor/claimwatch").json()
            assert deployment["work_pool_name"] == POOL
            assert deployment["parameters"]["shards"] == SHARDS
            at_once = [topology.start_pass(client) for _ in range(2)]
            first = topology.wait(client, at_once, timeout=600)
            assert "COMPLETED" in first, topology.tail()
            state, _seconds = topology.run_pass(client)
            assert state == "COMPLETED", topology.tail()
            shards = _shard_runs(client)
        worker_logs = [log.read_text() for log in topology.logs[1:]]

    passes = first.count("COMPLETED") + 1
    assert sorted(r["state"]["type"] for r in shards) == ["COMPLETED"] * (SHARDS * passes)
    for log in worker_logs:  # each worker picked up shard runs
        assert any(str(run["id"]) in log for run in shards), log[-2000:]

    for site in all_sites:  # every page fetched once, over all passes and shards
        pages = {p: n for p, n in site.hits.items() if p.startswith("/news/")}
        assert len(pages) == len(site.articles) and set(pages.values()) == {1}, pages
    with transaction(open_database(postgres_url)) as session:
        articles = Counter(session.scalars(select(Article.key)))
        assert len(articles) == HOSTS * ARTICLES_PER_HOST and set(articles.values()) == {1}
        claims = Counter(
            (c.article_id, c.position, c.topic, c.actor, c.stance)
            for c in session.scalars(select(Claim))
        )
        assert claims and set(claims.values()) == {1}
        assert all(p.status == "done" for p in session.scalars(select(Page)))
        alerts = [str(a.payload["key"]) for a in session.scalars(select(Alert))]
    assert alerts and len(alerts) == len(set(alerts))
    posted = Counter(body.get("title", "") + body.get("message", "") for body in webhook.messages())
    assert webhook.count() == len(alerts) and set(posted.values()) == {1}


def test_the_compose_pool_file_deploys_to_the_pool_its_workers_poll() -> None:
    """docker-compose.pool.yml, read as compose merges it over docker-compose.yml (no Docker
    engine here): the deploy and the workers name one pool, share the ledger's database
    and see the config folder where the deployment says it is."""
    base = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    pool = yaml.safe_load((ROOT / "docker-compose.pool.yml").read_text(encoding="utf-8"))
    deploy = pool["services"]["claimwatch"]["command"]
    worker = pool["services"]["worker"]
    assert deploy[:2] == ["claimwatch", "deploy"]
    name = deploy[deploy.index("--pool") + 1]
    assert worker["command"][worker["command"].index("--pool") + 1] == name
    assert worker["command"][:3] == ["prefect", "worker", "start"]
    serve_env = base["services"]["claimwatch"]["environment"]
    for key in ("PREFECT_API_URL", "CLAIMWATCH_DATABASE_URL", "CLAIMWATCH_DATABASE_PASSWORD"):
        assert worker["environment"][key] == serve_env[key]
    config = deploy[deploy.index("--config") + 1]
    assert any(v.rsplit(":", 2)[1] == config for v in worker["volumes"])
    assert set(worker["depends_on"]) == {"postgres", "prefect-server", "claimwatch"}
    assert "ports" not in worker  # scaled copies must not fight over a host port


def _ledger(database_url: str) -> tuple[Counter, Counter, Counter, set[str]]:
    with transaction(open_database(database_url)) as session:
        articles = Counter(session.scalars(select(Article.key)))
        claims = Counter(
            (c.article_id, c.position, c.topic, c.actor, c.stance)
            for c in session.scalars(select(Claim))
        )
        alerts = Counter(str(a.payload["key"]) for a in session.scalars(select(Alert)))
        pages = {p.status for p in session.scalars(select(Page))}
    return articles, claims, alerts, pages


@pytest.mark.topology
@pytest.mark.postgres
def test_a_worker_killed_in_the_middle_of_a_shard_loses_nothing(
    postgres_url: str, prefect_database: str, tmp_path: Path
) -> None:
    """Two workers of two slots each: the pass takes one slot, so three shards fill the
    other worker's two. That worker is SIGKILLed (with its shard processes) once it is
    storing articles; the pass gives up on its shards after shard_wait, a new worker comes,
    the next passes take the dead shards' pages when their lease runs out: every article
    is stored once, none is lost."""
    all_sites = sites(HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST)
    config = write_feeds(
        tmp_path / "config",
        feed_list(all_sites),
        batch_size=5,
        host_concurrency=1,
        host_delay="0.1s",
        page_lease="20s",
        shard_wait="120s",
    )
    with contextlib.ExitStack() as stack:
        for site in all_sites:
            stack.enter_context(site)
        topology = stack.enter_context(prefect_server(tmp_path, prefect_database, postgres_url))
        assert topology.deploy(config, SHARDS).returncode == 0
        workers = {name: topology.add_worker(name, limit=2) for name in ("a", "b")}
        with httpx.Client(base_url=topology.api, timeout=30) as client:
            first = topology.start_pass(client)

            def victim() -> str | None:
                """The worker without the pass, once one of its shards is running and some
                articles are in (the other worker's log names the pass's run)."""
                logs = {n: (tmp_path / f"worker-{n}.log").read_text() for n in workers}
                holder = [n for n, log in logs.items() if first in log]
                running = [r["id"] for r in _shard_runs(client) if r["state"]["type"] == "RUNNING"]
                stored = len(_ledger(postgres_url)[0])
                for name, log in logs.items():
                    if holder and name not in holder and any(r in log for r in running):
                        return name if stored >= 10 else None
                return None

            chosen = wait_for(victim, timeout=300)
            assert chosen, topology.tail()
            stored_at_kill = len(_ledger(postgres_url)[0])
            topology.kill(workers[chosen])
            assert stored_at_kill < HOSTS * ARTICLES_PER_HOST  # killed in the middle
            (state,) = topology.wait(client, [first], timeout=300)
            assert state == "COMPLETED", topology.tail()
            topology.add_worker("c", limit=2)  # the machine that replaces it
            for _ in range(3):  # the dead shards' pages come back when their lease ends
                state, _seconds = topology.run_pass(client)
                assert state == "COMPLETED", topology.tail()
                if _ledger(postgres_url)[3] == {"done"}:
                    break
            crashed = [r for r in _shard_runs(client) if r["state"]["type"] == "CRASHED"]

    articles, claims, alerts, pages = _ledger(postgres_url)
    assert crashed, "the dead worker's shards are marked Crashed"
    assert pages == {"done"}
    assert len(articles) == HOSTS * ARTICLES_PER_HOST and set(articles.values()) == {1}
    assert claims and set(claims.values()) == {1}
    assert alerts and set(alerts.values()) == {1}
