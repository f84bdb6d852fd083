"""What HQ records but flags (docs/sync-ops.md): a sale whose own sums hold but whose tax
the shared calculator does not give, and a shift close whose expected cash HQ makes
different. Both are recorded as the till sent them, never dropped, and listed for a
manager; what adds up is not flagged."""

from __future__ import annotations

import uuid
from decimal import Decimal as D
from typing import Any

from sqlalchemy import select

from arcoiris_shared.db.pos import Sale, Shift
from sync_server.pos.flags import Flag
from tests.server.ops import (
    closed_shift_row,
    enroll,
    in_shift,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
)


def _tax_moved_into_net(op: dict[str, Any]) -> dict[str, Any]:
    """3 cents of a 5.00 sale's 0.87 tax (21 % inclusive) declared as net instead: every
    sum still holds (net + tax = total, line by line and for the sale), the tax is wrong."""
    p = op["payload"]
    line, summary, sale = p["lines"][0], p["taxes"][0], p["sale"]
    assert (line["net"], line["tax"], line["total"]) == ("4.13", "0.87", "5.00")
    line.update(net="4.16", tax="0.84")
    line["taxes"][0].update(base="4.16", amount="0.84")
    summary.update(base="4.16", amount="0.84")
    sale.update(net="4.16", tax_total="0.84")
    return op


def test_a_sale_whose_tax_the_calculator_does_not_give_is_recorded_and_flagged(client, db, world_a):
    enrolled = enroll(client, world_a)
    wrong = _tax_moved_into_net(sale_op(world_a, enrolled, 1))
    right = sale_op(world_a, enrolled, 2)
    body = push(client, enrolled, [wrong, right]).json()
    assert statuses(body) == ["applied", "applied"], body

    wrong_id = wrong["payload"]["sale"]["id"]
    recorded = db.get(Sale, (world_a.org_id, uuid.UUID(wrong_id)))
    assert recorded is not None and recorded.tax_total == D("0.84")  # as the till sent it

    listed = client.get("/api/pos/sales/flagged", headers=world_a.manager.headers)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [x["id"] for x in items] == [wrong_id]
    assert items[0]["receipt_code"] == "T09-000001"
    assert "tax" in items[0]["reason"] and "0.87" in items[0]["reason"], items[0]["reason"]
    right_id = right["payload"]["sale"]["id"]
    assert db.scalar(select(Flag).where(Flag.source_id == uuid.UUID(right_id))) is None


def test_a_cashier_cannot_list_flagged_sales(client, world_a):
    r = client.get("/api/pos/sales/flagged", headers=world_a.cashier.headers)
    assert r.status_code == 403


def test_a_sale_whose_own_sums_do_not_hold_is_still_rejected(client, db, world_a):
    enrolled = enroll(client, world_a)
    op = sale_op(world_a, enrolled, 1)
    op["payload"]["sale"]["tax_total"] = "0.90"  # net + tax is no longer the total
    body = push(client, enrolled, [op]).json()
    assert statuses(body) == ["rejected"]
    assert body["results"][0]["reason"] == "net plus tax is not the total"
    sale_id = uuid.UUID(op["payload"]["sale"]["id"])
    assert db.get(Sale, (world_a.org_id, sale_id)) is None
    assert db.scalar(select(Flag).where(Flag.source_id == sale_id)) is None


def test_a_close_whose_expected_cash_hq_makes_different_is_recorded_and_flagged(
    client, db, world_a
):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)  # a float of 100.00
    ops = [
        op(1, "shift.opened", {"shift": shift}),
        in_shift(sale_op(world_a, enrolled, 2), shift["id"]),  # 5.00 cash
        # The till says 100.00 should be in the drawer; with the sale HQ makes 105.00.
        op(3, "shift.closed", {"shift": closed_shift_row(shift, world_a, "100.00", "100.00")}),
    ]
    assert statuses(push(client, enrolled, ops).json()) == ["applied"] * 3

    row = db.get(Shift, (world_a.org_id, uuid.UUID(shift["id"])))
    assert row is not None and row.status == "closed"
    assert (row.expected_cash, row.counted_cash) == (D("100.00"), D("100.00"))  # as counted
    listed = client.get("/api/pos/shifts/flagged", headers=world_a.manager.headers).json()
    assert [x["id"] for x in listed["items"]] == [shift["id"]]
    assert "105.00" in listed["items"][0]["reason"]


def test_a_close_that_agrees_with_the_sales_hq_holds_is_not_flagged(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    first = [
        op(1, "shift.opened", {"shift": shift}),
        in_shift(sale_op(world_a, enrolled, 2), shift["id"]),  # 5.00 cash
        in_shift(sale_op(world_a, enrolled, 3, cash=False), shift["id"]),  # card: no cash
    ]
    assert statuses(push(client, enrolled, first).json()) == ["applied"] * 3
    # The next push: one more cash sale, then the close, 100 + 5 (held) + 5 (staged).
    second = [
        in_shift(sale_op(world_a, enrolled, 4), shift["id"]),
        op(5, "shift.closed", {"shift": closed_shift_row(shift, world_a, "110.00", "110.00")}),
    ]
    assert statuses(push(client, enrolled, second).json()) == ["applied"] * 2
    assert db.scalar(select(Flag).where(Flag.source_id == uuid.UUID(shift["id"]))) is None
    listed = client.get("/api/pos/shifts/flagged", headers=world_a.manager.headers).json()
    assert shift["id"] not in [x["id"] for x in listed["items"]]


def _flag_of(db, op: dict[str, Any]) -> str | None:
    sale_id = uuid.UUID(op["payload"]["sale"]["id"])
    return db.scalar(select(Flag.reason).where(Flag.source_id == sale_id))


def test_a_refund_is_checked_as_its_share_of_the_sale_it_returns(client, db, world_a):
    """A full return of a sale pushed earlier is its exact negative: not flagged. A second
    return of the same line returns more than was sold: recorded (the money left the
    drawer) and flagged."""
    enrolled = enroll(client, world_a)
    sale = sale_op(world_a, enrolled, 1, qty=D(2))
    assert statuses(push(client, enrolled, [sale]).json()) == ["applied"]
    sale_id = sale["payload"]["sale"]["id"]
    back = sale_op(world_a, enrolled, 2, qty=D(2), kind="refund", refund_of=sale_id)
    again = sale_op(world_a, enrolled, 3, qty=D(1), kind="refund", refund_of=sale_id)
    body = push(client, enrolled, [back, again]).json()
    assert statuses(body) == ["applied", "applied"], body
    assert _flag_of(db, back) is None
    reason = _flag_of(db, again)
    assert reason is not None and "refund" in reason, reason


def test_a_sale_and_its_return_in_one_push_check_against_each_other(client, db, world_a):
    enrolled = enroll(client, world_a)
    sale = sale_op(world_a, enrolled, 1, qty=D(3))
    sale_id = sale["payload"]["sale"]["id"]
    back = sale_op(world_a, enrolled, 2, qty=D(3), kind="refund", refund_of=sale_id)
    body = push(client, enrolled, [sale, back]).json()
    assert statuses(body) == ["applied", "applied"], body
    assert _flag_of(db, sale) is None and _flag_of(db, back) is None


def test_a_refund_at_another_price_than_the_sale_is_flagged(client, db, world_a):
    enrolled = enroll(client, world_a)
    sale = sale_op(world_a, enrolled, 1, qty=D(2))
    sale_id = sale["payload"]["sale"]["id"]
    back = sale_op(world_a, enrolled, 2, qty=D(2), kind="refund", refund_of=sale_id)
    back["payload"]["lines"][0]["unit_price"] = "2.60"  # the sums still hold
    body = push(client, enrolled, [sale, back]).json()
    assert statuses(body) == ["applied", "applied"], body
    reason = _flag_of(db, back)
    assert reason is not None and "unit price" in reason, reason
