"""The books a pushed sale makes at HQ, line by line: PostgreSQL posts each push's sales in
one statement (sync.kinds.sales.book), so these pin what every journal must say."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

from sqlalchemy import select, update

from sync_server.accounting.models import Account, Journal, JournalLine
from sync_server.org.models import Organization
from tests.server.test_sync import enroll, push, sale_op


def _lines(db, world, sale_id: str) -> dict[str, tuple[D, D]]:
    """{account code: (debit, credit)} of the sale's journal, in line order."""
    journal = db.scalars(
        select(Journal).where(Journal.org_id == world.org_id, Journal.source_id == sale_id)
    ).one()
    rows = db.execute(
        select(Account.code, JournalLine.debit, JournalLine.credit)
        .join(
            Account,
            (Account.org_id == JournalLine.org_id) & (Account.id == JournalLine.account_id),
        )
        .where(JournalLine.org_id == world.org_id, JournalLine.journal_id == journal.id)
        .order_by(JournalLine.line_no)
    ).all()
    return {code: (debit, credit) for code, debit, credit in rows}


def _trial_balance(client, world) -> dict[str, D]:
    tb = client.get("/api/accounting/trial-balance", headers=world.owner.headers).json()
    assert tb["balanced"]
    return {r["code"]: D(r["balance"]) for r in tb["rows"]}


def test_a_split_tender_sale_with_cash_rounding(client, db, world_a):
    """5.00 paid as 3.00 cash (rounded: 2.95 owed, 3.00 taken) and 2.05 by voucher."""
    till = enroll(client, world_a)
    op = sale_op(world_a, till, 1)
    sale = op["payload"]["sale"]
    sale["cash_rounding"] = "0.05"
    cash = dict(op["payload"]["payments"][0], amount="3.00")
    voucher = dict(cash, payment_no=2, method="voucher", amount="2.05", reference="V-1")
    op["payload"]["payments"] = [cash, voucher]

    assert push(client, till, [op]).json()["results"][0]["status"] == "applied"

    assert list(_lines(db, world_a, sale["id"]).items()) == [
        ("1000", (D("3.00"), D(0))),  # cash
        ("1100", (D("2.05"), D(0))),  # vouchers clear like cards
        ("4000", (D(0), D("4.13"))),  # revenue, net of tax
        ("2100", (D(0), D("0.87"))),  # tax payable
        ("5900", (D(0), D("0.05"))),  # the rounding the drawer gained
        ("5000", (D("2.00"), D(0))),  # two at a cost of 1.00
        ("1200", (D(0), D("2.00"))),
    ]
    tb = _trial_balance(client, world_a)
    assert tb["1000"] == D("3.00") and tb["5900"] == -D("0.05")


def test_a_lines_cost_is_rounded_half_away_from_zero_and_a_refund_reverses_it(client, db, world_a):
    till = enroll(client, world_a)
    op = sale_op(world_a, till, 1)
    op["payload"]["lines"][0]["unit_cost"] = "0.0225"  # x 2 = 0.045
    refund = sale_op(
        world_a, till, 2, kind="refund", refund_of=op["payload"]["sale"]["id"], qty=D(2)
    )
    refund["payload"]["lines"][0]["unit_cost"] = "0.0225"

    body = push(client, till, [op, refund]).json()

    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    sold = _lines(db, world_a, op["payload"]["sale"]["id"])
    assert sold["5000"] == (D("0.05"), D(0)) and sold["1200"] == (D(0), D("0.05"))
    back = _lines(db, world_a, refund["payload"]["sale"]["id"])
    assert back["4900"] == (D("4.13"), D(0)) and back["1000"] == (D(0), D("5.00"))
    assert back["5000"] == (D(0), D("0.05")) and back["1200"] == (D("0.05"), D(0))
    tb = _trial_balance(client, world_a)
    assert tb["5000"] == 0 and tb["1200"] == 0 and tb["1000"] == 0


def test_a_free_sale_books_nothing_and_does_not_hold_up_the_push(client, db, world_a):
    """A giveaway with no cost moves no money: no journal, and the sales behind it go on
    (a journal of no lines used to fail the whole push)."""
    till = enroll(client, world_a)
    free = sale_op(world_a, till, 1)
    p = free["payload"]
    for key in ("gross", "net", "tax_total", "total"):
        p["sale"][key] = "0"
    p["sale"]["discount_total"] = "5.00"
    line = p["lines"][0]
    line.update(line_discount="5.00", net="0", tax="0", total="0", unit_cost=None, taxes=[])
    p["taxes"], p["payments"] = [], []
    p["movements"][0]["unit_cost"] = None

    body = push(client, till, [free, sale_op(world_a, till, 2)]).json()

    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    assert db.scalars(select(Journal).where(Journal.source_id == p["sale"]["id"])).first() is None
    assert _trial_balance(client, world_a)["1000"] == D("5.00")


def test_the_journal_is_dated_in_the_stores_time_zone(client, db, world_a):
    db.execute(
        update(Organization)
        .where(Organization.id == world_a.org_id)
        .values(timezone="Pacific/Auckland")
    )
    db.commit()
    till = enroll(client, world_a)
    op = sale_op(world_a, till, 1)
    op["payload"]["sale"]["occurred_at"] = "2026-03-31T20:00:00+00:00"  # 1 April, 09:00 there

    assert push(client, till, [op]).json()["results"][0]["status"] == "applied"

    journal = db.scalars(
        select(Journal).where(Journal.source_id == uuid.UUID(op["payload"]["sale"]["id"]))
    ).one()
    assert journal.entry_date.isoformat() == "2026-04-01"
    assert journal.memo == "Sale T09-000001"


def test_a_sale_needing_an_account_the_chart_lacks_is_rejected_alone(client, db, world_a):
    db.execute(
        update(Account)
        .where(Account.org_id == world_a.org_id, Account.system_key == "cash_over_short")
        .values(system_key=None)
    )
    db.commit()
    till = enroll(client, world_a)
    rounded = sale_op(world_a, till, 1)
    rounded["payload"]["sale"]["cash_rounding"] = "0.05"
    rounded["payload"]["payments"][0]["amount"] = "5.05"

    body = push(client, till, [rounded, sale_op(world_a, till, 2)]).json()

    assert [r["status"] for r in body["results"]] == ["rejected", "applied"]
    assert "cash_over_short" in body["results"][0]["reason"]
