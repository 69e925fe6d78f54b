"""The scale-out topology on loopback, for tests and benchmarks: a local news site over
several hosts (127.0.0.1-N), `prefect server start` on PostgreSQL, `claimwatch deploy`
on a process work pool, and `prefect worker start` processes."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from flows.server import api_healthy
from tests.conftest import ROOT, run_cli
from tests.localsite import LocalSite, SiteArticle, seed_articles
from tests.receivers import free_port, wait_for

POOL = "newsroom"
FINAL = ("COMPLETED", "FAILED", "CANCELLED", "CRASHED")
WORDS = (
    "Regierung Stadt Bericht Wahl Markt Hafen Schule Gericht Bahn Energie Klima Bauern "
    "Haushalt Polizei Museum Verein Brücke Wetter Preise Gesundheit Forschung Wasser Strom "
    "Kommune Unternehmen Fabrik Hochschule Straße Brand Festival Landtag Minister"
).split()


def filler(host: int, count: int, start: date) -> list[SiteArticle]:
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


def sites(hosts: int, feeds_per_host: int, articles_per_host: int) -> list[LocalSite]:
    """One site per host, the seed story on the first, filler on all."""
    seeds = seed_articles(ROOT / "seeds")
    made = []
    for host in range(hosts):
        own = seeds if host == 0 else []
        articles = own + filler(host, articles_per_host - len(own), date(2025, 5, 1))
        made.append(LocalSite(articles, feeds=feeds_per_host, address=f"127.0.0.{host + 1}"))
    return made


def feed_list(all_sites: list[LocalSite]) -> list[dict]:
    return [
        {"name": f"host{h}-feed{k}", "url": site.url(path)}
        for h, site in enumerate(all_sites)
        for k, path in enumerate(site.feed_paths)
    ]


@dataclass
class Topology:
    """A running Prefect server and workers; `api` is its URL, `logs` their output files."""

    api: str
    folder: Path
    database_url: str
    logs: list[Path] = field(default_factory=list)
    processes: list[subprocess.Popen] = field(default_factory=list)

    def deploy(self, config: Path, shards: int) -> subprocess.CompletedProcess[str]:
        env = {"PREFECT_API_URL": self.api}
        return run_cli(
            "deploy", "--config", str(config), "--pool", POOL, "--shards", str(shards), env=env
        )

    def add_worker(self, name: str, limit: int | None = None) -> subprocess.Popen:
        """A `prefect worker start` in a session of its own, so `kill` ends it with the
        flow runs it started, as a machine that dies would."""
        env = {
            **_clean_env(),
            "PREFECT_API_URL": self.api,
            "PREFECT_HOME": str(self.folder / f"worker-{name}"),
            "CLAIMWATCH_DATABASE_URL": self.database_url,
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_PREFETCH_SECONDS": "1",
        }
        log = self.folder / f"worker-{name}.log"
        self.logs.append(log)
        with log.open("wb") as output:
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL]
                    + ["--name", f"worker-{name}", "--type", "process"]
                    + (["--limit", str(limit)] if limit else []),
                    cwd=self.folder,  # not the repo: flows load from the installed package
                    env=env,
                    stdout=output,
                    stderr=output,
                    start_new_session=True,
                )
            )
        return self.processes[-1]

    @staticmethod
    def kill(worker: subprocess.Popen) -> None:
        """SIGKILL the worker and every process it started (its flow runs)."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    def start_pass(self, client: httpx.Client) -> str:
        deployment = client.get("/deployments/name/monitor/claimwatch").json()
        run = client.post(f"/deployments/{deployment['id']}/create_flow_run", json={})
        run.raise_for_status()
        return str(run.json()["id"])

    def wait(self, client: httpx.Client, run_ids: list[str], timeout: float) -> list[str]:
        """The runs' final state types (`not final` for a run still going at the timeout)."""

        def states() -> list[str] | None:
            found = [client.get(f"/flow_runs/{r}").json()["state"] for r in run_ids]
            types = [s["type"] if s else "" for s in found]
            return types if all(t in FINAL for t in types) else None

        return wait_for(states, timeout=timeout) or ["not final"] * len(run_ids)

    def run_pass(self, client: httpx.Client, timeout: float = 600) -> tuple[str, float]:
        """One pass, started and waited for: its final state and its seconds."""
        start = time.perf_counter()
        (state,) = self.wait(client, [self.start_pass(client)], timeout)
        return state, time.perf_counter() - start

    def tail(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-1500:]}" for log in self.logs)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}


@contextlib.contextmanager
def prefect_server(folder: Path, prefect_database: str, database_url: str) -> Iterator[Topology]:
    """`prefect server start` on its PostgreSQL database; its workers stop with it."""
    api = f"http://127.0.0.1:{free_port()}/api"
    port = api.split(":")[2].split("/")[0]
    env = {
        **_clean_env(),
        "PREFECT_HOME": str(folder / "prefect"),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": make_url(prefect_database).render_as_string(
            hide_password=False
        ),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    topology = Topology(api, folder, database_url, logs=[folder / "server.log"])
    with topology.logs[0].open("wb") as output:
        topology.processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
                + ["--port", port],
                env=env,
                stdout=output,
                stderr=output,
            )
        )
    try:
        if not wait_for(lambda: api_healthy(api), timeout=180):
            raise RuntimeError(f"the Prefect server did not start:\n{topology.tail()}")
        yield topology
    finally:
        for process in reversed(topology.processes):
            if process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
