"""Store ops from the tills: the two accounts stock moves post to, for orgs made before;
sales without foreign keys (ingest checks a batch's references at once, see pos.Sale) and
indexed by shift.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_ACCOUNTS = (
    ("2050", "Goods received not invoiced", "liability", "goods_received"),
    ("5100", "Stock adjustments", "expense", "stock_adjustments"),
)


SALE_FKS = (
    ("fk_sales_org_id_customer_id_customers", "customer_id", "pos.customers"),
    ("fk_sales_org_id_location_id_locations", "location_id", "inv.locations"),
    ("fk_sales_org_id_refund_of_sale_id_sales", "refund_of_sale_id", "pos.sales"),
    ("fk_sales_org_id_shift_id_shifts", "shift_id", "pos.shifts"),
    ("fk_sales_org_id_terminal_id_terminals", "terminal_id", "pos.terminals"),
)


def upgrade() -> None:
    for name, _, _ in SALE_FKS:
        op.drop_constraint(name, "sales", schema="pos", type_="foreignkey")
    op.create_index("ix_sales_org_id_shift_id", "sales", ["org_id", "shift_id"], schema="pos")
    for code, name, kind, key in NEW_ACCOUNTS:
        # An org that already uses the code keeps its account; HQ then rejects the stock
        # moves that need this one, with the reason, until someone adds it.
        op.execute(
            f"""
            INSERT INTO acct.chart_of_accounts (org_id, id, code, name, type, system_key)
            SELECT o.id, gen_random_uuid(), '{code}', '{name}', '{kind}', '{key}'
            FROM core.organizations o
            WHERE NOT EXISTS (
                SELECT 1 FROM acct.chart_of_accounts a
                WHERE a.org_id = o.id AND (a.system_key = '{key}' OR a.code = '{code}')
            )
            """
        )


def downgrade() -> None:
    op.drop_index("ix_sales_org_id_shift_id", table_name="sales", schema="pos")
    for name, column, target in SALE_FKS:
        schema, table = target.split(".")
        op.create_foreign_key(
            name,
            "sales",
            table,
            ["org_id", column],
            ["org_id", "id"],
            source_schema="pos",
            referent_schema=schema,
        )
    for code, _, _, key in NEW_ACCOUNTS:
        op.execute(
            f"""
            DELETE FROM acct.chart_of_accounts a
            WHERE a.code = '{code}' AND a.system_key = '{key}'
              AND NOT EXISTS (SELECT 1 FROM acct.journal_lines l
                              WHERE l.org_id = a.org_id AND l.account_id = a.id)
            """
        )
