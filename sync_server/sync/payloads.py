"""What a terminal's ops carry, validated: a sale or refund with its lines, tax summary,
payments and stock movements, exactly as the till wrote them (amounts as exact strings).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Amount = Annotated[Decimal, Field(max_digits=19, decimal_places=4, allow_inf_nan=False)]
Qty = Annotated[Decimal, Field(max_digits=14, decimal_places=3, allow_inf_nan=False)]


class _Row(BaseModel):
    # The till may add a column before HQ knows it; unknown fields are ignored, not fatal.
    model_config = ConfigDict(extra="ignore")


class SaleRow(_Row):
    org_id: uuid.UUID
    id: uuid.UUID
    kind: Literal["sale", "refund"]
    terminal_id: uuid.UUID
    location_id: uuid.UUID
    shift_id: uuid.UUID | None = None
    receipt_no: Annotated[int, Field(ge=1)]
    receipt_code: Annotated[str, Field(min_length=1, max_length=32)]
    refund_of_sale_id: uuid.UUID | None = None
    cashier_id: uuid.UUID
    approved_by: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    prices_include_tax: bool
    tax_rounding: Literal["per_line", "per_receipt"]
    gross: Amount
    discount_total: Amount
    net: Amount
    tax_total: Amount
    total: Amount
    cash_rounding: Amount = Decimal(0)
    occurred_at: AwareDatetime


class LineRow(_Row):
    sale_id: uuid.UUID
    line_no: Annotated[int, Field(ge=1)]
    item_id: uuid.UUID
    sku: Annotated[str, Field(max_length=64)]
    name: Annotated[str, Field(max_length=200)]
    quantity: Qty
    unit_price: Amount
    gross: Amount
    line_discount: Amount = Decimal(0)
    sale_discount: Amount = Decimal(0)
    net: Amount
    tax: Amount
    total: Amount
    unit_cost: Amount | None = None
    taxes: list[dict[str, Any]] = []
    price_overridden: bool = False
    refund_of_line_no: int | None = None


class TaxRow(_Row):
    sale_id: uuid.UUID
    tax_code: Annotated[str, Field(max_length=16)]
    tax_name: Annotated[str, Field(max_length=80)]
    rate: Amount
    base: Amount
    amount: Amount


class PaymentRow(_Row):
    sale_id: uuid.UUID
    payment_no: Annotated[int, Field(ge=1)]
    method: Literal["cash", "card", "voucher", "other"]
    amount: Amount
    tendered: Amount | None = None
    change: Amount = Decimal(0)
    reference: Annotated[str, Field(max_length=64)] | None = None
    occurred_at: AwareDatetime


class MovementRow(_Row):
    id: uuid.UUID
    item_id: uuid.UUID
    location_id: uuid.UUID
    quantity: Qty
    unit_cost: Amount | None = None
    reason: Literal["sale", "refund"]
    source_id: uuid.UUID
    occurred_at: AwareDatetime


class SalePayload(_Row):
    sale: SaleRow
    lines: Annotated[list[LineRow], Field(min_length=1, max_length=1000)]
    taxes: Annotated[list[TaxRow], Field(max_length=50)] = []
    payments: Annotated[list[PaymentRow], Field(max_length=50)] = []
    movements: Annotated[list[MovementRow], Field(max_length=1000)] = []


def check_sale(p: SalePayload) -> str | None:
    """The sums a sale must satisfy, as the shared calculator guarantees them; the first one
    that fails, in words, or None."""
    s = p.sale
    if any(ln.sale_id != s.id for ln in p.lines) or any(t.sale_id != s.id for t in p.taxes):
        return "lines or taxes belong to another sale"
    if any(x.sale_id != s.id for x in p.payments) or any(m.source_id != s.id for m in p.movements):
        return "payments or movements belong to another sale"
    if len({ln.line_no for ln in p.lines}) != len(p.lines):
        return "two lines share a line number"
    if len({x.payment_no for x in p.payments}) != len(p.payments):
        return "two payments share a number"
    if sum((ln.total for ln in p.lines), Decimal(0)) != s.total:
        return "the total is not the sum of the lines"
    if s.net + s.tax_total != s.total:
        return "net plus tax is not the total"
    if any(ln.net + ln.tax != ln.total for ln in p.lines):
        return "a line's net plus tax is not its total"
    if p.taxes and sum((t.amount for t in p.taxes), Decimal(0)) != s.tax_total:
        return "the tax summary does not add up to the tax total"
    if sum((x.amount for x in p.payments), Decimal(0)) != s.total + s.cash_rounding:
        return "payments do not add up to the total (with cash rounding)"
    sign = 1 if s.kind == "sale" else -1
    if any(ln.quantity * sign <= 0 for ln in p.lines):
        return f"a {s.kind} has a line with the wrong sign"
    if any(x.change < 0 for x in p.payments):
        return "negative change"
    return None
