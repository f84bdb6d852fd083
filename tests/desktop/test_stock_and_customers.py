"""A manager's stock moves and the level the till shows; customers found, quick-added and
named on the receipt. Real SQLite file, real outbox."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.customers.service import CustomerError
from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.sales.service import SaleError
from arcoiris_desktop.stock.service import ManagerRequired, MoveLine, StockError
from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import Customer, Sale
from tests.desktop.conftest import BANANAS_512G, BREAD, MILK


def _ops(db, kind):
    with db.read() as s:
        return s.scalars(select(OutboxOp).where(OutboxOp.kind == kind).order_by(OutboxOp.seq)).all()


def _sell(till, cashier, code, qty=D(1), customer_id=None):
    cart = till.new_cart()
    cart.add_scan(till.scan(code), qty)
    cart.set_customer(customer_id)
    tender = till.new_tender(cart.totals().total)
    tender.add_card(None, "AUTH")
    return till.complete(cart, tender, cashier)


def test_receive_adjust_and_count_move_the_level_once_each(till, db, cashier, manager):
    milk = till.scan(MILK).item
    start = till.stock_of(milk.item_id)
    till.receive_stock(manager, [MoveLine(milk.item_id, D(24), D("1.10"))], note="Delivery 881")
    assert till.stock_of(milk.item_id) == start + 24
    till.adjust_stock(manager, milk.item_id, D(2), why="damage", note="dropped crate")
    assert till.stock_of(milk.item_id) == start + 22
    _sell(till, cashier, MILK, D(3))
    assert till.stock_of(milk.item_id) == start + 19
    move = till.count_stock(manager, milk.item_id, start + 17)  # two are missing
    assert move is not None and move.lines == ((milk.name, D(-2)),)
    assert till.stock_of(milk.item_id) == start + 17
    assert till.count_stock(manager, milk.item_id, start + 17) is None, "nothing to record"

    ops = _ops(db, "stock.moved")
    assert len(ops) == 3
    receipt = ops[0].payload
    assert receipt["by"] == str(manager.user_id) and "approved_by" not in receipt
    (m,) = receipt["movements"]
    assert (m["item_id"], m["location_id"], m["quantity"], m["unit_cost"], m["reason"]) == (
        str(milk.item_id),
        str(till.config.location_id),
        "24",
        "1.10",
        "receipt",
    )
    assert m["note"] == "Delivery 881" and m["occurred_at"]
    assert ops[1].payload["movements"][0]["quantity"] == "-2"
    assert ops[1].payload["movements"][0]["note"] == "damage: dropped crate"
    assert [o.payload["movements"][0]["reason"] for o in ops] == ["receipt", "adjustment", "count"]
    with db.read() as s:
        local = s.scalars(
            select(StockMovement).where(StockMovement.source_type == "stock_move")
        ).all()
    assert sorted(x.quantity for x in local) == [D(-2), D(-2), D(24)]
    assert {str(x.id) for x in local} == {o.payload["movements"][0]["id"] for o in ops}


def test_a_move_hq_has_acknowledged_is_not_counted_twice(till, db, manager):
    milk = till.scan(MILK).item
    start = till.stock_of(milk.item_id)
    till.receive_stock(manager, [MoveLine(milk.item_id, D(5))])
    assert till.stock_of(milk.item_id) == start + 5
    # HQ acknowledges the op (it leaves the outbox) and its level, pulled, includes it.
    from arcoiris_shared.db.inv import StockLevel

    with db.write() as s:
        for op in s.scalars(select(OutboxOp).where(OutboxOp.kind == "stock.moved")):
            s.delete(op)
        level = s.scalars(
            select(StockLevel).where(
                StockLevel.item_id == milk.item_id,
                StockLevel.location_id == till.config.location_id,
            )
        ).one()
        level.quantity += 5
    assert till.stock_of(milk.item_id) == start + 5


def test_stock_moves_refuse_bad_input_and_write_nothing(till, db, cashier, manager):
    milk, bananas = till.scan(MILK).item, till.scan(BANANAS_512G).item
    with pytest.raises(ManagerRequired):
        till.receive_stock(cashier, [MoveLine(milk.item_id, D(1))])
    for call, message in [
        (lambda: till.receive_stock(manager, [MoveLine(milk.item_id, D("1.5"))]), "whole"),
        (lambda: till.receive_stock(manager, [MoveLine(milk.item_id, D(-1))]), "positive"),
        (lambda: till.receive_stock(manager, [MoveLine(milk.item_id, D(0))]), "nothing"),
        (lambda: till.receive_stock(manager, []), "Add what arrived"),
        (lambda: till.adjust_stock(manager, milk.item_id, D(1), why="damage", note=" "), "note"),
        (lambda: till.adjust_stock(manager, milk.item_id, D(1), why="theft?", note="x"), "why"),
        (lambda: till.count_stock(manager, milk.item_id, D(-3)), "zero or more"),
    ]:
        with pytest.raises(StockError, match=message):
            call()
    assert _ops(db, "stock.moved") == []
    # Weighed goods move in kilograms, to the gram; a cashier with a manager's PIN may.
    ok = Approval("stock.move", manager.user_id, manager.full_name)
    till.adjust_stock(cashier, bananas.item_id, D("0.250"), why="found", note="back room",
                      approval=ok)  # fmt: skip
    (op,) = _ops(db, "stock.moved")
    assert op.payload["movements"][0]["quantity"] == "0.250"
    assert op.payload["approved_by"] == str(manager.user_id)


def test_find_a_customer_by_name_phone_or_email(till, cashier):
    zoe = till.add_customer(
        cashier, "Zoe  Quintana", phone="+34 699 123 456", email="Zoe@Example.com"
    )
    till.add_customer(cashier, "Teo Vidal", phone="611-222-333")
    assert [c.name for c in till.find_customers("quint")] == ["Zoe Quintana"]
    assert [c.name for c in till.find_customers("699123")] == ["Zoe Quintana"]
    assert [c.name for c in till.find_customers("zoe@example")] == ["Zoe Quintana"]
    assert [c.name for c in till.find_customers("611 222")] == ["Teo Vidal"]
    assert till.find_customers("%") == [] and till.find_customers("zzzz") == []
    assert zoe.email == "zoe@example.com" and zoe.contact == "+34 699 123 456 · zoe@example.com"


def test_quick_add_writes_the_customer_and_its_op_together(till, db, cashier):
    with db.read() as s:
        before = len(s.scalars(select(Customer)).all())
    zoe = till.add_customer(cashier, "Zoe Quintana", phone="699 123 456")
    (op,) = _ops(db, "customer.upserted")
    c = op.payload["customer"]
    assert c["id"] == str(zoe.id) and c["org_id"] == str(till.config.org_id)
    assert (c["name"], c["phone"], c["email"], c["is_active"]) == (
        "Zoe Quintana",
        "699 123 456",
        None,
        True,
    )
    assert c["updated_at"]
    for kwargs, message in [
        ({"name": "  "}, "needs a name"),
        ({"name": "X", "email": "not-an-email"}, "not an email"),
        ({"name": "X", "phone": "call me"}, "not a phone"),
        ({"name": "Other Ana", "phone": "699-123-456"}, "already has that phone"),
    ]:
        with pytest.raises(CustomerError, match=message):
            till.add_customer(cashier, **kwargs)
    with db.read() as s:
        assert len(s.scalars(select(Customer)).all()) == before + 1
    assert len(_ops(db, "customer.upserted")) == 1


def test_the_sale_names_its_customer_and_the_receipt_shows_them(till, db, cashier):
    zoe = till.add_customer(cashier, "Zoe Quintana")
    done = _sell(till, cashier, BREAD, customer_id=zoe.id)
    assert done.receipt.customer_name == "Zoe Quintana"
    with db.read() as s:
        assert s.get(Sale, (till.config.org_id, done.sale_id)).customer_id == zoe.id
    reprint = till.last_receipt()
    assert reprint is not None and reprint.customer_name == "Zoe Quintana"
    ops = [o.kind for o in _ops(db, "customer.upserted") + _ops(db, "sale.completed")]
    seqs = [o.seq for o in _ops(db, "customer.upserted") + _ops(db, "sale.completed")]
    assert ops == ["customer.upserted", "sale.completed"] and seqs == sorted(seqs)
    import uuid

    with pytest.raises(SaleError, match="customer"):
        _sell(till, cashier, BREAD, customer_id=uuid.uuid4())


def test_quantities_and_costs_travel_in_plain_notation_hq_accepts(till, db, manager):
    milk = till.scan(MILK).item
    till.receive_stock(manager, [MoveLine(milk.item_id, D("1e1"), D("2E+0"))], note="typed 1e1")
    (op,) = _ops(db, "stock.moved")
    (m,) = op.payload["movements"]
    assert (m["quantity"], m["unit_cost"]) == ("10", "2"), "never '1E+1', which HQ refuses"
    with pytest.raises(StockError, match="too long"):
        till.adjust_stock(manager, milk.item_id, D(1), why="damage", note="x" * 490)


def test_accents_and_case_never_hide_a_customer(till, cashier):
    angela = till.add_customer(cashier, "Ángela Núñez", phone="+34 622 000 111")
    for typed in ("ángela", "ANGELA", "angela nun", "NÚÑEZ"):
        assert [c.id for c in till.find_customers(typed)] == [angela.id], typed
    for phone in ("------", "(((())", "12-34"):
        with pytest.raises(CustomerError, match="not a phone number"):
            till.add_customer(cashier, "Nadie", phone=phone)
