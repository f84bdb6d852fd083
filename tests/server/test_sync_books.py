"""The books a pushed sale makes at HQ, line by line: PostgreSQL posts each push's sales in
one statement (sync.kinds.sales.book), so these pin what every journal must say."""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from arcoiris_shared.tax import LineInput, TaxRate, compute_sale_totals
from sync_server.accounting.models import Account, Journal, JournalLine
from sync_server.org.models import Organization
from tests.server.ops import enroll, push, sale_op

STD = TaxRate("STD", "Standard", D("21"))


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


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.tuples(
            st.decimals(min_value=D("0.001"), max_value=D(20), places=3),  # quantity
            st.decimals(min_value=D("0.01"), max_value=D(99), places=2),  # shelf price
            st.one_of(st.none(), st.decimals(min_value=0, max_value=D(50), places=4)),
        ),
        min_size=1,
        max_size=4,
    ),
    card_share=st.decimals(min_value=0, max_value=1, places=2),
    rounding=st.sampled_from([D("0"), D("0.01"), D("-0.02")]),
    method=st.sampled_from(["card", "voucher", "other"]),
)
def test_every_booked_sale_balances_and_books_what_was_paid(
    client, db, world_a, lines, card_share, rounding, method
):
    """Any sale the calculator makes, paid any way: its journal balances, the tenders are
    debited what was paid, and cost of goods is each line's cost rounded half up."""
    # The examples share one transaction: enrolling the same till again continues its seq.
    till = enroll(client, world_a, code="P1")
    seq = till["last_seq"] + 1
    op = sale_op(world_a, till, seq)
    p = op["payload"]
    totals = compute_sale_totals(
        [LineInput(quantity=q, unit_price=price, rates=(STD,)) for q, price, _ in lines],
        currency="EUR",
        prices_include_tax=True,
    )
    template_line, template_move = p["lines"][0], p["movements"][0]
    p["lines"], p["movements"] = [], []
    for n, ((q, price, cost), t) in enumerate(zip(lines, totals.lines, strict=True), 1):
        p["lines"].append(
            dict(
                template_line,
                line_no=n,
                quantity=str(q),
                unit_price=str(price),
                gross=str(t.gross),
                net=str(t.net),
                tax=str(t.tax),
                total=str(t.total),
                unit_cost=None if cost is None else str(cost),
                taxes=[{"code": "STD", "rate": "21", "base": str(t.net), "amount": str(t.tax)}],
            )
        )
        p["movements"].append(
            dict(template_move, id=str(uuid.uuid4()), quantity=str(-q), unit_cost=None)
        )
    sale = p["sale"]
    for key in ("gross", "net", "tax_total", "total"):
        sale[key] = str(getattr(totals, key))
    sale["discount_total"] = str(totals.discount_total)
    p["taxes"][0].update(base=str(totals.net), amount=str(totals.tax_total))
    paid = totals.total + rounding
    assume(paid >= 0)  # rounding never takes a sale below nothing
    card = (paid * card_share).quantize(D("0.01"))
    sale["cash_rounding"] = str(rounding)
    cash_payment = dict(p["payments"][0], amount=str(paid - card))
    p["payments"] = [cash_payment]
    if card:
        p["payments"].append(dict(cash_payment, payment_no=2, method=method, amount=str(card)))

    result = push(client, till, [op]).json()["results"][0]
    assert result["status"] == "applied", result

    cost = sum(
        ((q * c).quantize(D("0.01"), rounding=ROUND_HALF_UP) for q, _, c in lines if c is not None),
        D(0),
    )
    journal = db.scalars(select(Journal).where(Journal.source_id == sale["id"])).first()
    if paid == 0 and cost == 0:
        assert journal is None  # nothing moved: nothing to book
        return
    booked = _lines(db, world_a, sale["id"])
    assert sum(d for d, _ in booked.values()) == sum(c for _, c in booked.values()) > 0
    assert sum(d - c for code, (d, c) in booked.items() if code in ("1000", "1100")) == paid
    assert booked.get("5000", (D(0), D(0))) == (cost, D(0))
    assert booked.get("1200", (D(0), D(0))) == (D(0), cost)
    assert _trial_balance(client, world_a)["4000"] <= 0
