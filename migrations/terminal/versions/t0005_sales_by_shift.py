"""Sales indexed by shift: the X and Z reports read one shift's sales, not the whole till's
history (and the Z report does it inside the closing write transaction).

Revision ID: t0005
Revises: t0004_pull
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "t0005"
down_revision: str | None = "t0004_pull"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_sales_org_id_shift_id", "sales", ["org_id", "shift_id"])


def downgrade() -> None:
    op.drop_index("ix_sales_org_id_shift_id", table_name="sales")
