"""What a terminal's ops carry (see docs/sync-ops.md): ONE typed model per op, which the
till builds every op payload with (``Row.of`` a table row, ``Payload.wire()``) and HQ
validates every op against.

A row model's fields are its table's columns (``arcoiris_shared/db``), named the same;
``CARRIED`` says, for each mirrored table an op writes, which model carries it and which of
its columns the op leaves out, and why (HQ stamps them, or they come from elsewhere in the
op). tests/shared/test_ops_cover_tables.py fails when a table gains a column that no op
carries and nobody declared here.

Values are checked in their wire form and kept as the exact strings the till sent: a UUID
is a lower-case canonical UUID string, an amount a plain decimal string with at most four
decimals (trailing zeros aside), a time ISO 8601 with an offset. Ingest writes these
strings straight into PostgreSQL's COPY (which parses them once more, into typed columns)
instead of turning each into a Python object and back: at ~190 values a sale that round
trip was most of ingest's time. The patterns admit nothing COPY would read as a separator,
so a value can never spill into another column or row. Only the amounts a business rule
adds up become ``Decimal`` (``dec``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from arcoiris_shared.cash import payable
from arcoiris_shared.sync_protocol import wire_decimal

Uuid = Annotated[
    str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]
# NUMERIC(19,4): up to 15 integer digits and 4 decimals; trailing zeros past the fourth
# decimal and a zero with an exponent (what Decimal arithmetic can print) change nothing.
Amount = Annotated[str, Field(pattern=r"^-?(\d{1,15}(\.\d{0,4}0*)?|0(\.0*)?E[-+]?\d{1,3})$")]
# NUMERIC(14,3)
Qty = Annotated[str, Field(pattern=r"^-?(\d{1,11}(\.\d{0,3}0*)?|0(\.0*)?E[-+]?\d{1,3})$")]


def _real_instant(value: str) -> str:
    """The pattern admits 2024-02-30 and 25:00; a time must also be one the calendar has
    (else COPY, or the journal's local date, would fail the whole push, not this op)."""
    if not 1900 <= dt.datetime.fromisoformat(value).year <= 2999:
        raise ValueError("the year is out of range")
    return value


Instant = Annotated[
    str,
    Field(pattern=r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d(:?\d\d)?)$"),
    AfterValidator(_real_instant),
]
ZERO = Decimal(0)
Text16 = Annotated[str, Field(min_length=1, max_length=16)]


# A wire amount as a Decimal (the patterns above admit only what Decimal reads exactly).
dec = Decimal


def instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def wire_value(value: Any) -> Any:
    """A column's value as an op carries it: an amount or quantity as ``wire_decimal``
    writes it, an id as its canonical string, a time in ISO 8601 with its offset."""
    if isinstance(value, Decimal):
        return wire_decimal(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


class _Row(BaseModel):
    # The till may add a column before HQ knows it; unknown fields are ignored, not fatal.
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def of(cls, row: Any, **given: Any) -> Self:
        """This model read off a table row (any object with the columns as attributes),
        every field in its wire form; ``given`` values (already in wire form) win."""
        return cls.model_validate(
            {
                name: given[name] if name in given else wire_value(getattr(row, name))
                for name in cls.model_fields
            }
        )

    def wire(self) -> dict[str, Any]:
        """The JSON the op carries."""
        return self.model_dump(mode="json", exclude_none=False)


class SaleRow(_Row):
    org_id: Uuid
    id: Uuid
    kind: Literal["sale", "refund"]
    terminal_id: Uuid
    location_id: Uuid
    shift_id: Uuid | None = None
    receipt_no: Annotated[int, Field(ge=1, lt=2**31)]
    receipt_code: Annotated[str, Field(min_length=1, max_length=32)]
    refund_of_sale_id: Uuid | None = None
    cashier_id: Uuid
    approved_by: Uuid | None = None
    customer_id: Uuid | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    prices_include_tax: bool
    tax_rounding: Literal["per_line", "per_receipt"]
    gross: Amount
    discount_total: Amount
    net: Amount
    tax_total: Amount
    total: Amount
    cash_rounding: Amount = "0"
    occurred_at: Instant


class LineRow(_Row):
    sale_id: Uuid
    line_no: Annotated[int, Field(ge=1, lt=2**31)]
    item_id: Uuid
    sku: Annotated[str, Field(max_length=64)]
    name: Annotated[str, Field(max_length=200)]
    quantity: Qty
    unit_price: Amount
    gross: Amount
    line_discount: Amount = "0"
    sale_discount: Amount = "0"
    net: Amount
    tax: Amount
    total: Amount
    unit_cost: Amount | None = None
    taxes: Annotated[list[dict[str, Any]], Field(max_length=20)] = []
    price_overridden: bool = False
    refund_of_line_no: Annotated[int, Field(ge=1, lt=2**31)] | None = None


class TaxRow(_Row):
    sale_id: Uuid
    tax_code: Text16
    tax_name: Annotated[str, Field(max_length=80)]
    rate: Amount
    base: Amount
    amount: Amount


class PaymentRow(_Row):
    sale_id: Uuid
    payment_no: Annotated[int, Field(ge=1, lt=2**31)]
    method: Literal["cash", "card", "voucher", "other"]
    amount: Amount
    tendered: Amount | None = None
    change: Amount = "0"
    reference: Annotated[str, Field(max_length=64)] | None = None
    occurred_at: Instant


class SaleMovementRow(_Row):
    id: Uuid
    item_id: Uuid
    location_id: Uuid
    quantity: Qty
    unit_cost: Amount | None = None
    reason: Literal["sale", "refund"]
    source_id: Uuid
    occurred_at: Instant


class SalePayload(_Row):
    """``sale.completed`` and ``sale.refunded``."""

    sale: SaleRow
    lines: Annotated[list[LineRow], Field(min_length=1, max_length=1000)]
    taxes: Annotated[list[TaxRow], Field(max_length=50)] = []
    payments: Annotated[list[PaymentRow], Field(max_length=50)] = []
    movements: Annotated[list[SaleMovementRow], Field(max_length=1000)] = []


# A count by denomination, [face value, pieces], largest first (``cash.count_rows``).
Count = Annotated[list[tuple[Amount, Annotated[int, Field(ge=0, lt=2**31)]]], Field(max_length=50)]


class ShiftRow(_Row):
    org_id: Uuid
    id: Uuid
    terminal_id: Uuid
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    opened_by: Uuid
    opened_at: Instant
    opening_float: Amount
    # The float counted note by note (None: a total only, or a till older than the field).
    opening_count: Count | None = None


class ClosedShiftRow(ShiftRow):
    closed_by: Uuid
    closed_at: Instant
    expected_cash: Amount
    counted_cash: Amount
    over_short: Amount
    # Gapless per terminal; None only from a till older than Z numbers.
    z_number: Annotated[int, Field(ge=1, lt=2**31)] | None = None
    over_short_reason: Annotated[str, Field(max_length=200)] | None = None
    closing_count: Count | None = None


class ShiftOpenedPayload(_Row):
    shift: ShiftRow


class ShiftClosedPayload(_Row):
    shift: ClosedShiftRow
    # The close's count as tills before ``closing_count`` sent it (HQ keeps whichever the
    # op carries as the shift's closing count). A till now sends ``shift.closing_count``.
    denominations: Count | None = None

    def wire(self) -> dict[str, Any]:
        out = super().wire()
        if out["denominations"] is None:
            del out["denominations"]
        return out

    @property
    def closing_count(self) -> list[tuple[str, int]] | None:
        return self.shift.closing_count or self.denominations


class CashMovementRow(_Row):
    """A paid in or paid out (``pos.cash_movements``): amount signed as it moves the drawer."""

    org_id: Uuid
    id: Uuid
    terminal_id: Uuid
    location_id: Uuid
    shift_id: Uuid
    kind: Literal["paid_in", "paid_out"]
    amount: Amount
    account: Annotated[str, Field(min_length=1, max_length=32)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]
    staff_id: Uuid
    approved_by: Uuid | None = None
    occurred_at: Instant


class CashMovedPayload(_Row):
    """``cash.moved``."""

    movement: CashMovementRow


class AuditRow(_Row):
    """One entry of the till's audit log (an approval, a void, a no-sale, a failed PIN, a
    refund, a shift opened or closed ...): who did what, who approved it, in which shift."""

    id: Uuid
    terminal_id: Uuid
    action: Annotated[str, Field(min_length=1, max_length=48)]
    actor_id: Uuid | None = None
    approver_id: Uuid | None = None
    sale_id: Uuid | None = None
    shift_id: Uuid | None = None
    details: Annotated[dict[str, Any], Field(max_length=50)] = {}
    occurred_at: Instant


class AuditRecordedPayload(_Row):
    """``audit.recorded``."""

    entry: AuditRow


class StockMoveRow(_Row):
    id: Uuid
    item_id: Uuid
    location_id: Uuid
    quantity: Qty
    unit_cost: Amount | None = None
    reason: Literal["receipt", "adjustment", "count"]
    note: Annotated[str, Field(max_length=500)] | None = None
    occurred_at: Instant


class StockMovedPayload(_Row):
    movements: Annotated[list[StockMoveRow], Field(min_length=1, max_length=1000)]
    by: Uuid
    approved_by: Uuid | None = None

    def wire(self) -> dict[str, Any]:
        # What is not there is left out, as the till has always written this op.
        out = super().wire()
        if out["approved_by"] is None:
            del out["approved_by"]
        for m in out["movements"]:
            for name in ("unit_cost", "note"):
                if m[name] is None:
                    del m[name]
        return out


class CustomerRow(_Row):
    org_id: Uuid
    id: Uuid
    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=32)] | None = None
    tax_id: Annotated[str, Field(max_length=32)] | None = None
    notes: Annotated[str, Field(max_length=2000)] | None = None
    is_active: bool = True
    updated_at: Instant


class CustomerUpsertedPayload(_Row):
    customer: CustomerRow


def check_sale(p: SalePayload) -> str | None:
    """The sums a sale must satisfy, as the shared calculator guarantees them; the first one
    that fails, in words, or None. (One pass over each list, every amount read once: this
    runs for every sale HQ receives.)"""
    s = p.sale
    sid = s.id
    sign = 1 if s.kind == "sale" else -1
    line_total = ZERO
    line_sums_ok = signs_ok = True
    for ln in p.lines:
        if ln.sale_id != sid:
            return "lines or taxes belong to another sale"
        total = Decimal(ln.total)
        line_total += total
        if line_sums_ok and Decimal(ln.net) + Decimal(ln.tax) != total:
            line_sums_ok = False
        if signs_ok and Decimal(ln.quantity) * sign <= 0:
            signs_ok = False
    tax_summary = ZERO
    for t in p.taxes:
        if t.sale_id != sid:
            return "lines or taxes belong to another sale"
        tax_summary += Decimal(t.amount)
    paid = ZERO
    change_ok = True
    for x in p.payments:
        if x.sale_id != sid:
            return "payments or movements belong to another sale"
        paid += Decimal(x.amount)
        if change_ok and Decimal(x.change) < 0:
            change_ok = False
    if any(m.source_id != sid for m in p.movements):
        return "payments or movements belong to another sale"
    if len({ln.line_no for ln in p.lines}) != len(p.lines):
        return "two lines share a line number"
    if len({x.payment_no for x in p.payments}) != len(p.payments):
        return "two payments share a number"
    if len({t.tax_code for t in p.taxes}) != len(p.taxes):
        return "two tax summary rows share a code"
    total, net, tax_total = Decimal(s.total), Decimal(s.net), Decimal(s.tax_total)
    if line_total != total:
        return "the total is not the sum of the lines"
    if net + tax_total != total:
        return "net plus tax is not the total"
    if not line_sums_ok:
        return "a line's net plus tax is not its total"
    if p.taxes and tax_summary != tax_total:
        return "the tax summary does not add up to the tax total"
    if paid != payable(total, Decimal(s.cash_rounding)):
        return "payments do not add up to the total (with cash rounding)"
    if not signs_ok:
        return f"a {s.kind} has a line with the wrong sign"
    if not change_ok:
        return "negative change"
    return None


def check_closed_shift(s: ClosedShiftRow) -> str | None:
    if dec(s.opening_float) < 0:
        return "the opening float is negative"
    if dec(s.counted_cash) < 0:
        return "the counted cash is negative"
    if dec(s.counted_cash) - dec(s.expected_cash) != dec(s.over_short):
        return "over/short is not counted cash minus expected cash"
    if instant(s.closed_at) < instant(s.opened_at):
        return "the shift closes before it opens"
    return None


# Why an op leaves a column out.
HQ_STAMPS = "HQ stamps it when it writes the row"
OF_THE_PUSH = "the pushing terminal's organization (checked against the op's own)"
OF_THE_OP = "HQ fills it from the op (its kind, its terminal, its op id)"
SHIFT_STATE = "HQ sets it from the op's kind (open, then closed)"
AT_CLOSE = "only a close carries it"
NO_NOTE = "a sale's movement has no note"

CARRIED: tuple[tuple[str, type[_Row], dict[str, str]], ...] = (
    ("pos.sales", SaleRow, {"created_at": HQ_STAMPS}),
    ("pos.sale_lines", LineRow, {"org_id": OF_THE_PUSH}),
    ("pos.sale_taxes", TaxRow, {"org_id": OF_THE_PUSH}),
    ("pos.payments", PaymentRow, {"org_id": OF_THE_PUSH}),
    (
        "inv.stock_movements",
        SaleMovementRow,
        {
            "org_id": OF_THE_PUSH,
            "source_type": OF_THE_OP,
            "terminal_id": OF_THE_OP,
            "note": NO_NOTE,
            "created_at": HQ_STAMPS,
        },
    ),
    (
        "inv.stock_movements",
        StockMoveRow,
        {
            "org_id": OF_THE_PUSH,
            "source_type": OF_THE_OP,
            "source_id": OF_THE_OP,
            "terminal_id": OF_THE_OP,
            "created_at": HQ_STAMPS,
        },
    ),
    (
        "pos.shifts",
        ShiftRow,
        {"status": SHIFT_STATE}
        | dict.fromkeys(
            (
                "closed_by",
                "closed_at",
                "expected_cash",
                "counted_cash",
                "over_short",
                "z_number",
                "over_short_reason",
                "closing_count",
            ),
            AT_CLOSE,
        ),
    ),
    ("pos.shifts", ClosedShiftRow, {"status": SHIFT_STATE}),
    ("pos.cash_movements", CashMovementRow, {"created_at": HQ_STAMPS}),
    ("pos.customers", CustomerRow, {"created_at": HQ_STAMPS}),
)
"""(table, the row model that carries it, {column the op leaves out: why})."""
# Mirrored tables no op carries: HQ owns them and the till pulls them (or, for terminals,
# is enrolled with its row); stock levels move by the movements' deltas.
NOT_PUSHED = (
    "pos.tax_rates",
    "pos.terminals",
    "inv.items",
    "inv.item_barcodes",
    "inv.item_taxes",
    "inv.locations",
    "inv.stock_levels",
)
