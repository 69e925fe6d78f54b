"""A local Prefect server for `claimwatch serve` when no PREFECT_API_URL is given.

The server runs in a process group of its own, so Ctrl-C in the terminal reaches only
`serve`, which then stops the server itself after the runner has shut down. It dies with
its parent whatever kills the parent (PR_SET_PDEATHSIG on Linux), and its PID is recorded
in the Prefect home, so a start that finds a server left behind by a dead `serve` stops it
first.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from claimwatch.errors import ClaimwatchError

_PR_SET_PDEATHSIG = 1


class ServerError(ClaimwatchError):
    """The local Prefect server did not start."""


class AlreadyServing(ClaimwatchError):
    """Another `claimwatch serve` holds the port or the Prefect home."""


def hold_lock(path: Path, what: str) -> IO[str]:
    """Take an exclusive lock on `path` for as long as the returned file stays open (the
    kernel drops it when the process dies, however it dies); refuse when it is held."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise AlreadyServing(f"{what} is already being served (by PID {holder})") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def check_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on, before Prefect fails on it less clearly."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise AlreadyServing(
                    f"port {port} on {host} is in use (another claimwatch serve? use --port)"
                ) from None
            raise ServerError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the parent dies (Linux only)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_local_server(host: str, port: int, home: Path, wait: float = 120.0) -> subprocess.Popen:
    """Start `prefect server start` (SQLite in `home`) and wait until its API answers."""
    home.mkdir(parents=True, exist_ok=True)
    stop_stale(home)
    check_port_free(host, port)
    env = {
        **os.environ,
        "PREFECT_HOME": str(home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_API_URL": os.environ.get("PREFECT_UI_API_URL", f"http://{host}:{port}/api"),
    }
    env.pop("PREFECT_API_URL", None)
    with (home / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                host,
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    (home / "server.pid").write_text(str(process.pid), encoding="utf-8")
    api = f"http://{host}:{port}/api"
    started = time.monotonic()
    told = False
    while time.monotonic() - started < wait:
        if process.poll() is not None:
            raise ServerError(
                f"prefect server exited with code {process.returncode}; see {home / 'server.log'}"
            )
        if api_healthy(api):
            return process
        if not told and time.monotonic() - started > 15:
            print("claimwatch: the Prefect server is slow to start, waiting ...", file=sys.stderr)
            told = True
        time.sleep(0.5)
    stop(process, home)
    raise ServerError(f"prefect server did not answer on {api} within {wait:g}s")


def api_healthy(api: str) -> bool:
    """Whether a Prefect API answers its health check."""
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def stop(process: subprocess.Popen, home: Path | None = None, timeout: float = 15.0) -> None:
    """Stop the server's whole process group: SIGTERM, then SIGKILL after `timeout`."""
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    _signal_group(process.pid, signal.SIGKILL)  # anything of its group still left
    if home is not None:
        (home / "server.pid").unlink(missing_ok=True)


def stop_stale(home: Path) -> None:
    """Stop a Prefect server that an earlier, dead `serve` of this home left running."""
    record = home / "server.pid"
    try:
        pid = int(record.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return
    if _is_prefect_server(pid):
        print(f"claimwatch: stopping a stale Prefect server (PID {pid})", file=sys.stderr)
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _is_prefect_server(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        _signal_group(pid, signal.SIGKILL)
    record.unlink(missing_ok=True)


def _is_prefect_server(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"prefect" in command and b"server" in command


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


@contextmanager
def temporary_server(home: Path) -> Iterator[str]:
    """A Prefect server for one `claimwatch run`, on a free port, its log in a file; its
    data stays in `home/temporary` for the next run (a run beside it gets a folder of its
    own, removed afterwards). It dies with the run, however the run dies."""
    shared = home / "temporary"
    try:
        lock = hold_lock(home / "temporary.lock", "the temporary Prefect server")
        folder, own = shared, False
    except AlreadyServing:
        lock = None
        folder, own = Path(tempfile.mkdtemp(prefix="temporary-", dir=home)), True
    port = _free_port()
    process = start_local_server("127.0.0.1", port, folder)
    try:
        yield f"http://127.0.0.1:{port}/api"
    finally:
        _drain_workers()
        stop(process, folder)
        if lock is not None:
            lock.close()
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def _drain_workers(timeout: float = 10.0) -> None:
    """Send the logs and events still queued for the API before its server stops."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
