"""Store ops from the tills: the two accounts stock moves post to, for orgs made before.

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


def upgrade() -> None:
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
    for code, _, _, key in NEW_ACCOUNTS:
        op.execute(
            f"""
            DELETE FROM acct.chart_of_accounts a
            WHERE a.code = '{code}' AND a.system_key = '{key}'
              AND NOT EXISTS (SELECT 1 FROM acct.journal_lines l
                              WHERE l.org_id = a.org_id AND l.account_id = a.id)
            """
        )
