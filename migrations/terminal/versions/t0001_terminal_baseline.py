"""Terminal baseline: the mirrored inv/pos tables and the local outbox, counters, settings,
sync state, staff, audit log and parked sales.

Money and quantities are INTEGERs scaled by 10^scale, timestamps fixed-width UTC text
(see arcoiris_shared/db/types.py). Never edit once released; later changes are new revisions.

Revision ID: t0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("approver_id", sa.Uuid(), nullable=True),
        sa.Column("sale_id", sa.Uuid(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_occurred_at", ["occurred_at"], unique=False)

    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
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
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_customers")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_org_id_email", ["org_id", "email"], unique=False)
        batch_op.create_index("ix_customers_org_id_name", ["org_id", "name"], unique=False)

    op.create_table(
        "items",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("unit", sa.String(length=8), server_default=sa.text("'each'"), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=True),
        sa.Column("tracked", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("weighed", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "unit IN ('each', 'kg', 'g', 'lb', 'l', 'm')", name=op.f("ck_items_unit_valid")
        ),
        sa.CheckConstraint("cost IS NULL OR cost >= 0", name=op.f("ck_items_cost_not_negative")),
        sa.CheckConstraint("price >= 0", name=op.f("ck_items_price_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_items")),
        sa.UniqueConstraint("org_id", "sku", name=op.f("uq_items_org_id_sku")),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_org_id_name", ["org_id", "name"], unique=False)

    op.create_table(
        "locations",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default=sa.text("'store'"), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("kind IN ('store', 'warehouse')", name=op.f("ck_locations_kind_valid")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_locations")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_locations_org_id_code")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("op_id", name=op.f("uq_outbox_op_id")),
    )
    op.create_table(
        "parked_sales",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("parked_at", sa.String(length=32), nullable=False),
        sa.Column("cashier_id", sa.Uuid(), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("cart", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_sales")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "staff",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.String(length=255), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff")),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "tax_rates",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("rate >= 0", name=op.f("ck_tax_rates_rate_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_tax_rates")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_tax_rates_org_id_code")),
    )
    op.create_table(
        "item_barcodes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["items.org_id", "items.id"],
            name=op.f("fk_item_barcodes_org_id_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "barcode", name=op.f("pk_item_barcodes")),
    )
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_item_barcodes_org_id_item_id", ["org_id", "item_id"], unique=False
        )

    op.create_table(
        "item_taxes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("tax_rate_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["items.org_id", "items.id"],
            name=op.f("fk_item_taxes_org_id_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "tax_rate_id"],
            ["tax_rates.org_id", "tax_rates.id"],
            name=op.f("fk_item_taxes_org_id_tax_rate_id_tax_rates"),
        ),
        sa.PrimaryKeyConstraint("org_id", "item_id", "tax_rate_id", name=op.f("pk_item_taxes")),
    )
    op.create_table(
        "stock_levels",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id", "item_id"],
            ["items.org_id", "items.id"],
            name=op.f("fk_stock_levels_org_id_item_id_items"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "location_id"],
            ["locations.org_id", "locations.id"],
            name=op.f("fk_stock_levels_org_id_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("org_id", "item_id", "location_id", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "stock_movements",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("terminal_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "reason IN ('sale', 'refund', 'receipt', 'adjustment', 'count', 'transfer_in', 'transfer_out', 'opening')",
            name=op.f("ck_stock_movements_reason_valid"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity_not_zero")),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movements_org_id_item_id_location_id",
            ["org_id", "item_id", "location_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_stock_movements_org_id_source_id", ["org_id", "source_id"], unique=False
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
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'revoked')", name=op.f("ck_terminals_status_valid")
        ),
        sa.ForeignKeyConstraint(
            ["org_id", "location_id"],
            ["locations.org_id", "locations.id"],
            name=op.f("fk_terminals_org_id_location_id_locations"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_terminals")),
        sa.UniqueConstraint("org_id", "code", name=op.f("uq_terminals_org_id_code")),
    )
    op.create_table(
        "shifts",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("terminal_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default=sa.text("'open'"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=False),
        sa.Column("opened_at", sa.String(length=32), nullable=False),
        sa.Column("opening_float", sa.BigInteger(), nullable=False),
        sa.Column("closed_by", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("expected_cash", sa.BigInteger(), nullable=True),
        sa.Column("counted_cash", sa.BigInteger(), nullable=True),
        sa.Column("over_short", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_shifts_status_valid")),
        sa.CheckConstraint("opening_float >= 0", name=op.f("ck_shifts_opening_float_not_negative")),
        sa.ForeignKeyConstraint(
            ["org_id", "terminal_id"],
            ["terminals.org_id", "terminals.id"],
            name=op.f("fk_shifts_org_id_terminal_id_terminals"),
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_shifts")),
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
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("discount_total", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("tax_total", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("cash_rounding", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "kind = 'refund' OR refund_of_sale_id IS NULL",
            name=op.f("ck_sales_only_refunds_point_at_sales"),
        ),
        sa.CheckConstraint("kind IN ('sale', 'refund')", name=op.f("ck_sales_kind_valid")),
        sa.CheckConstraint(
            "tax_rounding IN ('per_line', 'per_receipt')", name=op.f("ck_sales_tax_rounding_valid")
        ),
        sa.PrimaryKeyConstraint("org_id", "id", name=op.f("pk_sales")),
        sa.UniqueConstraint("org_id", "receipt_code", name=op.f("uq_sales_org_id_receipt_code")),
        sa.UniqueConstraint(
            "org_id",
            "terminal_id",
            "receipt_no",
            name=op.f("uq_sales_org_id_terminal_id_receipt_no"),
        ),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sales_org_id_occurred_at", ["org_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_sales_org_id_refund_of_sale_id", ["org_id", "refund_of_sale_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("payment_no", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("tendered", sa.BigInteger(), nullable=True),
        sa.Column("change", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "method IN ('cash', 'card', 'voucher', 'other')", name=op.f("ck_payments_method_valid")
        ),
        sa.CheckConstraint("change >= 0", name=op.f("ck_payments_change_not_negative")),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "payment_no", name=op.f("pk_payments")),
    )
    op.create_table(
        "sale_lines",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("line_discount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("sale_discount", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("unit_cost", sa.BigInteger(), nullable=True),
        sa.Column("taxes", sa.JSON(), nullable=False),
        sa.Column(
            "price_overridden", sa.Boolean(), server_default=sa.text("(false)"), nullable=False
        ),
        sa.Column("refund_of_line_no", sa.Integer(), nullable=True),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_sale_lines_quantity_not_zero")),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "line_no", name=op.f("pk_sale_lines")),
    )
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.create_index("ix_sale_lines_org_id_item_id", ["org_id", "item_id"], unique=False)

    op.create_table(
        "sale_taxes",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("sale_id", sa.Uuid(), nullable=False),
        sa.Column("tax_code", sa.String(length=16), nullable=False),
        sa.Column("tax_name", sa.String(length=80), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("base", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", "sale_id", "tax_code", name=op.f("pk_sale_taxes")),
    )


def downgrade() -> None:

    op.drop_table("sale_taxes")
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_sale_lines_org_id_item_id")

    op.drop_table("sale_lines")
    op.drop_table("payments")
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index("ix_sales_org_id_refund_of_sale_id")
        batch_op.drop_index("ix_sales_org_id_occurred_at")

    op.drop_table("sales")
    op.drop_table("shifts")
    op.drop_table("terminals")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_movements_org_id_source_id")
        batch_op.drop_index("ix_stock_movements_org_id_item_id_location_id")

    op.drop_table("stock_movements")
    op.drop_table("stock_levels")
    op.drop_table("item_taxes")
    with op.batch_alter_table("item_barcodes", schema=None) as batch_op:
        batch_op.drop_index("ix_item_barcodes_org_id_item_id")

    op.drop_table("item_barcodes")
    op.drop_table("tax_rates")
    op.drop_table("sync_state")
    op.drop_table("staff")
    op.drop_table("settings")
    op.drop_table("parked_sales")
    op.drop_table("outbox")
    op.drop_table("locations")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_org_id_name")

    op.drop_table("items")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_org_id_name")
        batch_op.drop_index("ix_customers_org_id_email")

    op.drop_table("customers")
    op.drop_table("counters")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_occurred_at")

    op.drop_table("audit_log")
