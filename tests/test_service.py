"""`claimwatch run` and `claimwatch serve` as a user runs them, against a local news site."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from claimwatch.settings import Settings
from flows.server import api_healthy
from tests import receivers
from tests.conftest import ROOT, run_cli, scratch_database, write_feeds
from tests.localsite import LocalSite
from tests.receivers import SmtpReceiver, WebhookReceiver, free_port, wait_for

REF = re.compile(r"ref ([0-9a-f]{12})")  # each alert's reference in its message
smtp_server = receivers.smtp_server  # fixtures: a local SMTP server, a local webhook
webhook = receivers.webhook


def _site_config(site: LocalSite, folder: Path) -> Path:
    return write_feeds(
        folder,
        [
            {"name": "rss", "url": site.url("/rss.xml")},
            {"name": "atom", "url": site.url("/atom.xml")},
        ],
    )


def test_run_prints_alerts_once_and_fetches_nothing_twice(
    prefect_api: str, site: LocalSite, sqlite_url: str, tmp_path: Path
) -> None:
    config = _site_config(site, tmp_path / "config")
    env = {"PREFECT_API_URL": prefect_api}
    first = run_cli("run", "--config", str(config), "--db", sqlite_url, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    alerts = [json.loads(line) for line in first.stdout.splitlines()]
    assert any(
        a["kind"] == "stance_change"
        and a["group"] == "russia"
        and a["after"]["stance"] == "confirm"
        for a in alerts
    )
    assert {"kind", "topic", "actor", "group", "severity", "before", "after"} <= set(alerts[0])
    pages = {path: n for path, n in site.hits.items() if path.startswith("/news/")}
    assert len(pages) == 5 and set(pages.values()) == {1}

    second = run_cli("run", "--config", str(config), "--db", sqlite_url, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout == ""
    assert {path: n for path, n in site.hits.items() if path.startswith("/news/")} == pages


def test_run_with_every_feed_down_is_one_error_line(
    prefect_api: str, sqlite_url: str, tmp_path: Path
) -> None:
    from tests.localsite import closed_port

    config = write_feeds(
        tmp_path / "config",
        [{"name": "down", "url": f"http://127.0.0.1:{closed_port()}/rss.xml"}],
        feed_retries=0,
    )
    done = run_cli(
        "run", "--config", str(config), "--db", sqlite_url, env={"PREFECT_API_URL": prefect_api}
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("claimwatch: error: the pass failed: every feed failed: down:")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feeds:\n  - name: x\n", "feeds[0].url: an http(s) URL is required"),
        ("feeds:\n  - url: ftp://example.org/feed\n", "feeds[0].url: an http(s) URL is required"),
        ("feeds: []\n", "feeds: a non-empty list"),
        ("feeds:\n  - url: https://example.org/f\nschedule: {interval: 1s}\n", "schedule.interval"),
        ("feeds:\n  - url: https://example.org/f\nfetch: {deadline: soon}\n", "fetch.deadline"),
        (
            "feeds:\n  - url: https://example.org/f\n    allow_private: yes please\n",
            "allow_private",
        ),
        ("feeds: [\n", "not valid YAML"),
    ],
)
def test_a_wrong_feeds_file_is_one_error_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "feeds.yaml").write_text(text, encoding="utf-8")
    done = run_cli("run", "--config", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert str(tmp_path / "feeds.yaml") in done.stderr and expected in done.stderr


@pytest.fixture
def prefect_database() -> Iterator[str]:
    """A PostgreSQL database of its own for the Prefect server, as in docker-compose."""
    yield from scratch_database("prefect", driver="postgresql+asyncpg")


@pytest.mark.postgres
@pytest.mark.topology
def test_serve_topology_without_docker(
    site: LocalSite, postgres_url: str, prefect_database: str, tmp_path: Path
) -> None:
    """PostgreSQL + `prefect server start` + `claimwatch serve`, all on loopback; a run
    triggered through Prefect's API completes and publishes both artifacts."""
    config = _site_config(site, tmp_path / "config")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}
    database = make_url(prefect_database)
    server_env = {  # the parts, as docker-compose.yml gives them: Prefect escapes the password
        **base,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_DATABASE_DRIVER": "postgresql+asyncpg",
        "PREFECT_SERVER_DATABASE_HOST": str(database.host),
        "PREFECT_SERVER_DATABASE_PORT": str(database.port),
        "PREFECT_SERVER_DATABASE_USER": str(database.username),
        "PREFECT_SERVER_DATABASE_NAME": str(database.database),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    service_env = {
        **base,
        "PREFECT_HOME": str(tmp_path / "service"),
        "PREFECT_API_URL": api,
        "CLAIMWATCH_DATABASE_URL": postgres_url,
    }
    prefect = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1"]
    with (
        (tmp_path / "server.log").open("wb") as server_log,
        (tmp_path / "serve.log").open("wb") as serve_log,
    ):
        server = subprocess.Popen(
            [*prefect, "--port", str(port)], env=server_env, stdout=server_log, stderr=server_log
        )
        service = None
        try:
            assert wait_for(lambda: api_healthy(api), timeout=240), "the Prefect server"
            service = subprocess.Popen(
                [sys.executable, "-m", "claimwatch.cli", "serve", "--config", str(config)],
                cwd=ROOT,
                env=service_env,
                stdout=serve_log,
                stderr=serve_log,
            )
            with httpx.Client(base_url=api, timeout=10) as client:
                deployment = wait_for(lambda: _deployment(client, "monitor", "claimwatch"), 120)
                assert deployment, "the deployment was registered"
                assert deployment["schedules"], "the deployment carries its schedule"
                run = client.post(f"/deployments/{deployment['id']}/create_flow_run", json={})
                run.raise_for_status()
                run_id = run.json()["id"]
                state = wait_for(lambda: _final_state(client, run_id), 240)
                assert state == "COMPLETED", (tmp_path / "serve.log").read_text()[-3000:]
                artifacts = client.post(
                    "/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}
                ).json()
                assert {a["key"] for a in artifacts} >= {"claimwatch-pass", "claimwatch-feeds"}
                markdown = next(a for a in artifacts if a["key"] == "claimwatch-pass")["data"]
                assert "now confirms" in markdown
                health = subprocess.run(
                    [sys.executable, "-m", "claimwatch.cli", "health"],
                    cwd=ROOT,
                    env=service_env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert health.returncode == 0, health.stderr
        finally:
            for process in (service, server):
                if process is not None:
                    process.terminate()
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()


def test_the_database_password_is_escaped_into_the_url() -> None:
    password = "p@ss:/w#rd %"
    settings = Settings.load(
        environ={
            "CLAIMWATCH_DATABASE_URL": "postgresql://claimwatch@postgres:5432/claimwatch",
            "CLAIMWATCH_DATABASE_PASSWORD": password,
        }
    )
    url = make_url(settings.database_url)
    assert url.password == password and url.host == "postgres" and url.database == "claimwatch"


def _deployment(client: httpx.Client, flow: str, name: str) -> dict | None:
    response = client.get(f"/deployments/name/{flow}/{name}")
    return response.json() if response.status_code == 200 else None


def _final_state(client: httpx.Client, run_id: str) -> str | None:
    state = client.get(f"/flow_runs/{run_id}").json().get("state") or {}
    kind = state.get("type")
    return kind if kind in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def test_run_delivers_the_story_to_mail_and_webhook_once(
    prefect_api: str,
    site: LocalSite,
    sqlite_url: str,
    tmp_path: Path,
    smtp_server: SmtpReceiver,
    webhook: WebhookReceiver,
) -> None:
    """Issue 5's end-to-end case: a pass over a local site delivers the seed story's alerts to
    a local SMTP server and a webhook; a further unchanged pass delivers nothing."""
    import yaml

    config = _site_config(site, tmp_path / "config")
    mail = f"mailto://127.0.0.1:{smtp_server.port}?from=claimwatch@example.com&to=desk@example.com"
    routes = [
        {"name": "desk", "urls": [mail]},
        {"name": "hook", "urls": [f"json://{webhook.url}/in"]},
    ]
    (config / "alerts.yaml").write_text(yaml.safe_dump({"routes": routes}), encoding="utf-8")
    env = {"PREFECT_API_URL": prefect_api}

    first = run_cli("run", "--config", str(config), "--db", sqlite_url, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    raised = len(first.stdout.splitlines())
    assert raised > 10
    assert len(smtp_server.messages) == raised == webhook.count()
    mailed = [ref for m in smtp_server.messages for ref in REF.findall(SmtpReceiver.text(m))]
    posted = [ref for body in webhook.messages() for ref in REF.findall(body["message"])]
    assert len(set(mailed)) == raised and sorted(mailed) == sorted(posted), "each arrives once"
    subjects = smtp_server.subjects()
    assert any(s.startswith("Russia now confirms") for s in subjects), subjects

    second = run_cli("run", "--config", str(config), "--db", sqlite_url, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout == ""
    assert len(smtp_server.messages) == raised == webhook.count()


@pytest.mark.parametrize("command", ["run", "serve"])
def test_an_unreachable_prefect_api_is_one_line_naming_it(command: str, tmp_path: Path) -> None:
    config = write_feeds(tmp_path / "config", [{"name": "x", "url": "http://127.0.0.1:9/f.xml"}])
    api = f"http://127.0.0.1:{free_port()}/api"
    done = run_cli(
        command,
        "--config",
        str(config),
        "--prefect-home",
        str(tmp_path / "prefect"),
        "--db",
        f"sqlite:///{tmp_path / 'x.db'}",
        env={"PREFECT_API_URL": api},
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"claimwatch: error: the Prefect API at {api} does not answer (PREFECT_API_URL)"
    ]
