"""Item, location and stock schemas."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from arcoiris_shared.barcodes import InvalidBarcode, validate_barcode
from arcoiris_shared.enums import LocationKind, Unit
from sync_server.schemas import Code, InModel, LongName, MoneyIn, Name, OutModel, QuantityIn


def _barcode(value: str) -> str:
    try:
        return validate_barcode(value)
    except InvalidBarcode as exc:
        raise ValueError(str(exc)) from exc


Barcode = Annotated[str, AfterValidator(_barcode)]
Sku = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$")
]
Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Barcodes = Annotated[list[Barcode], Field(max_length=20)]
# At or below this many in stock the item is low (the till's takings screen lists it).
ReorderPoint = Annotated[QuantityIn, Field(ge=0)]
TaxRateIds = Annotated[list[uuid.UUID], Field(max_length=5)]


def _no_repeats(values: list[str] | list[uuid.UUID] | None, what: str) -> None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError(f"the same {what} is listed twice")


class ItemCreate(InModel):
    sku: Sku
    name: LongName
    category: Category | None = None
    unit: Unit = "each"
    price: MoneyIn
    cost: MoneyIn | None = None
    tracked: bool = True
    weighed: bool = False
    reorder_point: ReorderPoint | None = None
    barcodes: Barcodes = []
    tax_rate_ids: TaxRateIds = []

    @model_validator(mode="after")
    def _consistent(self) -> ItemCreate:
        _no_repeats(self.barcodes, "barcode")
        _no_repeats(self.tax_rate_ids, "tax rate")
        if self.weighed and self.unit == "each":
            raise ValueError("a weighed item is sold by weight or volume, not 'each'")
        return self


class ItemUpdate(InModel):
    """Only the fields given change. ``barcodes``/``tax_rate_ids`` replace the whole list."""

    sku: Sku | None = None
    name: LongName | None = None
    category: Category | None = None
    unit: Unit | None = None
    price: MoneyIn | None = None
    cost: MoneyIn | None = None
    tracked: bool | None = None
    weighed: bool | None = None
    is_active: bool | None = None
    # null stops watching the item's stock
    reorder_point: ReorderPoint | None = None
    barcodes: Barcodes | None = None
    tax_rate_ids: TaxRateIds | None = None

    @model_validator(mode="after")
    def _no_repeats(self) -> ItemUpdate:
        _no_repeats(self.barcodes, "barcode")
        _no_repeats(self.tax_rate_ids, "tax rate")
        return self


class ItemRead(OutModel):
    id: uuid.UUID
    sku: str
    name: str
    category: str | None
    unit: str
    price: Decimal
    cost: Decimal | None
    tracked: bool
    weighed: bool
    is_active: bool
    reorder_point: Decimal | None
    barcodes: list[str]
    tax_rate_ids: list[uuid.UUID]
    created_at: dt.datetime
    updated_at: dt.datetime


class LocationCreate(InModel):
    code: Code
    name: Name
    kind: LocationKind = "store"
    address: Annotated[str, StringConstraints(max_length=500)] | None = None


class LocationUpdate(InModel):
    name: Name | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    is_active: bool | None = None


class LocationRead(OutModel):
    id: uuid.UUID
    code: str
    name: str
    kind: str
    address: str | None
    is_active: bool


class StockLevelRead(OutModel):
    item_id: uuid.UUID
    sku: str
    name: str
    location_id: uuid.UUID
    quantity: Decimal
    negative: bool
    updated_at: dt.datetime


class StockMovementCreate(InModel):
    """A manual movement: goods received, or an adjustment (breakage, theft, found stock)."""

    item_id: uuid.UUID
    location_id: uuid.UUID
    reason: Literal["receipt", "adjustment"]
    quantity: QuantityIn
    unit_cost: MoneyIn | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None

    @field_validator("quantity")
    @classmethod
    def _not_zero(cls, value: Decimal) -> Decimal:
        if value == 0:
            raise ValueError("a movement moves something: quantity cannot be 0")
        return value

    @model_validator(mode="after")
    def _receipts_add(self) -> StockMovementCreate:
        if self.reason == "receipt" and self.quantity < 0:
            raise ValueError("a receipt adds stock: use an adjustment to remove it")
        return self


class StockMovementRead(OutModel):
    id: uuid.UUID
    item_id: uuid.UUID
    location_id: uuid.UUID
    quantity: Decimal
    unit_cost: Decimal | None
    reason: str
    source_type: str | None
    source_id: uuid.UUID | None
    terminal_id: uuid.UUID | None
    note: str | None
    occurred_at: dt.datetime
