"""Stock movements HQ acknowledged but the till may not yet see in HQ's levels (see
``arcoiris_desktop.db.local.AckedMovement``).

Revision ID: t0006
Revises: t0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0006"
down_revision: str | None = "t0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "acked_movements",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", "line", name=op.f("pk_acked_movements")),
    )
    op.create_index("ix_acked_movements_item_id", "acked_movements", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_acked_movements_item_id", table_name="acked_movements")
    op.drop_table("acked_movements")
