"""Completing sales and refunds on the real SQLite file: one transaction, gapless numbers,
the outbox, refund limits, parking."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.db.local import AuditEntry, OutboxOp
from arcoiris_desktop.sales.service import SaleError
from arcoiris_desktop.till import Till
from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import Payment, Sale, SaleLine, SaleTax
from tests.desktop.conftest import BANANAS_512G, BREAD, MILK, WATER


def _sell(till: Till, cashier, codes, *, cash: D | None = None, card: D | None = None):
    cart = till.new_cart()
    for code in codes:
        cart.add_scan(till.scan(code))
    tender = till.new_tender(cart.totals().total)
    if card is not None:
        tender.add_card(card, "AUTH-1")
    if tender.remaining > 0:
        tender.add_cash(cash if cash is not None else tender.cash_due)
    return till.complete(cart, tender, cashier)


def _count(db, model, *where):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_sale_lands_whole_in_one_transaction(till, db, cashier):
    done = _sell(till, cashier, [MILK, MILK, BANANAS_512G, WATER], cash=D("50"))
    with db.read() as s:
        sale = s.get(Sale, (till.config.org_id, done.sale_id))
        lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == done.sale_id)).all()
        taxes = s.scalars(select(SaleTax).where(SaleTax.sale_id == done.sale_id)).all()
        pays = s.scalars(select(Payment).where(Payment.sale_id == done.sale_id)).all()
        moves = s.scalars(
            select(StockMovement).where(StockMovement.source_id == done.sale_id)
        ).all()
        op = s.scalars(
            select(OutboxOp).where(OutboxOp.kind.not_in(["shift.opened", "audit.recorded"]))
        ).one()
    assert sale.total == sum(ln.total for ln in lines) == D("13.69")
    assert sale.tax_total == sum(t.amount for t in taxes)
    assert sum(p.amount for p in pays) == sale.total + sale.cash_rounding
    assert [(p.tendered, p.change) for p in pays] == [(D("50.00"), D("36.31"))]
    assert sorted(m.quantity for m in moves) == [D(-2), D("-1"), D("-0.512")]
    # After shift.opened and its audit entry's op.
    assert op.kind == "sale.completed" and op.seq == done.outbox_seq == 3
    assert op.payload["sale"]["total"] == "13.69"
    assert len(op.payload["lines"]) == 3 and len(op.payload["movements"]) == 3


def test_receipt_numbers_and_outbox_seq_are_gapless(till, db, cashier):
    codes = [_sell(till, cashier, [BREAD]).receipt_code for _ in range(5)]
    assert codes == [f"T01-{n:06d}" for n in range(1, 6)]
    with db.read() as s:
        seqs = s.scalars(select(OutboxOp.seq).order_by(OutboxOp.seq)).all()
        facts = s.scalars(select(OutboxOp.seq).where(OutboxOp.kind != "audit.recorded")).all()
    assert seqs == list(range(1, len(seqs) + 1)), "audit entries share the one gapless seq"
    assert len(facts) == 6


def test_unpaid_or_changed_cart_writes_nothing(till, db, cashier):
    cart = till.new_cart()
    cart.add_scan(till.scan(MILK))
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(D("1.00"))
    with pytest.raises(SaleError, match="still owed"):
        till.complete(cart, tender, cashier)
    tender.add_cash(D("5.00"))
    cart.add_scan(till.scan(BREAD))  # the cart changed after payment was taken
    with pytest.raises(SaleError, match="cart changed"):
        till.complete(cart, tender, cashier)
    assert _count(db, Sale) == 0
    with db.read() as s:
        kinds = s.scalars(select(OutboxOp.kind).where(OutboxOp.kind != "audit.recorded")).all()
    assert kinds == ["shift.opened"], "the shift's opening, nothing else"


def test_refunds_never_exceed_what_was_sold(till, db, cashier, manager):
    sale = _sell(till, cashier, [MILK, MILK, MILK, BANANAS_512G], card=D("5.00"))
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(sale.receipt_code)
    first = till.refund(original, {1: D(1)}, to="original", cashier=cashier, approval=ok)
    assert [(p.method, p.amount) for p in first.receipt.payments] == [("card", D("-3.09"))]
    original = till.find_for_return(sale.receipt_code)
    assert [ln.returnable for ln in original.lines] == [D(2), D("0.512")]
    with pytest.raises(SaleError, match="Only 2"):
        till.refund(original, {1: D(3)}, to="cash", cashier=cashier, approval=ok)
    with pytest.raises(SaleError, match="manager"):
        till.refund(original, {1: D(1)}, to="cash", cashier=cashier, approval=None)
    rest = till.refund(
        original, {1: D(2), 2: D("0.512")}, to="original", cashier=cashier, approval=ok
    )
    # Card gets back at most what the card paid; the rest is cash.
    assert [(p.method, p.amount) for p in rest.receipt.payments] == [
        ("card", D("-1.91")),
        ("cash", D("-5.19")),
    ]
    assert sale.receipt.total + first.receipt.total + rest.receipt.total == 0
    with db.read() as s:
        refunds = s.scalars(select(Sale).where(Sale.kind == "refund")).all()
        assert {r.refund_of_sale_id for r in refunds} == {sale.sale_id}
        assert all(r.approved_by == manager.user_id for r in refunds)
        back = s.scalar(
            select(func.sum(StockMovement.quantity)).where(StockMovement.reason == "refund")
        )
        assert back == D("3.512")
        kinds = s.scalars(
            select(OutboxOp.kind).where(OutboxOp.kind != "audit.recorded").order_by(OutboxOp.seq)
        ).all()
        assert kinds == ["shift.opened", "sale.completed", "sale.refunded", "sale.refunded"]
    everything_back = till.find_for_return(sale.receipt_code)
    assert all(ln.returnable == 0 for ln in everything_back.lines)


def test_refund_of_a_refund_is_refused(till, cashier, manager):
    sale = _sell(till, cashier, [MILK])
    ok = Approval("refund", manager.user_id, manager.full_name)
    r = till.refund(
        till.find_for_return(sale.receipt_code), {1: D(1)}, to="cash", cashier=cashier, approval=ok
    )
    with pytest.raises(SaleError, match="itself a refund"):
        till.find_for_return(r.receipt_code)
    with pytest.raises(SaleError, match="No sale"):
        till.find_for_return("T01-999999")


def test_no_receipt_return_needs_its_own_approval(till, cashier, manager):
    milk = till.scan(MILK).item
    with pytest.raises(SaleError, match="manager"):
        till.refund_without_receipt(
            [(milk, D(1))], cashier=cashier, approval=Approval("refund", manager.user_id, "M")
        )
    done = till.refund_without_receipt(
        [(milk, D(2))],
        cashier=cashier,
        approval=Approval("no_receipt_return", manager.user_id, "M"),
    )
    assert done.receipt.total == D("-6.18")
    assert done.receipt.refund_of_code is None


def test_approvals_are_audited_naming_both_people(bare_till, db, cashier, manager):
    till = bare_till
    assert till.approve("9999-wrong", action="discount", cashier=cashier, details={}) is None
    ok = till.approve("1234", action="discount", cashier=cashier, details={"amount": "5"})
    assert ok is not None and ok.approver_id == manager.user_id
    with db.read() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor_id, r.approver_id) for r in rows] == [
        ("discount.refused", cashier.user_id, None),
        ("discount", cashier.user_id, manager.user_id),
    ]


def test_park_and_resume_several(till, cashier):
    a, b = till.new_cart(), till.new_cart()
    a.add_scan(till.scan(MILK))
    b.add_scan(till.scan(WATER))
    b.add_scan(till.scan(WATER))
    ida, idb = till.park(a, cashier), till.park(b, cashier)
    parked = till.parked()
    assert [(p.lines, p.total) for p in parked] == [(1, D("3.09")), (1, D("13.18"))]
    assert till.resume(idb).totals().total == D("13.18")
    assert [p.id for p in till.parked()] == [ida]
    with pytest.raises(SaleError, match="already resumed"):
        till.resume(idb)


def test_stock_shown_is_server_level_plus_own_movements(till, cashier):
    milk = till.scan(MILK).item
    before = till.stock_of(milk.item_id)
    _sell(till, cashier, [MILK, MILK])
    assert till.stock_of(milk.item_id) == before - 2


def test_unknown_and_misread_barcodes(till):
    from arcoiris_desktop.catalog.lookup import UnknownBarcode
    from arcoiris_shared.barcodes import InvalidBarcode

    with pytest.raises(UnknownBarcode):
        till.scan("4006381333931")
    with pytest.raises(InvalidBarcode, match="check digit"):
        till.scan("8410001000009")
    with pytest.raises(InvalidBarcode, match="check digit"):
        till.scan("2000000005127")
    assert till.scan("SKU-0000002").item.name.startswith("La Huerta Sourdough")
