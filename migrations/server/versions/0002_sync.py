"""Sync: device credentials and push positions, the ops applied (for exactly-once), dead
letters, and the catalog version and change log that pull reads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "catalog_changes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_key", sa.String(length=64), nullable=False),
        sa.Column("deleted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_catalog_changes_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "org_id", "version", "entity", "entity_key", name=op.f("pk_catalog_changes")
        ),
        schema="core",
    )
    op.create_table(
        "catalog_versions",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("floor", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_catalog_versions_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_catalog_versions")),
        schema="core",
    )
    op.create_table(
        "sync_dead_letters",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_sync_dead_letters")),
        schema="pos",
    )
    op.create_index(
        "ix_sync_dead_letters_org_id_received_at",
        "sync_dead_letters",
        ["org_id", "received_at"],
        unique=False,
        schema="pos",
    )
    op.create_table(
        "sync_ops",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('applied', 'rejected')", name=op.f("ck_sync_ops_status_valid")
        ),
        sa.PrimaryKeyConstraint("org_id", "terminal_id", "seq", name=op.f("pk_sync_ops")),
        schema="pos",
    )
    op.create_index(
        "uq_sync_ops_org_id_op_id", "sync_ops", ["org_id", "op_id"], unique=True, schema="pos"
    )
    op.create_table(
        "terminal_devices",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("protocol_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id", "terminal_id"],
            ["pos.terminals.org_id", "pos.terminals.id"],
            name=op.f("fk_terminal_devices_org_id_terminal_id_terminals"),
        ),
        sa.PrimaryKeyConstraint("org_id", "terminal_id", name=op.f("pk_terminal_devices")),
        schema="pos",
    )
    # Orgs that exist already start at version 1: their terminals take a first snapshot.
    op.execute(
        "INSERT INTO core.catalog_versions (org_id, version) SELECT id, 1 FROM core.organizations"
    )


def downgrade() -> None:

    op.drop_table("terminal_devices", schema="pos")
    op.drop_index("uq_sync_ops_org_id_op_id", table_name="sync_ops", schema="pos")
    op.drop_table("sync_ops", schema="pos")
    op.drop_index(
        "ix_sync_dead_letters_org_id_received_at", table_name="sync_dead_letters", schema="pos"
    )
    op.drop_table("sync_dead_letters", schema="pos")
    op.drop_table("catalog_versions", schema="core")
    op.drop_table("catalog_changes", schema="core")
