"""Ops as a till pushes them, and the enrol/push calls that carry them: the factories the
server's sync tests share.

A sale is built with the shared op models (``arcoiris_shared/ops.py``, the one definition
of each op) as the till builds it, amounts from the shared calculator. Shifts and
customers stay plain dicts: tests hand them values HQ must refuse (25:00, a 13th month),
which a model would not let them build.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D
from typing import Any

from arcoiris_shared.ops import (
    LineRow,
    PaymentRow,
    SaleMovementRow,
    SalePayload,
    SaleRow,
    TaxRow,
)
from arcoiris_shared.tax import LineInput, TaxRate, compute_sale_totals
from tests.server.conftest import OrgWorld

PROTOCOL = {"X-Protocol-Version": "1"}
"""The header every sync request carries."""
STD = TaxRate("STD", "Standard", D("21"))
"""The one tax rate ``sale_op`` sells at."""


def now(minutes: int = 0) -> str:
    """The time ``minutes`` from now, in ISO 8601 with its offset (UTC)."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).isoformat()


def enroll(client, world: OrgWorld, code: str = "T09") -> dict[str, Any]:
    """Enrol a till ``code`` at the world's location as its manager; the enrolment's JSON."""
    r = client.post(
        "/api/sync/enroll",
        headers={**world.manager.headers, **PROTOCOL},
        json={"location_id": world.ids["location_id"], "code": code, "name": f"Till {code}"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def device(enrolled: dict[str, Any]) -> dict[str, str]:
    """The headers an enrolled till sends: its device credential and the protocol."""
    return {"Authorization": f"Device {enrolled['credential']}", **PROTOCOL}


def push(client, enrolled: dict[str, Any], ops: list[dict[str, Any]]):
    """Push ``ops`` as the enrolled till; the raw response."""
    return client.post("/api/sync/push", headers=device(enrolled), json={"ops": ops})


def op(seq: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An op of ``kind`` at ``seq`` carrying ``payload``, with a fresh op id."""
    return {
        "seq": seq,
        "op_id": str(uuid.uuid4()),
        "kind": kind,
        "occurred_at": now(),
        "payload": payload,
    }


def statuses(body: dict[str, Any]) -> list[str]:
    """Each op's status in a push's answer, in order."""
    return [x["status"] for x in body["results"]]


def stock_level(client, world: OrgWorld) -> D:
    """HQ's stock level of the world's item, as its owner reads it."""
    url = f"/api/inventory/stock-levels?item_id={world.ids['item_id']}"
    return D(client.get(url, headers=world.owner.headers).json()["items"][0]["quantity"])


def sale_op(
    world: OrgWorld,
    enrolled: dict[str, Any],
    seq: int,
    *,
    qty: D = D(2),
    item_id: str | None = None,
    kind: str = "sale",
    refund_of: str | None = None,
    cash: bool = True,
) -> dict[str, Any]:
    """A sale (or refund) op as the till writes it: 2.50 each at 21 % inclusive."""
    sale_id = str(uuid.uuid4())
    sign = 1 if kind == "sale" else -1
    totals = compute_sale_totals(
        [LineInput(quantity=qty, unit_price=D("2.50"), rates=(STD,))],
        currency="EUR",
        prices_include_tax=True,
    )
    t = totals.lines[0]
    at = now()
    item = item_id or world.ids["item_id"]
    n = lambda v: str(v * sign)  # noqa: E731 - a refund is the negative of the same sale
    payload = SalePayload(
        sale=SaleRow(
            org_id=str(world.org_id),
            id=sale_id,
            kind=kind,
            terminal_id=enrolled["terminal_id"],
            location_id=world.ids["location_id"],
            shift_id=None,
            receipt_no=seq,
            receipt_code=f"T09-{seq:06d}",
            refund_of_sale_id=refund_of,
            cashier_id=str(world.cashier.user_id),
            approved_by=None,
            customer_id=None,
            currency="EUR",
            prices_include_tax=True,
            tax_rounding="per_line",
            gross=n(totals.gross),
            discount_total="0",
            net=n(totals.net),
            tax_total=n(totals.tax_total),
            total=n(totals.total),
            cash_rounding="0",
            occurred_at=at,
        ),
        lines=[
            LineRow(
                sale_id=sale_id,
                line_no=1,
                item_id=item,
                sku=world.ids["sku"],
                name="Item",
                quantity=n(qty),
                unit_price="2.50",
                gross=n(t.gross),
                line_discount="0",
                sale_discount="0",
                net=n(t.net),
                tax=n(t.tax),
                total=n(t.total),
                unit_cost="1.00",
                taxes=[{"code": "STD", "rate": "21", "base": n(t.net), "amount": n(t.tax)}],
                price_overridden=False,
                refund_of_line_no=1 if refund_of else None,
            )
        ],
        taxes=[
            TaxRow(
                sale_id=sale_id,
                tax_code="STD",
                tax_name="Standard",
                rate="21",
                base=n(totals.net),
                amount=n(totals.tax_total),
            )
        ],
        payments=[
            PaymentRow(
                sale_id=sale_id,
                payment_no=1,
                method="cash" if cash else "card",
                amount=n(totals.total),
                tendered=None,
                change="0",
                reference=None,
                occurred_at=at,
            )
        ],
        movements=[
            SaleMovementRow(
                id=str(uuid.uuid4()),
                item_id=item,
                location_id=world.ids["location_id"],
                quantity=n(-qty),
                unit_cost="1.00",
                reason=kind,
                source_id=sale_id,
                occurred_at=at,
            )
        ],
    ).wire()
    return {
        "seq": seq,
        "op_id": str(uuid.uuid4()),
        "kind": "sale.completed" if kind == "sale" else "sale.refunded",
        "occurred_at": at,
        "payload": payload,
    }


def in_shift(sale: dict[str, Any], shift_id: str) -> dict[str, Any]:
    """The sale op ``sale``, rung up in shift ``shift_id`` (changed in place and returned)."""
    sale["payload"]["sale"]["shift_id"] = shift_id
    return sale


def shift_row(world: OrgWorld, enrolled: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A shift the till opens now on a float of 100.00 (``ShiftRow``); ``extra`` overrides."""
    return {
        "org_id": str(world.org_id),
        "id": str(uuid.uuid4()),
        "terminal_id": enrolled["terminal_id"],
        "currency": "EUR",
        "opened_by": str(world.manager.user_id),
        "opened_at": now(),
        "opening_float": "100.00",
        **extra,
    }


def closed_shift_row(
    shift: dict[str, Any], world: OrgWorld, expected: str, counted: str
) -> dict[str, Any]:
    """``shift`` closed a minute from now by the manager (``ClosedShiftRow``)."""
    return {
        **shift,
        "closed_by": str(world.manager.user_id),
        "closed_at": now(1),
        "expected_cash": expected,
        "counted_cash": counted,
        "over_short": str(D(counted) - D(expected)),
    }


def customer_payload(
    world: OrgWorld, name: str, updated: str, cid: str | None = None
) -> dict[str, Any]:
    """A ``customer.upserted`` payload for ``name`` as of ``updated`` (a new id unless ``cid``)."""
    return {
        "customer": {
            "org_id": str(world.org_id),
            "id": cid or str(uuid.uuid4()),
            "name": name,
            "email": "ana@example.com",
            "phone": "+34 600 000 000",
            "is_active": True,
            "updated_at": updated,
        }
    }
