"""The manager's day: paid ins and outs (``pos.cash_movements``, amounts signed as they move
the drawer), the shift's Z number, over/short reason and counts by denomination, items'
reorder points, the tills' audit logs at HQ (``pos.audit_events``, HQ only), and the
ledger accounts a paid in or out may be booked to for orgs made before them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# sync_server.accounting.chart's accounts as they were added with this revision (a
# migration never imports the living chart: it may change after).
_NEW_ACCOUNTS = (
    ("4800", "Other income", "revenue", "other_income"),
    ("6100", "Petty cash expenses", "expense", "petty_cash"),
    ("6110", "Shop supplies", "expense", "supplies"),
    ("6120", "Postage and delivery", "expense", "postage"),
)


def upgrade() -> None:
    op.add_column("shifts", sa.Column("z_number", sa.Integer(), nullable=True), schema="pos")
    op.add_column(
        "shifts", sa.Column("over_short_reason", sa.String(length=200), nullable=True), schema="pos"
    )
    op.add_column(
        "shifts", sa.Column("opening_count", postgresql.JSONB(), nullable=True), schema="pos"
    )
    op.add_column(
        "shifts", sa.Column("closing_count", postgresql.JSONB(), nullable=True), schema="pos"
    )
    op.create_index(
        "ix_shifts_org_id_terminal_id_z_number",
        "shifts",
        ["org_id", "terminal_id", "z_number"],
        unique=True,
        schema="pos",
    )
    op.add_column(
        "items", sa.Column("reorder_point", sa.Numeric(14, 3), nullable=True), schema="inv"
    )
    op.create_table(
        "cash_movements",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(19, 4), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('paid_in', 'paid_out')", name=op.f("ck_cash_movements_kind_valid")
        ),
        sa.CheckConstraint(
            "(kind = 'paid_in' AND amount > 0) OR (kind = 'paid_out' AND amount < 0)",
            name=op.f("ck_cash_movements_amount_signed_by_kind"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_cash_movements")),
        schema="pos",
    )
    op.create_index(
        "ix_cash_movements_org_id_shift_id", "cash_movements", ["org_id", "shift_id"], schema="pos"
    )
    op.create_index(
        "ix_cash_movements_org_id_occurred_at",
        "cash_movements",
        ["org_id", "occurred_at"],
        schema="pos",
    )
    op.create_table(
        "audit_events",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("approver_id", sa.Uuid(), nullable=True),
        sa.Column("sale_id", sa.Uuid(), nullable=True),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("details", postgresql.JSONB(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_audit_events")),
        schema="pos",
    )
    op.create_index(
        "ix_audit_events_org_id_occurred_at",
        "audit_events",
        ["org_id", "occurred_at"],
        schema="pos",
    )
    op.create_index(
        "ix_audit_events_org_id_shift_id", "audit_events", ["org_id", "shift_id"], schema="pos"
    )
    # Orgs made before these accounts existed get them. An org that already has the key
    # keeps its own account; one that used the code for something else (6100 Rent, say)
    # gets the account under its key as the code (PETTY_CASH), which it may renumber.
    for code, name, type_, key in _NEW_ACCOUNTS:
        for use in (code, key.upper()):
            op.execute(
                sa.text(
                    """
                    INSERT INTO acct.chart_of_accounts
                           (org_id, id, code, name, type, system_key, is_active, created_at)
                    SELECT o.id, gen_random_uuid(), :code, :name, :type, :key, true, now()
                      FROM core.organizations o
                     WHERE NOT EXISTS (SELECT 1 FROM acct.chart_of_accounts a
                                        WHERE a.org_id = o.id
                                          AND (a.code = :code OR a.system_key = :key))
                    """
                ).bindparams(code=use, name=name, type=type_, key=key)
            )


def downgrade() -> None:
    op.execute(
        sa.text(
            """
            DELETE FROM acct.chart_of_accounts a
             WHERE a.system_key = ANY(:keys)
               AND NOT EXISTS (SELECT 1 FROM acct.journal_lines l
                                WHERE l.org_id = a.org_id AND l.account_id = a.id)
               AND NOT EXISTS (SELECT 1 FROM acct.balances b
                                WHERE b.org_id = a.org_id AND b.account_id = a.id)
            """
        ).bindparams(keys=[key for *_, key in _NEW_ACCOUNTS])
    )
    op.drop_index("ix_audit_events_org_id_shift_id", table_name="audit_events", schema="pos")
    op.drop_index("ix_audit_events_org_id_occurred_at", table_name="audit_events", schema="pos")
    op.drop_table("audit_events", schema="pos")
    op.drop_index("ix_cash_movements_org_id_occurred_at", table_name="cash_movements", schema="pos")
    op.drop_index("ix_cash_movements_org_id_shift_id", table_name="cash_movements", schema="pos")
    op.drop_table("cash_movements", schema="pos")
    op.drop_column("items", "reorder_point", schema="inv")
    op.drop_index("ix_shifts_org_id_terminal_id_z_number", table_name="shifts", schema="pos")
    op.drop_column("shifts", "closing_count", schema="pos")
    op.drop_column("shifts", "opening_count", schema="pos")
    op.drop_column("shifts", "over_short_reason", schema="pos")
    op.drop_column("shifts", "z_number", schema="pos")
