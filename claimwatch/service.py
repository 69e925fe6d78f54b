"""`claimwatch run` (one pass, in-process) and `claimwatch serve` (the scheduled service)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from claimwatch.commands import settings_from
from claimwatch.errors import ClaimwatchError, ConfigError, single_line
from claimwatch.settings import Settings
from extractors.watchlist import load_watchlist
from feeds.config import FeedsConfig


class RunFailed(ClaimwatchError):
    """The monitoring pass ended Failed (every feed failed, or an error stopped it)."""


class PrefectUnreachable(ClaimwatchError):
    """The Prefect API given by PREFECT_API_URL does not answer."""


class NotServed(ClaimwatchError):
    """No runner serves the monitor deployment."""


def _settings(args: argparse.Namespace) -> tuple[Settings, FeedsConfig]:
    """Settings and feeds.yaml, checked with alerts.yaml, topics.yaml and actors.yaml before
    Prefect starts, so a wrong file is one clear error (not a failed flow's traceback)."""
    settings = settings_from(args)
    feeds = settings.feeds()
    settings.routes()
    load_watchlist(settings.topics_file, settings.actors_file)
    # The flow reads the database URL from the environment, never from its parameters.
    os.environ["CLAIMWATCH_DATABASE_URL"] = settings.database_url
    return settings, feeds


def _prefect_home(text: str) -> Path:
    """The --prefect-home folder, created; a file of that name is one error naming it."""
    home = Path(text)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # FileExistsError: a file of that name; PermissionError
        raise ConfigError(
            f"--prefect-home {home}: cannot create the folder ({exc.strerror})"
        ) from exc
    return home


def _parameters(settings: Settings, args: argparse.Namespace) -> dict[str, str | None]:
    return {
        "config_dir": str(settings.config_dir.resolve()),
        "topics_file": str(Path(args.topics).resolve()) if args.topics else None,
        "actors_file": str(Path(args.actors).resolve()) if args.actors else None,
    }


def cmd_run(args: argparse.Namespace) -> int:
    settings, _feeds = _settings(args)
    from flows.server import temporary_server

    with contextlib.ExitStack() as stack:
        api = os.environ.get("PREFECT_API_URL")
        if not api:
            api = stack.enter_context(temporary_server(_prefect_home(args.prefect_home)))
            os.environ["PREFECT_API_URL"] = api
        _check_api(api)
        from flows.monitor import monitor  # Prefect is imported only by commands that need it

        state = monitor(**_parameters(settings, args), return_state=True)
    if state.is_failed():
        raise RunFailed(f"the pass failed: {single_line(state.message or 'no message')}")
    report = state.result()
    for alert in report.alerts:
        sys.stdout.write(json.dumps(alert, ensure_ascii=False, default=str) + "\n")
    print(f"claimwatch: {state.message}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings, feeds = _settings(args)
    schedule = feeds.schedule
    from prefect import serve
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import deployments, release_unfinished_runs
    from flows.server import hold_lock, start_local_server, stop

    # Ctrl-C stops the service even when started with SIGINT ignored (as `cmd &` does in a
    # script); SIGTERM ends it the same way: through the `finally` below, exit code 0.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # Prefect's runner, on SIGTERM, leaves a coroutine unawaited; its warning is noise here.
    warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
    home = _prefect_home(args.prefect_home)
    server = None
    api = os.environ.get("PREFECT_API_URL")
    if api:
        digest = hashlib.sha256(api.encode()).hexdigest()[:12]
        lock = hold_lock(home / f"serve-{digest}.lock", f"monitor/claimwatch on {api}")
    else:
        lock = hold_lock(home / "serve.lock", f"the Prefect home {home}")
        api = f"http://{args.host}:{args.port}/api"
        print(f"claimwatch: starting a local Prefect server on {api} ...", file=sys.stderr)
        server = start_local_server(args.host, args.port, home)
        os.environ["PREFECT_API_URL"] = api
    dashboard = api.removesuffix("/api")
    try:
        with temporary_settings(updates={PREFECT_API_URL: api}):
            _check_api(api)
            if server is not None:
                release_unfinished_runs()
            planned = deployments(schedule, **_parameters(settings, args))
            if args.now:
                for deployment in planned:
                    deployment_id = deployment.apply()
                    with get_client(sync_client=True) as client:
                        client.create_flow_run_from_deployment(deployment_id)
            print(
                f"claimwatch: serving monitor/{planned[0].name}, {schedule.describe()}; "
                f"dashboard at {dashboard} (Ctrl-C stops)",
                file=sys.stderr,
            )
            # The schedule stays active when the service stops, so a restart continues it.
            try:
                serve(*planned, print_starting_message=False, pause_on_shutdown=False)
            finally:
                _release(release_unfinished_runs)
                print("claimwatch: stopped", file=sys.stderr)
    finally:
        if server is not None:
            stop(server, home)
        lock.close()
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 while a runner serves the deployment (Prefect marks it READY while polled)."""
    import httpx

    api = os.environ.get("PREFECT_API_URL") or f"http://{args.host}:{args.port}/api"
    try:
        response = httpx.get(f"{api}/deployments/name/monitor/claimwatch", timeout=5)
    except httpx.HTTPError as exc:
        raise PrefectUnreachable(f"the Prefect API at {api} does not answer: {exc}") from exc
    if response.status_code == 404:
        raise NotServed(f"monitor/claimwatch is not deployed on {api}")
    status = response.json().get("status") if response.is_success else response.status_code
    if status != "READY":
        raise NotServed(f"monitor/claimwatch is not being served (status {status})")
    print("claimwatch: monitor/claimwatch is being served", file=sys.stderr)
    return 0


def _release(release: Callable[[], int]) -> None:
    """Release the unfinished passes when the API still answers; say so when it does not."""
    import httpx

    try:
        release()
    except httpx.HTTPError as exc:
        print(f"claimwatch: could not mark unfinished passes Crashed: {exc}", file=sys.stderr)


def _check_api(api: str) -> None:
    """One line naming the URL when the Prefect API does not answer."""
    from flows.server import api_healthy

    if not api_healthy(api):
        raise PrefectUnreachable(f"the Prefect API at {api} does not answer (PREFECT_API_URL)")
