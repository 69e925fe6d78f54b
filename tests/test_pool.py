"""The scale-out topology on loopback: PostgreSQL, `prefect server start`, a process work
pool with two `prefect worker start` processes, and `claimwatch deploy --shards 3`.

Five hosts (127.0.0.1-5) serve 40 feeds and 200 articles, the seed story among them;
three passes, two of them started at the same moment: every page is fetched once, every
article, claim and alert stored once, every alert posted to the webhook once, and the
shard runs are spread over both workers."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.engine import make_url

from flows.server import api_healthy
from storage.db import open_database, transaction
from storage.models import Alert, Article, Claim, Page
from tests import receivers
from tests.conftest import ROOT, run_cli, scratch_database, write_feeds
from tests.localsite import LocalSite, SiteArticle, seed_articles
from tests.receivers import WebhookReceiver, free_port, wait_for

pytestmark = [pytest.mark.topology, pytest.mark.postgres]
webhook = receivers.webhook
HOSTS, FEEDS_PER_HOST, ARTICLES_PER_HOST, SHARDS = 5, 8, 40, 3
WORDS = (
    "Regierung Stadt Bericht Wahl Markt Hafen Schule Gericht Bahn Energie Klima Bauern "
    "Haushalt Polizei Museum Verein Brücke Wetter Preise Gesundheit Forschung Wasser Strom "
    "Kommune Unternehmen Fabrik Hochschule Straße Brand Festival Landtag Minister"
).split()


@pytest.fixture
def prefect_database() -> object:
    yield from scratch_database("prefect", driver="postgresql+asyncpg")


def _filler(host: int, count: int, start: date) -> list[SiteArticle]:
    """Local news that no topic watches: distinct texts, so none is a copy of another."""
    rng = random.Random(host)
    articles = []
    for n in range(count):
        paragraphs = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(14, 24))).capitalize() + "."
            for _ in range(6)
        ]
        articles.append(
            SiteArticle(
                slug=f"h{host}-{n}",
                title=f"{rng.choice(WORDS)} {rng.choice(WORDS)}: Meldung {host}-{n}",
                paragraphs=paragraphs,
                published=start + timedelta(hours=n),
                language="de",
                outlet=f"Kurier {host}",
            )
        )
    return articles


def _sites() -> list[LocalSite]:
    seeds = seed_articles(ROOT / "seeds")
    sites = []
    for host in range(HOSTS):
        own = seeds if host == 0 else []
        articles = own + _filler(host, ARTICLES_PER_HOST - len(own), date(2025, 5, 1))
        sites.append(LocalSite(articles, feeds=FEEDS_PER_HOST, address=f"127.0.0.{host + 1}"))
    return sites


def _runs(client: httpx.Client, deployment: str) -> list[dict]:
    flow, name = deployment.split("/")
    found = client.post(
        "/flow_runs/filter",
        json={"deployments": {"name": {"any_": [name]}}, "flows": {"name": {"any_": [flow]}}},
    )
    found.raise_for_status()
    return found.json()


def _final(client: httpx.Client, run_ids: list[str]) -> list[str] | None:
    states = [client.get(f"/flow_runs/{run_id}").json()["state"] for run_id in run_ids]
    if all(s and s["type"] in ("COMPLETED", "FAILED", "CANCELLED", "CRASHED") for s in states):
        return [s["type"] for s in states]
    return None


def _start_pass(client: httpx.Client, deployment_id: str) -> str:
    run = client.post(f"/deployments/{deployment_id}/create_flow_run", json={})
    run.raise_for_status()
    return str(run.json()["id"])


def test_two_workers_run_sharded_passes_and_nothing_is_done_twice(
    postgres_url: str, prefect_database: str, tmp_path: Path, webhook: WebhookReceiver
) -> None:
    sites = _sites()
    feeds = [
        {"name": f"host{h}-feed{k}", "url": site.url(path)}
        for h, site in enumerate(sites)
        for k, path in enumerate(site.feed_paths)
    ]
    config = write_feeds(tmp_path / "config", feeds, batch_size=10, host_concurrency=4)
    routes = [{"name": "hook", "urls": [f"json://{webhook.url}/in"]}]
    (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": routes}), encoding="utf-8")
    api = f"http://127.0.0.1:{free_port()}/api"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}
    database = make_url(prefect_database)
    server_env = {
        **base,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": database.render_as_string(hide_password=False),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    worker_env = {
        **base,
        "PREFECT_API_URL": api,
        "CLAIMWATCH_DATABASE_URL": postgres_url,
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_WORKER_PREFETCH_SECONDS": "1",
    }
    port = api.split(":")[2].split("/")[0]
    logs = [tmp_path / "server.log", tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    with contextlib.ExitStack() as stack:
        for site in sites:
            stack.enter_context(site)
        outputs = [stack.enter_context(log.open("wb")) for log in logs]
        processes: list[subprocess.Popen] = []
        stack.callback(_stop, processes)
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
                + ["--port", port],
                env=server_env,
                stdout=outputs[0],
                stderr=outputs[0],
            )
        )
        assert wait_for(lambda: api_healthy(api), timeout=180), logs[0].read_text()[-2000:]
        deployed = run_cli(
            "deploy", "--config", str(config), "--pool", "newsroom", "--shards", str(SHARDS),
            env={"PREFECT_API_URL": api},
        )  # fmt: skip
        assert deployed.returncode == 0, deployed.stderr
        assert "prefect worker start --pool newsroom" in deployed.stderr
        for name, output in (("a", outputs[1]), ("b", outputs[2])):
            env = {**worker_env, "PREFECT_HOME": str(tmp_path / f"worker-{name}")}
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", "newsroom"]
                    + ["--name", f"worker-{name}", "--type", "process"],
                    cwd=tmp_path,  # not the repo: the flows load from the installed package
                    env=env,
                    stdout=output,
                    stderr=output,
                )
            )
        with httpx.Client(base_url=api, timeout=30) as client:
            deployment = client.get("/deployments/name/monitor/claimwatch").json()
            assert deployment["work_pool_name"] == "newsroom"
            assert deployment["parameters"]["shards"] == SHARDS
            at_once = [_start_pass(client, deployment["id"]) for _ in range(2)]
            first = wait_for(lambda: _final(client, at_once), timeout=600)
            assert first and "COMPLETED" in first, _tail(logs)
            third = _start_pass(client, deployment["id"])
            last = wait_for(lambda: _final(client, [third]), timeout=600)
            assert last == ["COMPLETED"], _tail(logs)
            shards = _runs(client, "monitor-shard/claimwatch-shard")

    passes = first.count("COMPLETED") + 1
    assert sorted(r["state"]["type"] for r in shards) == ["COMPLETED"] * (SHARDS * passes)
    worker_logs = [logs[1].read_text(), logs[2].read_text()]
    for log in worker_logs:  # each worker picked up shard runs
        assert any(str(run["id"]) in log for run in shards), log[-2000:]

    for site in sites:  # every page fetched once, over all passes and shards
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


def _tail(logs: list[Path]) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text()[-1500:]}" for log in logs)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
