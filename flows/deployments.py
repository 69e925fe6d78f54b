"""Every deployment of claimwatch, declared in one place."""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment

from feeds.config import Schedule
from flows.monitor import monitor

DEPLOYMENT = "claimwatch"


def deployments(
    schedule: Schedule, config_dir: str, topics_file: str | None, actors_file: str | None
) -> list[RunnerDeployment]:
    """The monitor on its schedule. The database URL is not a parameter: it comes from the
    service's environment, so no password is shown in the dashboard."""
    parameters = {"config_dir": config_dir, "topics_file": topics_file, "actors_file": actors_file}
    timing: dict[str, object] = (
        {"cron": schedule.cron}
        if schedule.cron
        else {"interval": timedelta(seconds=schedule.interval or 900)}
    )
    return [
        monitor.to_deployment(
            name=DEPLOYMENT,
            parameters=parameters,
            description=f"One monitoring pass over {config_dir}/feeds.yaml, {schedule.describe()}.",
            tags=["claimwatch"],
            **timing,  # type: ignore[arg-type]
        )
    ]
