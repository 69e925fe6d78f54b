"""`claimwatch deploy`: register the monitor on a Prefect work pool, for workers to run."""

from __future__ import annotations

import argparse
import os
import sys

from claimwatch.commands import settings_from
from claimwatch.errors import ConfigError
from claimwatch.service import _check_api, _parameters
from extractors.watchlist import load_watchlist

DATABASE_ENV = "CLAIMWATCH_DATABASE_URL"


def cmd_deploy(args: argparse.Namespace) -> int:
    api = os.environ.get("PREFECT_API_URL")
    if not api:
        raise ConfigError("PREFECT_API_URL is not set: deploy registers on a running server")
    settings = settings_from(args)
    feeds = settings.feeds()  # a wrong config is one error here, not a failed pass later
    settings.routes()
    load_watchlist(settings.topics_file, settings.actors_file)
    _check_api(api)
    from flows.deployments import deploy_to_pool, deployments

    planned = deployments(feeds.schedule, **_parameters(settings, args), shards=args.shards)
    names = deploy_to_pool(planned, args.pool)
    shards = f" in {args.shards} shards" if args.shards > 1 else ""
    print(
        f"claimwatch: deployed {', '.join(names)} on work pool {args.pool!r}{shards}, "
        f"{feeds.schedule.describe()}, at {api}",
        file=sys.stderr,
    )
    print(
        f"claimwatch: on each machine, with {DATABASE_ENV} set to the shared PostgreSQL "
        f"and {settings.config_dir.resolve()} readable: prefect worker start --pool {args.pool}",
        file=sys.stderr,
    )
    return 0
