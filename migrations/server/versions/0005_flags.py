"""Flags: facts HQ recorded but whose figures its own arithmetic does not give (a sale the
shared calculator prices otherwise, a close whose expected cash HQ makes different). HQ
only; written by ingest with the push, listed at /api/pos/sales/flagged and
/api/pos/shifts/flagged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flags",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source_type IN ('sale', 'shift')", name=op.f("ck_flags_source_type_valid")
        ),
        sa.PrimaryKeyConstraint("org_id", "source_type", "source_id", name=op.f("pk_flags")),
        schema="pos",
    )
    op.create_index("ix_flags_org_id_flagged_at", "flags", ["org_id", "flagged_at"], schema="pos")


def downgrade() -> None:
    op.drop_index("ix_flags_org_id_flagged_at", table_name="flags", schema="pos")
    op.drop_table("flags", schema="pos")
