"""Initial system schema: the four schemas core, acct, inv and pos, and every table in them.

The baseline. Never edit it once released; later changes are new revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SCHEMAS = ("core", "acct", "inv", "pos")


def upgrade() -> None:
    for schema in SCHEMAS:
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")

    op.create_table(
        "organizations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "locale", sa.String(length=16), server_default=sa.text("'en_US'"), nullable=False
        ),
        sa.Column(
            "timezone", sa.String(length=64), server_default=sa.text("'UTC'"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
        schema="core",
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        schema="core",
    )
    op.create_index(
        "uq_users_email_lower",
        "users",
        [sa.literal_column("lower(email)")],
        unique=True,
        schema="core",
    )
    op.create_table(
        "items",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("unit", sa.String(length=8), server_default=sa.text("'each'"), nullable=False),
        sa.Column("price", sa.Numeric(19, 4), nullable=False),
        sa.Column("cost", sa.Numeric(19, 4), nullable=True),
        sa.Column("tracked", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("weighed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "unit IN ('each', 'kg', 'g', 'lb', 'l', 'm')", name=op.f("ck_items_unit_valid")
        ),
        sa.CheckConstraint("cost IS NULL OR cost >= 0", name=op.f("ck_items_cost_not_negative")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_items_price_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_items")),
        sa.UniqueConstraint("org_id", "sku", name=op.f("uq_items_org_id_sku")),
        schema="inv",
    )
    op.create_index("ix_items_org_id_name", "items", ["org_id", "name"], unique=False, schema="inv")
    op.create_table(
        "locations",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default=sa.text("'store'"), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('store', 'warehouse')", name=op.f("ck_locations_kind_valid")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_locations")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_locations_org_id_code")),
        schema="inv",
    )
    op.create_table(
        "customers",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("tax_id", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_customers")),
        schema="pos",
    )
    op.create_index(
        "ix_customers_org_id_email", "customers", ["org_id", "email"], unique=False, schema="pos"
    )
    op.create_index(
        "ix_customers_org_id_name", "customers", ["org_id", "name"], unique=False, schema="pos"
    )
    op.create_table(
        "tax_rates",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("rate", sa.Numeric(9, 4), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate >= 0", name=op.f("ck_tax_rates_rate_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_tax_rates")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_tax_rates_org_id_code")),
        schema="pos",
    )
    op.create_table(
        "chart_of_accounts",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("system_key", sa.String(length=32), nullable=True),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "type IN ('asset', 'liability', 'equity', 'revenue', 'expense')",
            name=op.f("ck_chart_of_accounts_type_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "parent_id"],
            ["acct.chart_of_accounts.org_id", "acct.chart_of_accounts.id"],
            name=op.f("fk_chart_of_accounts_org_id_parent_id_chart_of_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_chart_of_accounts_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_chart_of_accounts")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_chart_of_accounts_org_id_code")),
        sa.UniqueConstraint(
            "org_id", "system_key", name=op.f("uq_chart_of_accounts_org_id_system_key")
        ),
        schema="acct",
    )
    op.create_table(
        "journals",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_journals_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_journals")),
        sa.UniqueConstraint(
            "org_id",
            "source_type",
            "source_id",
            name=op.f("uq_journals_org_id_source_type_source_id"),
        ),
        schema="acct",
    )
    op.create_index(
        "ix_journals_org_id_entry_date",
        "journals",
        ["org_id", "entry_date"],
        unique=False,
        schema="acct",
    )
    op.create_table(
        "org_settings",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_org_settings_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "key", name=op.f("pk_org_settings")),
        schema="core",
    )
    op.create_table(
        "user_org_roles",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner', 'manager', 'cashier')", name=op.f("ck_user_org_roles_role_valid")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_user_org_roles_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["core.users.id"],
            name=op.f("fk_user_org_roles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "user_id", name=op.f("pk_user_org_roles")),
        schema="core",
    )
    op.create_index(
        "ix_user_org_roles_user_id", "user_org_roles", ["user_id"], unique=False, schema="core"
    )
    op.create_table(
        "item_barcodes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["inv.items.org_id", "inv.items.id"],
            name=op.f("fk_item_barcodes_org_id_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "barcode", name=op.f("pk_item_barcodes")),
        schema="inv",
    )
    op.create_index(
        "ix_item_barcodes_org_id_item_id",
        "item_barcodes",
        ["org_id", "item_id"],
        unique=False,
        schema="inv",
    )
    op.create_table(
        "item_taxes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("tax_rate_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["inv.items.org_id", "inv.items.id"],
            name=op.f("fk_item_taxes_org_id_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "tax_rate_id"],
            ["pos.tax_rates.org_id", "pos.tax_rates.id"],
            name=op.f("fk_item_taxes_org_id_tax_rate_id_tax_rates"),
        ),
        sa.PrimaryKeyConstraint("org_id", "item_id", "tax_rate_id", name=op.f("pk_item_taxes")),
        schema="inv",
    )
    op.create_table(
        "stock_levels",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["inv.items.org_id", "inv.items.id"],
            name=op.f("fk_stock_levels_org_id_item_id_items"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "location_id"],
            ["inv.locations.org_id", "inv.locations.id"],
            name=op.f("fk_stock_levels_org_id_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("org_id", "item_id", "location_id", name=op.f("pk_stock_levels")),
        schema="inv",
    )
    op.create_table(
        "stock_movements",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=False),
        sa.Column("unit_cost", sa.Numeric(19, 4), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("terminal_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reason IN ('sale', 'refund', 'receipt', 'adjustment', 'count', 'transfer_in', 'transfer_out', 'opening')",
            name=op.f("ck_stock_movements_reason_valid"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity_not_zero")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_stock_movements")),
        schema="inv",
    )
    op.create_index(
        "ix_stock_movements_org_id_item_id_location_id",
        "stock_movements",
        ["org_id", "item_id", "location_id"],
        unique=False,
        schema="inv",
    )
    op.create_index(
        "ix_stock_movements_org_id_source_id",
        "stock_movements",
        ["org_id", "source_id"],
        unique=False,
        schema="inv",
    )
    op.create_table(
        "terminals",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'active'"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'revoked')", name=op.f("ck_terminals_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "location_id"],
            ["inv.locations.org_id", "inv.locations.id"],
            name=op.f("fk_terminals_org_id_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_terminals")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_terminals_org_id_code")),
        schema="pos",
    )
    op.create_table(
        "balances",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("debit", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("credit", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "account_id"],
            ["acct.chart_of_accounts.org_id", "acct.chart_of_accounts.id"],
            name=op.f("fk_balances_org_id_account_id_chart_of_accounts"),
        ),
        sa.PrimaryKeyConstraint("org_id", "account_id", "period", name=op.f("pk_balances")),
        schema="acct",
    )
    op.create_table(
        "bank_accounts",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("bank_name", sa.String(length=120), nullable=True),
        sa.Column("account_last4", sa.String(length=4), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gl_account_id", sa.Uuid(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "gl_account_id"],
            ["acct.chart_of_accounts.org_id", "acct.chart_of_accounts.id"],
            name=op.f("fk_bank_accounts_org_id_gl_account_id_chart_of_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["core.organizations.id"],
            name=op.f("fk_bank_accounts_org_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_bank_accounts")),
        schema="acct",
    )
    op.create_table(
        "journal_lines",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("journal_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("debit", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("credit", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("memo", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(debit = 0) <> (credit = 0)", name=op.f("ck_journal_lines_one_side_only")
        ),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0", name=op.f("ck_journal_lines_amounts_not_negative")
        ),
        sa.PrimaryKeyConstraint("org_id", "journal_id", "line_no", name=op.f("pk_journal_lines")),
        schema="acct",
    )
    op.create_index(
        "ix_journal_lines_org_id_account_id",
        "journal_lines",
        ["org_id", "account_id"],
        unique=False,
        schema="acct",
    )
    op.create_table(
        "shifts",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default=sa.text("'open'"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opening_float", sa.Numeric(19, 4), nullable=False),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_cash", sa.Numeric(19, 4), nullable=True),
        sa.Column("counted_cash", sa.Numeric(19, 4), nullable=True),
        sa.Column("over_short", sa.Numeric(19, 4), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_shifts_status_valid")),
        sa.CheckConstraint("opening_float >= 0", name=op.f("ck_shifts_opening_float_not_negative")),
        sa.ForeignKeyConstraint(
            ["org_id", "terminal_id"],
            ["pos.terminals.org_id", "pos.terminals.id"],
            name=op.f("fk_shifts_org_id_terminal_id_terminals"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_shifts")),
        schema="pos",
    )
    op.create_table(
        "sales",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default=sa.text("'sale'"), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("shift_id", sa.Uuid(), nullable=True),
        sa.Column("receipt_no", sa.Integer(), nullable=False),
        sa.Column("receipt_code", sa.String(length=32), nullable=False),
        sa.Column("refund_of_sale_id", sa.Uuid(), nullable=True),
        sa.Column("cashier_id", sa.Uuid(), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("prices_include_tax", sa.Boolean(), nullable=False),
        sa.Column(
            "tax_rounding",
            sa.String(length=16),
            server_default=sa.text("'per_line'"),
            nullable=False,
        ),
        sa.Column("gross", sa.Numeric(19, 4), nullable=False),
        sa.Column("discount_total", sa.Numeric(19, 4), nullable=False),
        sa.Column("net", sa.Numeric(19, 4), nullable=False),
        sa.Column("tax_total", sa.Numeric(19, 4), nullable=False),
        sa.Column("total", sa.Numeric(19, 4), nullable=False),
        sa.Column("cash_rounding", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'refund' OR refund_of_sale_id IS NULL",
            name=op.f("ck_sales_only_refunds_point_at_sales"),
        ),
        sa.CheckConstraint("kind IN ('sale', 'refund')", name=op.f("ck_sales_kind_valid")),
        sa.CheckConstraint(
            "tax_rounding IN ('per_line', 'per_receipt')", name=op.f("ck_sales_tax_rounding_valid")
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "customer_id"],
            ["pos.customers.org_id", "pos.customers.id"],
            name=op.f("fk_sales_org_id_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "location_id"],
            ["inv.locations.org_id", "inv.locations.id"],
            name=op.f("fk_sales_org_id_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "refund_of_sale_id"],
            ["pos.sales.org_id", "pos.sales.id"],
            name="fk_sales_org_id_refund_of_sale_id_sales",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "shift_id"],
            ["pos.shifts.org_id", "pos.shifts.id"],
            name=op.f("fk_sales_org_id_shift_id_shifts"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "terminal_id"],
            ["pos.terminals.org_id", "pos.terminals.id"],
            name=op.f("fk_sales_org_id_terminal_id_terminals"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_sales")),
        sa.UniqueConstraint("org_id", "receipt_code", name=op.f("uq_sales_org_id_receipt_code")),
        sa.UniqueConstraint(
            "org_id",
            "terminal_id",
            "receipt_no",
            name=op.f("uq_sales_org_id_terminal_id_receipt_no"),
        ),
        schema="pos",
    )
    op.create_index(
        "ix_sales_org_id_occurred_at",
        "sales",
        ["org_id", "occurred_at"],
        unique=False,
        schema="pos",
    )
    op.create_index(
        "ix_sales_org_id_refund_of_sale_id",
        "sales",
        ["org_id", "refund_of_sale_id"],
        unique=False,
        schema="pos",
    )
    op.create_table(
        "payments",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("payment_no", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(19, 4), nullable=False),
        sa.Column("tendered", sa.Numeric(19, 4), nullable=True),
        sa.Column("change", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "method IN ('cash', 'card', 'voucher', 'other')", name=op.f("ck_payments_method_valid")
        ),
        sa.CheckConstraint("change >= 0", name=op.f("ck_payments_change_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "payment_no", name=op.f("pk_payments")),
        schema="pos",
    )
    op.create_table(
        "sale_lines",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Numeric(14, 3), nullable=False),
        sa.Column("unit_price", sa.Numeric(19, 4), nullable=False),
        sa.Column("gross", sa.Numeric(19, 4), nullable=False),
        sa.Column("line_discount", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("sale_discount", sa.Numeric(19, 4), server_default=sa.text("0"), nullable=False),
        sa.Column("net", sa.Numeric(19, 4), nullable=False),
        sa.Column("tax", sa.Numeric(19, 4), nullable=False),
        sa.Column("total", sa.Numeric(19, 4), nullable=False),
        sa.Column("unit_cost", sa.Numeric(19, 4), nullable=True),
        sa.Column("taxes", postgresql.JSONB(), nullable=False),
        sa.Column(
            "price_overridden", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("refund_of_line_no", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_sale_lines_quantity_not_zero")),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "line_no", name=op.f("pk_sale_lines")),
        schema="pos",
    )
    op.create_index(
        "ix_sale_lines_org_id_item_id",
        "sale_lines",
        ["org_id", "item_id"],
        unique=False,
        schema="pos",
    )
    op.create_table(
        "sale_taxes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("tax_code", sa.String(length=16), nullable=False),
        sa.Column("tax_name", sa.String(length=80), nullable=False),
        sa.Column("rate", sa.Numeric(9, 4), nullable=False),
        sa.Column("base", sa.Numeric(19, 4), nullable=False),
        sa.Column("amount", sa.Numeric(19, 4), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "tax_code", name=op.f("pk_sale_taxes")),
        schema="pos",
    )


def downgrade() -> None:

    op.drop_table("sale_taxes", schema="pos")
    op.drop_index("ix_sale_lines_org_id_item_id", table_name="sale_lines", schema="pos")
    op.drop_table("sale_lines", schema="pos")
    op.drop_table("payments", schema="pos")
    op.drop_index("ix_sales_org_id_refund_of_sale_id", table_name="sales", schema="pos")
    op.drop_index("ix_sales_org_id_occurred_at", table_name="sales", schema="pos")
    op.drop_table("sales", schema="pos")
    op.drop_table("shifts", schema="pos")
    op.drop_index("ix_journal_lines_org_id_account_id", table_name="journal_lines", schema="acct")
    op.drop_table("journal_lines", schema="acct")
    op.drop_table("bank_accounts", schema="acct")
    op.drop_table("balances", schema="acct")
    op.drop_table("terminals", schema="pos")
    op.drop_index("ix_stock_movements_org_id_source_id", table_name="stock_movements", schema="inv")
    op.drop_index(
        "ix_stock_movements_org_id_item_id_location_id", table_name="stock_movements", schema="inv"
    )
    op.drop_table("stock_movements", schema="inv")
    op.drop_table("stock_levels", schema="inv")
    op.drop_table("item_taxes", schema="inv")
    op.drop_index("ix_item_barcodes_org_id_item_id", table_name="item_barcodes", schema="inv")
    op.drop_table("item_barcodes", schema="inv")
    op.drop_index("ix_user_org_roles_user_id", table_name="user_org_roles", schema="core")
    op.drop_table("user_org_roles", schema="core")
    op.drop_table("org_settings", schema="core")
    op.drop_index("ix_journals_org_id_entry_date", table_name="journals", schema="acct")
    op.drop_table("journals", schema="acct")
    op.drop_table("chart_of_accounts", schema="acct")
    op.drop_table("tax_rates", schema="pos")
    op.drop_index("ix_customers_org_id_name", table_name="customers", schema="pos")
    op.drop_index("ix_customers_org_id_email", table_name="customers", schema="pos")
    op.drop_table("customers", schema="pos")
    op.drop_table("locations", schema="inv")
    op.drop_index("ix_items_org_id_name", table_name="items", schema="inv")
    op.drop_table("items", schema="inv")
    op.drop_index("uq_users_email_lower", table_name="users", schema="core")
    op.drop_table("users", schema="core")
    op.drop_table("organizations", schema="core")
    for schema in reversed(SCHEMAS):
        op.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
