"""Customer, tax rate, terminal and sale schemas."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import EmailStr, StringConstraints

from sync_server.schemas import InModel, LongName, Name, OutModel, RateIn

Phone = Annotated[str, StringConstraints(pattern=r"^[0-9+()\-. ]{3,32}$")]
TaxId = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Notes = Annotated[str, StringConstraints(max_length=2000)]
TaxCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=16, pattern=r"^\S+$")
]
TerminalCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,16}$")]


class CustomerCreate(InModel):
    name: LongName
    email: EmailStr | None = None
    phone: Phone | None = None
    tax_id: TaxId | None = None
    notes: Notes | None = None


class CustomerUpdate(InModel):
    name: LongName | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    tax_id: TaxId | None = None
    notes: Notes | None = None
    is_active: bool | None = None


class CustomerRead(OutModel):
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None
    tax_id: str | None
    notes: str | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class TaxRateCreate(InModel):
    code: TaxCode
    name: Name
    rate: RateIn


class TaxRateUpdate(InModel):
    name: Name | None = None
    rate: RateIn | None = None
    is_active: bool | None = None


class TaxRateRead(OutModel):
    id: uuid.UUID
    code: str
    name: str
    rate: Decimal
    is_active: bool


class TerminalCreate(InModel):
    code: TerminalCode
    name: Name
    location_id: uuid.UUID


class TerminalUpdate(InModel):
    name: Name | None = None
    status: Literal["active", "revoked"] | None = None


class TerminalRead(OutModel):
    id: uuid.UUID
    code: str
    name: str
    location_id: uuid.UUID
    status: str
    created_at: dt.datetime
    last_seen_at: dt.datetime | None


class SaleLineRead(OutModel):
    line_no: int
    item_id: uuid.UUID
    sku: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    gross: Decimal
    line_discount: Decimal
    sale_discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    taxes: list[dict[str, Any]]
    price_overridden: bool
    refund_of_line_no: int | None


class PaymentRead(OutModel):
    payment_no: int
    method: str
    amount: Decimal
    tendered: Decimal | None
    change: Decimal
    reference: str | None


class SaleTaxRead(OutModel):
    tax_code: str
    tax_name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


class SaleRead(OutModel):
    id: uuid.UUID
    kind: str
    terminal_id: uuid.UUID
    location_id: uuid.UUID
    shift_id: uuid.UUID | None
    receipt_no: int
    receipt_code: str
    refund_of_sale_id: uuid.UUID | None
    cashier_id: uuid.UUID
    customer_id: uuid.UUID | None
    currency: str
    prices_include_tax: bool
    gross: Decimal
    discount_total: Decimal
    net: Decimal
    tax_total: Decimal
    total: Decimal
    cash_rounding: Decimal
    occurred_at: dt.datetime


class SaleDetail(SaleRead):
    lines: list[SaleLineRead]
    payments: list[PaymentRead]
    taxes: list[SaleTaxRead]


class FlaggedSaleRead(SaleRead):
    """A sale HQ recorded but flagged: the shared calculator prices it otherwise."""

    reason: str
    flagged_at: dt.datetime


class FlaggedShiftRead(OutModel):
    """A shift close HQ recorded but flagged: it makes the expected cash different."""

    id: uuid.UUID
    terminal_id: uuid.UUID
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opening_float: Decimal
    expected_cash: Decimal | None
    counted_cash: Decimal | None
    over_short: Decimal | None
    reason: str
    flagged_at: dt.datetime


class ZTaxRead(OutModel):
    code: str
    name: str
    rate: Decimal
    base: str
    amount: str


class ZTenderRead(OutModel):
    method: str
    count: int
    amount: str


class ShiftZRead(OutModel):
    """A shift's Z as HQ works it out itself from the sales, refunds and cash movements it
    received (``arcoiris_shared.takings.z_figures``, the till's own definition). Amounts are
    strings in the currency's places. ``expected_cash`` and ``over_short`` are HQ's;
    ``till_expected_cash`` / ``till_over_short`` are what the till sent with its close, and
    ``agrees`` says the till's close states HQ's figures (False while the shift is open: the
    till has stated nothing yet)."""

    shift_id: uuid.UUID
    terminal_id: uuid.UUID
    status: str
    z_number: int | None
    currency: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    opening_float: str
    sales_count: int
    sales_total: str
    refunds_count: int
    refunds_total: str
    net_takings: str
    gross: str
    discounts: str
    net_excl_tax: str
    tax_total: str
    cash_rounding: str
    tax_by_rate: list[ZTaxRead]
    by_tender: list[ZTenderRead]
    cash_sales: str
    cash_refunds: str
    paid_in: str
    paid_out: str
    movements_count: int
    expected_cash: str
    counted_cash: str | None
    over_short: str | None
    over_short_reason: str | None
    till_expected_cash: str | None
    till_over_short: str | None
    agrees: bool
