"""The takings rollup: each local day's sums of sales, refunds, tenders, taxes and items,
kept with every sale from now on (``arcoiris_desktop.db.local.TakingsRollup``) and worked
out here from the sales already on the till.

Revision ID: t0008
Revises: t0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0008"
down_revision: str | None = "t0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "takings_rollup",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("section", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("n", sa.Integer(), server_default=sa.text("0"), nullable=False),
        *(
            sa.Column(f"v{i}", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
            for i in range(1, 7)
        ),
        sa.PrimaryKeyConstraint("day", "section", "key", name=op.f("pk_takings_rollup")),
    )
    # The app's own rebuild, so the sums are worked out exactly as the till keeps them.
    from arcoiris_desktop.sales.rollup import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("takings_rollup")
