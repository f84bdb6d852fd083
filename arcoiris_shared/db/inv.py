"""Inventory tables (schema ``inv``), mirrored on the terminal.

Stock is a ledger: ``stock_movements`` are signed deltas and never change once written;
``stock_levels`` is the running sum per item and location, moved in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import HQ_ONLY, INV, POS, Base, new_id, one_of, org_fk, utcnow
from arcoiris_shared.db.types import Quantity
from arcoiris_shared.enums import LOCATION_KINDS, MOVEMENT_REASONS, UNITS


class Item(Base):
    """A thing the shop sells. ``price`` is in the org's pricing basis (inclusive or not)."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("org_id", "sku"),
        one_of("unit", UNITS),
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
        Index("ix_items_org_id_name", "org_id", "name"),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(8), server_default=text("'each'"))
    price: Mapped[Decimal]
    cost: Mapped[Decimal | None]
    tracked: Mapped[bool] = mapped_column(server_default=text("true"))
    weighed: Mapped[bool] = mapped_column(server_default=text("false"))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # At or below this many in stock the item is low (the manager's takings screen lists
    # it); None: not watched. Set at HQ, synced down with the item.
    reorder_point: Mapped[Decimal | None] = mapped_column(Quantity())


class ItemBarcode(Base):
    """Several barcodes per item; a barcode names one item within an org."""

    __tablename__ = "item_barcodes"
    __table_args__ = (
        org_fk(["item_id"], f"{INV}.items", ondelete="CASCADE"),
        Index("ix_item_barcodes_org_id_item_id", "org_id", "item_id"),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    barcode: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[uuid.UUID]


class ItemTax(Base):
    """The tax rates that apply to an item (several may, each on the net base)."""

    __tablename__ = "item_taxes"
    __table_args__ = (
        org_fk(["item_id"], f"{INV}.items", ondelete="CASCADE"),
        org_fk(["tax_rate_id"], f"{POS}.tax_rates"),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tax_rate_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Location(Base):
    """A store or a warehouse: where stock sits and terminals stand."""

    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        one_of("kind", LOCATION_KINDS),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), server_default=text("'store'"))
    address: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class StockLevel(Base):
    """Opening + Σ movements for one item at one location. Negative is allowed (and flagged)."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        org_fk(["item_id"], f"{INV}.items"),
        org_fk(["location_id"], f"{INV}.locations"),
        # HQ's stock pull reads a store's levels changed since a moment (every till, every
        # sync); the till itself never asks, so its mirror goes without (``HQ_ONLY``).
        Index(
            "ix_stock_levels_org_id_location_id_updated_at",
            "org_id",
            "location_id",
            "updated_at",
            "item_id",
            info={HQ_ONLY: True},
        ),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    location_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity(), server_default=text("0"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StockMovement(Base):
    """One signed change of stock. Immutable: a correction is another movement."""

    __tablename__ = "stock_movements"
    # Movements are appended by the writers of the facts that cause them, references checked
    # first; no per-row FK checks on the hot ingest path (see pos.SaleLine).
    __table_args__ = (
        one_of("reason", MOVEMENT_REASONS),
        CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        Index("ix_stock_movements_org_id_item_id_location_id", "org_id", "item_id", "location_id"),
        Index("ix_stock_movements_org_id_source_id", "org_id", "source_id"),
        {"schema": INV},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    item_id: Mapped[uuid.UUID]
    location_id: Mapped[uuid.UUID]
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_cost: Mapped[Decimal | None]
    reason: Mapped[str] = mapped_column(String(16))
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[uuid.UUID | None]
    terminal_id: Mapped[uuid.UUID | None]
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = [
    "Item",
    "ItemBarcode",
    "ItemTax",
    "Location",
    "StockLevel",
    "StockMovement",
]
