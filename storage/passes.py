"""Shard reports: what each shard of a pass did, kept until the pass has read them.

Queries only; sessions come from the caller."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import ShardReport


def save_shard_report(session: Session, pass_id: str, shard: int, report: dict) -> None:
    """Store (or replace, when a shard is run again) one shard's report."""
    row = session.scalars(
        select(ShardReport).where(ShardReport.pass_id == pass_id, ShardReport.shard == shard)
    ).first()
    if row is None:
        session.add(ShardReport(pass_id=pass_id, shard=shard, report=report))
    else:
        row.report = report


def take_shard_reports(session: Session, pass_id: str) -> dict[int, dict]:
    """The reports of a pass's shards by shard number; they are removed once read."""
    rows = list(session.scalars(select(ShardReport).where(ShardReport.pass_id == pass_id)))
    session.execute(delete(ShardReport).where(ShardReport.pass_id == pass_id))
    return {row.shard: row.report for row in rows}
