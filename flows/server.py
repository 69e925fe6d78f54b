"""A local Prefect server for `claimwatch serve` when no PREFECT_API_URL is given."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from claimwatch.errors import ClaimwatchError


class ServerError(ClaimwatchError):
    """The local Prefect server did not start."""


def start_local_server(host: str, port: int, home: Path, wait: float = 90.0) -> subprocess.Popen:
    """Start `prefect server start` (SQLite in `home`) and wait until its API answers."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_API_URL": f"http://{host}:{port}/api",
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://{host}:{port}/api"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(
                f"prefect server exited with code {process.returncode}; see {home / 'server.log'}"
            )
        if api_healthy(api):
            return process
        time.sleep(0.5)
    process.terminate()
    raise ServerError(f"prefect server did not answer on {api} within {wait:g}s")


def api_healthy(api: str) -> bool:
    """Whether a Prefect API answers its health check."""
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
