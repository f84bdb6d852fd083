"""The store's own ops reaching HQ: shifts opened and closed (with the cash over/short
booked), stock received, adjusted and counted, customers created at a till. Each is
applied once, checked against HQ's data, and a bad one is rejected without blocking the
queue (docs/sync-ops.md)."""

from __future__ import annotations

import uuid
from decimal import Decimal as D
from typing import Any

from sqlalchemy import select

from arcoiris_shared.db.pos import Customer, Sale, Shift
from sync_server.accounting.models import Journal, JournalLine
from tests.server.conftest import OrgWorld
from tests.server.ops import (
    closed_shift_row,
    customer_payload,
    device,
    enroll,
    in_shift,
    now,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
    stock_level,
)


def _tb(client, world: OrgWorld) -> dict[str, D]:
    tb = client.get("/api/accounting/trial-balance", headers=world.owner.headers).json()
    assert tb["balanced"]
    return {r["code"]: D(r["balance"]) for r in tb["rows"]}


def test_a_shift_opens_sells_and_closes_short_and_the_books_say_so(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    ops = [
        op(1, "shift.opened", {"shift": shift}),
        in_shift(sale_op(world_a, enrolled, 2), shift["id"]),  # 5.00 cash
        in_shift(sale_op(world_a, enrolled, 3), shift["id"]),  # 5.00 cash
        # Counted 109.50 against 110.00 expected: 0.50 short.
        op(4, "shift.closed", {"shift": closed_shift_row(shift, world_a, "110.00", "109.50")}),
    ]
    body = push(client, enrolled, ops).json()
    assert statuses(body) == ["applied"] * 4, body

    row = db.scalar(select(Shift).where(Shift.id == uuid.UUID(shift["id"])))
    assert row is not None and row.status == "closed"
    assert (row.expected_cash, row.counted_cash, row.over_short) == (
        D("110.00"),
        D("109.50"),
        D("-0.50"),
    )
    sales = db.scalars(select(Sale).where(Sale.shift_id == row.id)).all()
    assert len(sales) == 2
    journal = db.scalar(select(Journal).where(Journal.source_id == row.id))
    assert journal is not None and journal.source_type == "shift" and "short" in journal.memo
    tb = _tb(client, world_a)
    assert tb["1000"] == D("9.50")  # two cash sales of 5.00, less the 0.50 missing
    assert tb["5900"] == D("0.50")  # the shortage is an expense


def test_a_shift_closed_over_opened_in_an_earlier_push(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    assert statuses(push(client, enrolled, [op(1, "shift.opened", {"shift": shift})]).json())
    closed = closed_shift_row(shift, world_a, "100.00", "100.20")
    body = push(client, enrolled, [op(2, "shift.closed", {"shift": closed})]).json()
    assert statuses(body) == ["applied"]
    row = db.scalar(select(Shift).where(Shift.id == uuid.UUID(shift["id"])))
    assert row is not None and row.status == "closed" and row.over_short == D("0.20")
    tb = _tb(client, world_a)
    assert tb["1000"] == D("0.20") and tb["5900"] == -D("0.20")


def test_shift_ops_that_cannot_be_right_are_rejected_and_the_queue_moves_on(client, db, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    never_opened = shift_row(world_a, enrolled)
    bad_sum = closed_shift_row(shift, world_a, "100.00", "90.00")
    bad_sum["over_short"] = "5.00"
    ops = [
        op(1, "shift.opened", {"shift": shift}),
        op(2, "shift.opened", {"shift": shift}),  # the same shift twice
        op(3, "shift.closed", {"shift": closed_shift_row(never_opened, world_a, "1", "1")}),
        op(4, "shift.closed", {"shift": bad_sum}),
        in_shift(sale_op(world_a, enrolled, 5), str(uuid.uuid4())),  # a shift HQ lacks
        op(6, "shift.closed", {"shift": closed_shift_row(shift, world_a, "100.00", "100.00")}),
        op(7, "shift.closed", {"shift": closed_shift_row(shift, world_a, "100.00", "100.00")}),
        sale_op(world_a, enrolled, 8),
    ]
    body = push(client, enrolled, ops).json()
    results = body["results"]
    assert [x["status"] for x in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "applied",
        "rejected",
        "applied",
    ]
    reasons = [x["reason"] for x in results]
    assert "already recorded" in reasons[1]
    assert "never opened" in reasons[2]
    assert "counted cash minus expected" in reasons[3]
    assert "shift HQ does not have" in reasons[4]
    assert "already closed" in reasons[6]
    # An exact count posts no journal at all.
    assert db.scalar(select(Journal).where(Journal.source_id == uuid.UUID(shift["id"]))) is None


def _moves(world: OrgWorld, *moves: tuple[str, str, str | None], **extra: Any):
    return {
        "movements": [
            {
                "id": str(uuid.uuid4()),
                "item_id": world.ids["item_id"],
                "location_id": world.ids["location_id"],
                "quantity": qty,
                "unit_cost": cost,
                "reason": reason,
                "note": f"{reason} at the till",
                "occurred_at": now(),
            }
            for reason, qty, cost in moves
        ],
        "by": str(world.manager.user_id),
        **extra,
    }


def test_stock_received_adjusted_and_counted_moves_levels_and_books(client, db, world_a):
    enrolled = enroll(client, world_a)
    before = stock_level(client, world_a)
    ops = [
        op(1, "stock.moved", _moves(world_a, ("receipt", "24", "1.00"))),
        op(2, "stock.moved", _moves(world_a, ("adjustment", "-2", "1.00"))),
        op(3, "stock.moved", _moves(world_a, ("count", "-1.5", None))),
        sale_op(world_a, enrolled, 4),  # sells 2
    ]
    body = push(client, enrolled, ops).json()
    assert statuses(body) == ["applied"] * 4, body
    assert stock_level(client, world_a) == before + D("24") - D("2") - D("1.5") - D("2")
    again = push(client, enrolled, ops).json()  # the answer was lost; the till retries
    assert all(x["duplicate"] for x in again["results"])
    assert stock_level(client, world_a) == before + D("18.5")
    tb = _tb(client, world_a)
    # 24 in at 1.00, 2 written off at 1.00, 2 sold at cost 1.00; the count had no cost.
    assert tb["1200"] == D("20.00")
    assert tb["2050"] == -D("24.00")
    assert tb["5100"] == D("2.00")
    journals = db.scalars(select(Journal).where(Journal.source_type == "stock")).all()
    assert len(journals) == 2
    for j in journals:
        lines = db.scalars(select(JournalLine).where(JournalLine.journal_id == j.id)).all()
        assert sum(x.debit for x in lines) == sum(x.credit for x in lines) > 0


def test_stock_moves_that_cannot_be_right_are_rejected(client, world_a, world_b):
    enrolled = enroll(client, world_a)
    before = stock_level(client, world_a)
    other_store = _moves(world_a, ("receipt", "5", None))
    other_store["movements"][0]["location_id"] = str(uuid.uuid4())
    foreign_item = _moves(world_a, ("receipt", "5", None))
    foreign_item["movements"][0]["item_id"] = world_b.ids["item_id"]
    ops = [
        op(1, "stock.moved", other_store),
        op(2, "stock.moved", foreign_item),
        op(3, "stock.moved", _moves(world_a, ("adjustment", "0", None))),
        op(4, "stock.moved", _moves(world_a, ("sale", "-1", None))),  # sales carry their own
        op(5, "stock.moved", _moves(world_a, ("receipt", "3", None))),
    ]
    results = push(client, enrolled, ops).json()["results"]
    assert [x["status"] for x in results] == ["rejected"] * 4 + ["applied"]
    assert "own store" in results[0]["reason"] and "unknown item" in results[1]["reason"]
    assert "zero" in results[2]["reason"] and "malformed" in results[3]["reason"]
    assert stock_level(client, world_a) == before + 3


def test_a_customer_made_at_a_till_reaches_hq_and_every_till(client, db, world_a):
    enrolled = enroll(client, world_a)
    created = customer_payload(world_a, "Ana García", now())
    cid = created["customer"]["id"]
    sale = sale_op(world_a, enrolled, 2)
    sale["payload"]["sale"]["customer_id"] = cid
    body = push(client, enrolled, [op(1, "customer.upserted", created), sale]).json()
    assert statuses(body) == ["applied", "applied"], body
    row = db.scalar(select(Customer).where(Customer.id == uuid.UUID(cid)))
    assert row is not None and row.name == "Ana García"

    # Every till hears of it through pull.
    other = enroll(client, world_a, code="T10")
    snap = client.get("/api/sync/snapshot?entity=customer", headers=device(other)).json()
    assert any(r["id"] == cid and r["name"] == "Ana García" for r in snap["rows"])

    # A stale edit (older than what HQ holds) changes nothing; a newer one wins.
    stale = customer_payload(world_a, "Ana (old)", now(-60), cid)
    newer = customer_payload(world_a, "Ana García López", now(5), cid)
    body = push(
        client, enrolled, [op(3, "customer.upserted", stale), op(4, "customer.upserted", newer)]
    ).json()
    assert statuses(body) == ["applied", "applied"]
    db.expire_all()
    row = db.scalar(select(Customer).where(Customer.id == uuid.UUID(cid)))
    assert row is not None and row.name == "Ana García López"


def test_an_unknown_kind_or_a_malformed_value_is_rejected_alone(client, world_a):
    enrolled = enroll(client, world_a)
    shouting = sale_op(world_a, enrolled, 2)
    shouting["payload"]["sale"]["id"] = shouting["payload"]["sale"]["id"].upper()
    tabbed = sale_op(world_a, enrolled, 3)
    tabbed["payload"]["lines"][0]["unit_price"] = "2.50\t1"
    too_precise = sale_op(world_a, enrolled, 4)
    too_precise["payload"]["payments"][0]["amount"] = "5.00001"
    ops = [
        op(1, "loyalty.redeemed", {"points": 10}),
        shouting,
        tabbed,
        too_precise,
        sale_op(world_a, enrolled, 5),
    ]
    results = push(client, enrolled, ops).json()["results"]
    assert [x["status"] for x in results] == ["rejected"] * 4 + ["applied"]
    assert "not an op this server accepts" in results[0]["reason"]
    assert "sale.id" in results[1]["reason"]
    assert "lines.0.unit_price" in results[2]["reason"]
    assert "payments.0.amount" in results[3]["reason"]


def test_a_push_that_is_not_json_gets_422_and_changes_nothing(client, world_a):
    enrolled = enroll(client, world_a)
    for raw in (b'{"ops": [', b"[1,2]", b'{"ops": []}', b"\xff\xfe"):
        r = client.post(
            "/api/sync/push",
            headers={**device(enrolled), "Content-Type": "application/json"},
            content=raw,
        )
        assert r.status_code == 422, raw
        assert r.json()["error"]["code"] == "validation_error"
    body = push(client, enrolled, [sale_op(world_a, enrolled, 1)]).json()
    assert body["last_seq"] == 1


def test_a_push_is_authenticated_before_its_body_is_read(client, world_a):
    """The push route reads its own body (see sync.router.push): a stranger hears 401 and
    learns nothing about the body, and the API document still describes it."""
    enrolled = enroll(client, world_a)
    stranger = {**device(enrolled), "Authorization": f"Device {enrolled['terminal_id']}.nope"}
    r = client.post("/api/sync/push", headers=stranger, content=b'{"ops": [')
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "terminal_unknown"
    r = client.post(
        "/api/sync/push",
        headers=device(enrolled),
        json={"ops": [{"seq": "one"}]},
    )
    assert r.status_code == 422
    assert "body.ops.0.seq" in [d["field"] for d in r.json()["error"]["details"]]
    schema = client.get("/openapi.json").json()["paths"]["/api/sync/push"]["post"]
    body = schema["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["ops"]["items"]["properties"]["op_id"]["format"] == "uuid"
