"""The ops the till builds with the shared models say what its ops always said: the same
field names and the same string forms as the rows' columns read by reflection (how the
till built a sale's op before), so HQ reads an op still queued from before exactly as one
built now."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D
from typing import Any

from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import Payment, Sale, SaleLine, SaleTax
from arcoiris_shared.ops import (
    LineRow,
    PaymentRow,
    SaleMovementRow,
    SalePayload,
    SaleRow,
    TaxRow,
)
from arcoiris_shared.sync_protocol import wire_decimal


def _reflected(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row as the till used to put it in an op: every column, by reflection."""
    out: dict[str, Any] = {}
    for c in obj.__table__.columns:
        if c.key in skip:
            continue
        v = getattr(obj, c.key)
        if isinstance(v, D):
            v = wire_decimal(v)
        elif isinstance(v, uuid.UUID):
            v = str(v)
        elif isinstance(v, dt.datetime):
            v = v.isoformat()
        out[c.key] = v
    return out


def _rows() -> tuple[Sale, SaleLine, SaleTax, Payment, StockMovement]:
    org, sale_id, item = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = dt.datetime(2026, 12, 3, 13, 5, 7, 120000, tzinfo=dt.UTC)
    sale = Sale(
        org_id=org, id=sale_id, kind="sale", terminal_id=uuid.uuid4(),
        location_id=uuid.uuid4(), shift_id=uuid.uuid4(), receipt_no=42,
        receipt_code="T01-000042", refund_of_sale_id=None, cashier_id=uuid.uuid4(),
        approved_by=None, customer_id=None, currency="EUR", prices_include_tax=True,
        tax_rounding="per_line", gross=D("10.00"), discount_total=D("0.00"), net=D("8.26"),
        tax_total=D("1.74"), total=D("10.00"), cash_rounding=D("0"), occurred_at=now,
    )  # fmt: skip
    line = SaleLine(
        org_id=org, sale_id=sale_id, line_no=1, item_id=item, sku="MILK", name="Milk 1 l",
        quantity=D("4"), unit_price=D("2.50"), gross=D("10.00"), line_discount=D("0"),
        sale_discount=D("0"), net=D("8.26"), tax=D("1.74"), total=D("10.00"),
        unit_cost=D("1.1000"),
        taxes=[{"code": "STD", "rate": "21", "base": "8.26", "amount": "1.74"}],
        price_overridden=False, refund_of_line_no=None,
    )  # fmt: skip
    tax = SaleTax(
        org_id=org, sale_id=sale_id, tax_code="STD", tax_name="Standard", rate=D("21"),
        base=D("8.26"), amount=D("1.74"),
    )  # fmt: skip
    pay = Payment(
        org_id=org, sale_id=sale_id, payment_no=1, method="cash", amount=D("10.00"),
        tendered=D("20.00"), change=D("10.00"), reference=None, occurred_at=now,
    )  # fmt: skip
    move = StockMovement(
        org_id=org, id=uuid.uuid4(), item_id=item, location_id=sale.location_id,
        quantity=D("-4"), unit_cost=D("1.1000"), reason="sale", source_type="sale",
        source_id=sale_id, terminal_id=sale.terminal_id, note=None, occurred_at=now,
    )  # fmt: skip
    return sale, line, tax, pay, move


def test_a_sale_op_carries_the_columns_in_the_strings_the_till_always_wrote() -> None:
    sale, line, tax, pay, move = _rows()
    new = SalePayload(
        sale=SaleRow.of(sale),
        lines=[LineRow.of(line)],
        taxes=[TaxRow.of(tax)],
        payments=[PaymentRow.of(pay)],
        movements=[SaleMovementRow.of(move)],
    ).wire()
    old = {
        "sale": _reflected(sale, skip=("created_at",)),
        "lines": [_reflected(line)],
        "taxes": [_reflected(tax)],
        "payments": [_reflected(pay)],
        "movements": [_reflected(move, skip=("created_at",))],
    }
    assert new["sale"] == {k: old["sale"][k] for k in new["sale"]}
    for part in ("lines", "taxes", "payments", "movements"):
        (n,), (o,) = new[part], old[part]
        assert n == {k: o[k] for k in n}, part
        assert set(n) <= set(o)
    assert new["sale"]["total"] == "10.00" and new["lines"][0]["unit_cost"] == "1.1000"
    # An op queued before reads as the same op.
    assert SalePayload.model_validate(old) == SalePayload.model_validate(new)
