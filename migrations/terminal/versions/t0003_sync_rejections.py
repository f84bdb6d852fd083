"""Sync: the ops HQ rejected, kept for the manager's screen; the keys a catalog snapshot
delivered, so what it did not can be retired.

Revision ID: t0003
Revises: t0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0003"
down_revision: str | None = "t0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_rejections",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("rejected_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_rejections")),
    )
    op.create_table(
        "sync_snapshot_seen",
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("entity", "entity_key", name=op.f("pk_sync_snapshot_seen")),
    )


def downgrade() -> None:
    op.drop_table("sync_snapshot_seen")
    op.drop_table("sync_rejections")
