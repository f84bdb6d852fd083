"""A store's stock levels by when they changed: every till's stock pull after its first asks
HQ for the levels changed since a moment, and without this index each one read every level
of the org (a million-item store: ~80 ms of both cores, per till, per sync).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_stock_levels_org_id_location_id_updated_at"


def upgrade() -> None:
    # A plain CREATE INDEX holds off writes to the table while it builds (seconds a million
    # levels). On a large HQ, build it first without that, by hand, then upgrade: this finds
    # it and does nothing.
    #   CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_stock_levels_org_id_location_id_updated_at
    #     ON inv.stock_levels (org_id, location_id, updated_at, item_id);
    op.create_index(
        INDEX,
        "stock_levels",
        ["org_id", "location_id", "updated_at", "item_id"],
        schema="inv",
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="stock_levels", schema="inv", if_exists=True)
