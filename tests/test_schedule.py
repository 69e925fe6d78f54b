"""`claimwatch serve` as a service: Prefect's own scheduler runs its passes, Ctrl-C and
SIGTERM stop it and its local server cleanly, a restart continues the schedule, and a
second `serve` refuses. These start real Prefect servers: `-m "not topology"` skips them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select

from storage.db import open_database, transaction
from storage.models import Claim
from tests.conftest import ROOT
from tests.localsite import LocalSite
from tests.receivers import free_port, wait_for

pytestmark = pytest.mark.topology


def _config(site: LocalSite, folder: Path) -> Path:
    folder.mkdir(parents=True)
    feeds = {
        "feeds": [{"name": "rss", "url": site.url("/rss.xml")}],
        "schedule": {"interval": "10s"},
        "fetch": {"host_delay": "0s", "retry_backoff": "0s", "feed_retry_delay": "0.1s"},
    }
    (folder / "feeds.yaml").write_text(yaml.safe_dump(feeds), encoding="utf-8")
    return folder


def _serve(config: Path, port: int, home: Path, db: str, log: Path) -> subprocess.Popen:
    """`claimwatch serve` in a session of its own, as a terminal would start it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}
    command = [sys.executable, "-m", "claimwatch.cli", "serve", "--config", str(config)]
    command += ["--port", str(port), "--prefect-home", str(home), "--db", db]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def _scheduled_completed(api: str) -> int:
    """How many runs that Prefect's scheduler created have Completed, through the API."""
    try:
        runs = httpx.post(f"{api}/flow_runs/filter", json={"limit": 200}, timeout=5).json()
    except httpx.HTTPError:
        return 0
    return sum(
        1
        for run in runs
        if run.get("auto_scheduled") and (run.get("state") or {}).get("type") == "COMPLETED"
    )


def _stop_with(process: subprocess.Popen, sig: signal.Signals, home: Path, log: Path) -> None:
    """Send `sig` to the whole process group (Ctrl-C does): `serve` exits 0 within 20 s
    and its Prefect server is gone."""
    server_pid = int((home / "server.pid").read_text())
    started = time.monotonic()
    os.killpg(process.pid, sig)
    code = process.wait(timeout=30)
    took = time.monotonic() - started
    assert code == 0 and took < 20, (code, took, log.read_text()[-2000:])
    assert wait_for(lambda: not _alive(server_pid), timeout=5), "the Prefect server stopped"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_scheduled_passes_run_and_the_service_stops_and_restarts_cleanly(
    site: LocalSite, tmp_path: Path
) -> None:
    config = _config(site, tmp_path / "config")
    home, port = tmp_path / "prefect", free_port()
    api = f"http://127.0.0.1:{port}/api"
    db = f"sqlite:///{tmp_path / 'claimwatch.db'}"
    log = tmp_path / "serve.log"
    service = _serve(config, port, home, db, log)
    try:
        # no --now: only the scheduler starts passes
        two = wait_for(lambda: _scheduled_completed(api) >= 2, timeout=240)
        assert two, log.read_text()[-3000:]

        second = _serve(config, port, home, db, tmp_path / "second.log")
        assert second.wait(timeout=60) == 1
        refusal = (tmp_path / "second.log").read_text().strip().splitlines()
        assert len(refusal) == 1 and refusal[0].startswith("claimwatch: error:"), refusal
        assert "already being served" in refusal[0] or "in use" in refusal[0]

        _stop_with(service, signal.SIGINT, home, log)
    finally:
        if service.poll() is None:
            os.killpg(service.pid, signal.SIGKILL)

    with transaction(open_database(db)) as session:
        confirms = session.scalars(
            select(Claim).where(Claim.group == "russia", Claim.stance == "confirm")
        ).all()
    assert confirms, "the scheduled passes stored the local site's story"

    # A restart continues the schedule (stopping did not pause it); SIGTERM stops it too.
    done_before = 0
    restarted = _serve(config, port, home, db, log)
    try:
        assert wait_for(lambda: _scheduled_completed(api) >= 2, timeout=120)
        done_before = _scheduled_completed(api)
        deployment = httpx.get(f"{api}/deployments/name/monitor/claimwatch", timeout=5).json()
        assert deployment["paused"] is False
        assert deployment["global_concurrency_limit"]["limit"] == 1
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        assert wait_for(lambda: _scheduled_completed(api) > done_before, timeout=120)
        _stop_with(restarted, signal.SIGTERM, home, log)
    finally:
        if restarted.poll() is None:
            os.killpg(restarted.pid, signal.SIGKILL)


@pytest.mark.parametrize("command", ["serve", "run"])
def test_sigkill_leaves_no_prefect_server_behind(
    command: str, site: LocalSite, tmp_path: Path
) -> None:
    """The Prefect server that `serve` or `run` starts dies with it, even on SIGKILL."""
    config = _config(site, tmp_path / "config")
    home = tmp_path / "prefect"
    pid_file = home / ("server.pid" if command == "serve" else "temporary/server.pid")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMWATCH_", "PREFECT_"))}
    args = [sys.executable, "-m", "claimwatch.cli", command, "--config", str(config)]
    args += ["--prefect-home", str(home), "--db", f"sqlite:///{tmp_path / 'cw.db'}"]
    if command == "serve":
        args += ["--port", str(free_port())]
    with (tmp_path / "out.log").open("wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        assert wait_for(pid_file.exists, timeout=120), (tmp_path / "out.log").read_text()
        server_pid = int(pid_file.read_text())
        assert _alive(server_pid)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_for(lambda: not _alive(server_pid), timeout=20), "the server died with it"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
