"""Point-of-sale tables (schema ``pos``), mirrored on the terminal.

A sale and everything under it is a fact: written once, never updated. A refund is another
row of ``sales`` with ``kind='refund'`` that points at the sale it refunds, with negative
quantities and amounts, so takings are plain sums.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import INV, POS, Base, new_id, one_of, org_fk, utcnow
from arcoiris_shared.db.types import JsonDoc, Quantity, Rate
from arcoiris_shared.enums import (
    CASH_MOVEMENT_KINDS,
    PAYMENT_METHODS,
    SALE_KINDS,
    SHIFT_STATUSES,
    TAX_ROUNDING,
    TERMINAL_STATUSES,
)


class TaxRate(Base):
    """A tax rate as a percentage (``21`` means 21 %)."""

    __tablename__ = "tax_rates"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        CheckConstraint("rate >= 0", name="rate_not_negative"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    rate: Mapped[Decimal] = mapped_column(Rate())
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_org_id_name", "org_id", "name"),
        Index("ix_customers_org_id_email", "org_id", "email"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    tax_id: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Terminal(Base):
    """A till at a store. ``code`` prefixes its receipt numbers (``T01-000042``)."""

    __tablename__ = "terminals"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        org_fk(["location_id"], f"{INV}.locations"),
        one_of("status", TERMINAL_STATUSES),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(80))
    location_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(16), server_default=text("'active'"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime | None]


class Shift(Base):
    """A cash drawer session: opened with a float, closed with a count.

    ``z_number`` is the close's number, gapless per terminal (1, 2, 3 ...), printed on the
    Z report. A count by denomination is kept as ``[[face value, pieces], ...]``, largest
    first, for the float (``opening_count``) and the close (``closing_count``); None when
    the manager counted a total only. ``over_short_reason`` is what the manager said when
    over/short was beyond the org's threshold (``cash.needs_reason``)."""

    __tablename__ = "shifts"
    __table_args__ = (
        org_fk(["terminal_id"], f"{POS}.terminals"),
        one_of("status", SHIFT_STATUSES),
        CheckConstraint("opening_float >= 0", name="opening_float_not_negative"),
        # Unique: one Z number per close of a terminal (an index, not a constraint, so the
        # till's SQLite adds it without rebuilding the table).
        Index(
            "ix_shifts_org_id_terminal_id_z_number",
            "org_id",
            "terminal_id",
            "z_number",
            unique=True,
        ),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    terminal_id: Mapped[uuid.UUID]
    status: Mapped[str] = mapped_column(String(16), server_default=text("'open'"))
    currency: Mapped[str] = mapped_column(String(3))
    opened_by: Mapped[uuid.UUID]
    opened_at: Mapped[dt.datetime]
    opening_float: Mapped[Decimal]
    closed_by: Mapped[uuid.UUID | None]
    closed_at: Mapped[dt.datetime | None]
    expected_cash: Mapped[Decimal | None]
    counted_cash: Mapped[Decimal | None]
    over_short: Mapped[Decimal | None]
    z_number: Mapped[int | None] = mapped_column(Integer)
    over_short_reason: Mapped[str | None] = mapped_column(String(200))
    opening_count: Mapped[list[Any] | None] = mapped_column(JsonDoc())
    closing_count: Mapped[list[Any] | None] = mapped_column(JsonDoc())


class CashMovement(Base):
    """Cash paid into or out of the drawer for something not a sale (change from the bank,
    a window cleaner paid from the till). A fact, like a sale. ``amount`` is signed as it
    moves the drawer (paid out negative), so expected cash is a plain sum; ``account`` is
    the key of the ledger account HQ books the other side to (``cash.CASH_ACCOUNTS``)."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        one_of("kind", CASH_MOVEMENT_KINDS),
        CheckConstraint(
            "(kind = 'paid_in' AND amount > 0) OR (kind = 'paid_out' AND amount < 0)",
            name="amount_signed_by_kind",
        ),
        Index("ix_cash_movements_org_id_shift_id", "org_id", "shift_id"),
        Index("ix_cash_movements_org_id_occurred_at", "org_id", "occurred_at"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    terminal_id: Mapped[uuid.UUID]
    location_id: Mapped[uuid.UUID]
    shift_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    account: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[uuid.UUID]  # who put the money in or took it out
    approved_by: Mapped[uuid.UUID | None]
    occurred_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Sale(Base):
    """A completed sale or refund. Amounts satisfy the totals calculator's invariants."""

    __tablename__ = "sales"
    __table_args__ = (
        UniqueConstraint("org_id", "terminal_id", "receipt_no"),
        UniqueConstraint("org_id", "receipt_code"),
        # No foreign keys: a sale's terminal, store, shift, customer and refunded sale are
        # checked by whoever writes it (the till's services, HQ's ingest, for a whole batch
        # at once) — at ~30 µs a key per row they were a fifth of HQ's ingest (see SaleLine).
        one_of("kind", SALE_KINDS),
        one_of("tax_rounding", TAX_ROUNDING),
        # A refund may lack the sale it returns (a no-receipt return); a sale never has one.
        CheckConstraint(
            "kind = 'refund' OR refund_of_sale_id IS NULL", name="only_refunds_point_at_sales"
        ),
        Index("ix_sales_org_id_occurred_at", "org_id", "occurred_at"),
        Index("ix_sales_org_id_refund_of_sale_id", "org_id", "refund_of_sale_id"),
        Index("ix_sales_org_id_shift_id", "org_id", "shift_id"),  # X and Z reports
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), server_default=text("'sale'"))
    terminal_id: Mapped[uuid.UUID]
    location_id: Mapped[uuid.UUID]
    shift_id: Mapped[uuid.UUID | None]
    receipt_no: Mapped[int] = mapped_column(Integer)
    receipt_code: Mapped[str] = mapped_column(String(32))
    refund_of_sale_id: Mapped[uuid.UUID | None]
    cashier_id: Mapped[uuid.UUID]
    approved_by: Mapped[uuid.UUID | None]
    customer_id: Mapped[uuid.UUID | None]
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool]
    tax_rounding: Mapped[str] = mapped_column(String(16), server_default=text("'per_line'"))
    gross: Mapped[Decimal]
    discount_total: Mapped[Decimal]
    net: Mapped[Decimal]
    tax_total: Mapped[Decimal]
    total: Mapped[Decimal]
    cash_rounding: Mapped[Decimal] = mapped_column(server_default=text("0"))
    occurred_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SaleLine(Base):
    """One line of a sale, with a snapshot of what was sold and its tax breakdown."""

    __tablename__ = "sale_lines"
    # No foreign keys on the rows under a sale (lines, taxes, payments): they are written in
    # the same transaction as the sale, their references checked before writing, and HQ
    # ingests thousands a second, where a per-row FK check would cost more than the row.
    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_sale_lines_org_id_item_id", "org_id", "item_id"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal]
    gross: Mapped[Decimal]
    line_discount: Mapped[Decimal] = mapped_column(server_default=text("0"))
    sale_discount: Mapped[Decimal] = mapped_column(server_default=text("0"))
    net: Mapped[Decimal]
    tax: Mapped[Decimal]
    total: Mapped[Decimal]
    unit_cost: Mapped[Decimal | None]
    # [{"code", "rate", "base", "amount"}] with amounts as strings: what a partial refund
    # needs to give back exactly the tax that was charged.
    taxes: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc())
    price_overridden: Mapped[bool] = mapped_column(server_default=text("false"))
    refund_of_line_no: Mapped[int | None] = mapped_column(Integer)


class SaleTax(Base):
    """The receipt's tax summary: one row per rate."""

    __tablename__ = "sale_taxes"
    __table_args__ = ({"schema": POS},)

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tax_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    tax_name: Mapped[str] = mapped_column(String(80))
    rate: Mapped[Decimal] = mapped_column(Rate())
    base: Mapped[Decimal]
    amount: Mapped[Decimal]


class Payment(Base):
    """A tender applied to a sale. ``amount`` is what it paid; cash also keeps tendered/change."""

    __tablename__ = "payments"
    __table_args__ = (
        one_of("method", PAYMENT_METHODS),
        CheckConstraint("change >= 0", name="change_not_negative"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sale_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    payment_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal]
    tendered: Mapped[Decimal | None]
    change: Mapped[Decimal] = mapped_column(server_default=text("0"))
    reference: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[dt.datetime]
