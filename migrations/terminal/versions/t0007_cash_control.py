"""The manager's day: paid ins and outs (``cash_movements``), the Z number, the over/short
reason and the counts by denomination on ``shifts``, items' reorder points, and the shift
and synced id of each audit entry.

Revision ID: t0007
Revises: t0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0007"
down_revision: str | None = "t0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cash_movements",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "(kind = 'paid_in' AND amount > 0) OR (kind = 'paid_out' AND amount < 0)",
            name=op.f("ck_cash_movements_amount_signed_by_kind"),
        ),
        sa.CheckConstraint(
            "kind IN ('paid_in', 'paid_out')", name=op.f("ck_cash_movements_kind_valid")
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_cash_movements")),
    )
    op.create_index("ix_cash_movements_org_id_shift_id", "cash_movements", ["org_id", "shift_id"])
    op.create_index(
        "ix_cash_movements_org_id_occurred_at", "cash_movements", ["org_id", "occurred_at"]
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("z_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("over_short_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("opening_count", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("closing_count", sa.JSON(), nullable=True))
    op.create_index(
        "ix_shifts_org_id_terminal_id_z_number",
        "shifts",
        ["org_id", "terminal_id", "z_number"],
        unique=True,
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reorder_point", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shift_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("event_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("event_id")
        batch_op.drop_column("shift_id")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("reorder_point")
    op.drop_index("ix_shifts_org_id_terminal_id_z_number", table_name="shifts")
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_column("closing_count")
        batch_op.drop_column("opening_count")
        batch_op.drop_column("over_short_reason")
        batch_op.drop_column("z_number")
    op.drop_index("ix_cash_movements_org_id_occurred_at", table_name="cash_movements")
    op.drop_index("ix_cash_movements_org_id_shift_id", table_name="cash_movements")
    op.drop_table("cash_movements")
