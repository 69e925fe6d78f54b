"""Every deployment of claimwatch, declared in one place."""

from __future__ import annotations

from datetime import timedelta

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment

from feeds.config import Schedule
from flows.monitor import monitor, monitor_shard
from flows.shards import SHARD_DEPLOYMENT

DEPLOYMENT = "claimwatch"

# One pass at a time: a pass that comes due while the last one still runs is cancelled
# (CANCEL_NEW), not queued, so a slow pass never piles up runs behind it; the next pass on
# the schedule picks up whatever the cancelled one would have fetched.
# A run this much later than one period after its time is skipped: the grace covers a
# slow start of the run's process on a busy machine, which is no outage.
LATE_GRACE = 60.0
ONE_AT_A_TIME = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)


def period(schedule: Schedule) -> float:
    """Seconds between two passes: the interval, or the gap between a cron's next two times."""
    if not schedule.cron:
        return schedule.interval or 900.0
    from prefect.server.schemas.schedules import CronSchedule

    first, second = CronSchedule(cron=schedule.cron).get_dates(n=2)
    return (second - first).total_seconds()


def deployments(
    schedule: Schedule,
    config_dir: str,
    topics_file: str | None,
    actors_file: str | None,
    shards: int = 1,
) -> list[RunnerDeployment]:
    """The monitor on its schedule, and with `shards` > 1 the shard deployment that its
    passes start on the pool. The database URL is not a parameter: it comes from the
    service's (or each worker's) environment, so no password is shown in the dashboard. A
    run that starts more than one period (plus a minute's grace) late, because the service
    was down, is skipped, so a restart does not replay the missed passes in a burst.

    Both are importable by module path (`flows.monitor.monitor`), so a worker loads them
    from the installed claimwatch: a process pool needs no code storage."""
    watch = {"config_dir": config_dir, "topics_file": topics_file, "actors_file": actors_file}
    parameters = {**watch, "skip_late_after": period(schedule) + LATE_GRACE}
    if shards > 1:
        parameters["shards"] = shards
    timing: dict[str, object] = (
        {"cron": schedule.cron}
        if schedule.cron
        else {"interval": timedelta(seconds=schedule.interval or 900)}
    )
    passes = monitor.to_deployment(
        name=DEPLOYMENT,
        parameters=parameters,
        description=f"One monitoring pass over {config_dir}/feeds.yaml, {schedule.describe()}.",
        tags=["claimwatch"],
        concurrency_limit=ONE_AT_A_TIME,
        entrypoint_type=EntrypointType.MODULE_PATH,
        **timing,  # type: ignore[arg-type]
    )
    if shards <= 1:
        return [passes]
    shard = monitor_shard.to_deployment(
        name=SHARD_DEPLOYMENT,
        parameters=watch,
        description=f"One of the {shards} shards of a pass (feeds split by host).",
        tags=["claimwatch"],
        # every shard of one pass at once; a shard of an overlapping pass waits
        concurrency_limit=ConcurrencyLimitConfig(
            limit=shards, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
        ),
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return [passes, shard]


def deploy_to_pool(deployments_: list[RunnerDeployment], pool: str) -> list[str]:
    """Register the deployments on a process work pool (created when missing) of the
    server in PREFECT_API_URL; their full names."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    names = []
    for deployment in deployments_:
        deployment.apply(work_pool_name=pool)
        names.append(f"{deployment.flow_name}/{deployment.name}")
    return names


def release_unfinished_runs() -> int:
    """Mark the passes of this deployment that are still Pending or Running as Crashed.

    Called when `serve` stops (its runner's processes are gone by then) and when it starts
    on its own server (a SIGKILLed `serve` left them): a run that never ends would hold the
    deployment's one concurrency slot until its lease expires, and every scheduled pass
    until then would be cancelled."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    unfinished = FlowRunFilter(
        state=FlowRunFilterState(
            type=FlowRunFilterStateType(
                any_=[StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
            )
        )
    )
    ours = DeploymentFilter(name=DeploymentFilterName(any_=[DEPLOYMENT]))
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=unfinished, deployment_filter=ours)
        for run in runs:
            client.set_flow_run_state(
                run.id, Crashed(message="claimwatch serve stopped during this pass"), force=True
            )
    return len(runs)
