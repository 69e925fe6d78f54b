"""page leases (the pass or shard that took a page, and until when) and shard reports

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pages") as batch:
        batch.add_column(sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(80), nullable=True))
    op.create_table(
        "shard_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pass_id", sa.String(64), nullable=False),
        sa.Column("shard", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("pass_id", "shard", name="uq_shard_reports_pass_shard"),
    )
    op.create_index("ix_shard_reports_pass_id", "shard_reports", ["pass_id"])


def downgrade() -> None:
    op.drop_index("ix_shard_reports_pass_id", table_name="shard_reports")
    op.drop_table("shard_reports")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("lease_owner")
        batch.drop_column("leased_until")
