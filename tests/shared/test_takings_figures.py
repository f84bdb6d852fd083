"""The takings figures (``arcoiris_shared.takings``) on SQLite, over sale rows written
directly: each figure against the sum a person would do by hand from the same receipts,
and two invariants over random days (hypothesis): the tenders hold the takings plus the
cash rounding, and the hours of any zone hold the takings."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from arcoiris_desktop.db.schema import terminal_metadata
from arcoiris_shared.db.base import SQLITE_SCHEMA_MAP
from arcoiris_shared.db.pos import CashMovement, Payment, Sale, SaleLine, SaleTax
from arcoiris_shared.takings import Scope, day_range, figures

ORG = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
TERMINAL = uuid.UUID("00000000-0000-0000-0000-0000000000b1")
STORE = uuid.UUID("00000000-0000-0000-0000-0000000000c1")
SHIFT = uuid.UUID("00000000-0000-0000-0000-0000000000d1")
ANA, BEN = uuid.uuid5(ORG, "ana"), uuid.uuid5(ORG, "ben")
MILK, BREAD, WINE = uuid.uuid5(ORG, "milk"), uuid.uuid5(ORG, "bread"), uuid.uuid5(ORG, "wine")
SKU = {MILK: "MILK", BREAD: "BREAD", WINE: "WINE"}
RATE = {MILK: D(10), BREAD: D(10), WINE: D(21)}
CENT = D("0.01")


def utc(h: int, m: int = 0, day: int = 3) -> dt.datetime:
    return dt.datetime(2026, 12, day, h, m, tzinfo=dt.UTC)


@dataclass
class Line:
    item: uuid.UUID
    qty: D
    price: D
    discount: D = D(0)

    @property
    def total(self) -> D:
        return self.qty * self.price - self.discount

    @property
    def tax(self) -> D:
        r = RATE[self.item]
        return (self.total * r / (100 + r)).quantize(CENT)


@dataclass
class Receipt:
    at: dt.datetime
    lines: list[Line]
    tenders: list[tuple[str, D]]
    cashier: uuid.UUID = ANA
    kind: str = "sale"
    rounding: D = D(0)
    no: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def total(self) -> D:
        return sum((ln.total for ln in self.lines), D(0))

    @property
    def tax(self) -> D:
        return sum((ln.tax for ln in self.lines), D(0))


def engine_session() -> Session:
    engine = create_engine("sqlite://")
    terminal_metadata().create_all(engine)
    return Session(bind=engine.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP))


@pytest.fixture
def session() -> Iterator[Session]:
    s = engine_session()
    yield s
    s.close()


def write(session: Session, receipts: Sequence[Receipt]) -> None:
    for n, r in enumerate(receipts, start=1):
        r.no = n
        gross = sum((ln.qty * ln.price for ln in r.lines), D(0))
        disc = sum((ln.discount for ln in r.lines), D(0))
        session.add(
            Sale(
                org_id=ORG,
                id=r.id,
                kind=r.kind,
                terminal_id=TERMINAL,
                location_id=STORE,
                shift_id=SHIFT,
                receipt_no=n,
                receipt_code=f"T1-{n:06d}",
                cashier_id=r.cashier,
                currency="EUR",
                prices_include_tax=True,
                tax_rounding="per_line",
                gross=gross,
                discount_total=disc,
                net=r.total - r.tax,
                tax_total=r.tax,
                total=r.total,
                cash_rounding=r.rounding,
                occurred_at=r.at,
            )
        )
        for i, ln in enumerate(r.lines, start=1):
            session.add(
                SaleLine(
                    org_id=ORG,
                    sale_id=r.id,
                    line_no=i,
                    item_id=ln.item,
                    sku=SKU[ln.item],
                    name=SKU[ln.item].title(),
                    quantity=ln.qty,
                    unit_price=ln.price,
                    gross=ln.qty * ln.price,
                    line_discount=ln.discount,
                    net=ln.total - ln.tax,
                    tax=ln.tax,
                    total=ln.total,
                    unit_cost=None,
                    taxes=[],
                )
            )
        by_rate: dict[D, list[D]] = {}
        for ln in r.lines:
            acc = by_rate.setdefault(RATE[ln.item], [D(0), D(0)])
            acc[0] += ln.total - ln.tax
            acc[1] += ln.tax
        for rate, (base, amount) in by_rate.items():
            session.add(
                SaleTax(
                    org_id=ORG,
                    sale_id=r.id,
                    tax_code=f"VAT{rate}",
                    tax_name=f"VAT {rate}%",
                    rate=rate,
                    base=base,
                    amount=amount,
                )
            )
        for i, (method, amount) in enumerate(r.tenders, start=1):
            session.add(
                Payment(
                    org_id=ORG,
                    sale_id=r.id,
                    payment_no=i,
                    method=method,
                    amount=amount,
                    tendered=None,
                    occurred_at=r.at,
                )
            )
    session.flush()


def movement(session: Session, kind: str, amount: D, at: dt.datetime) -> None:
    session.add(
        CashMovement(
            org_id=ORG,
            id=uuid.uuid4(),
            terminal_id=TERMINAL,
            location_id=STORE,
            shift_id=SHIFT,
            kind=kind,
            amount=amount,
            account="petty_cash",
            reason="window cleaner",
            staff_id=ANA,
            occurred_at=at,
        )
    )
    session.flush()


# The day in Kolkata (UTC+5:30): 3 December runs from 2 Dec 18:30 UTC to 3 Dec 18:30 UTC.
ZONE = "Asia/Kolkata"


def the_day() -> list[Receipt]:
    return [
        # 09:50 local: milk x2 and wine, card and cash split.
        Receipt(
            utc(4, 20),
            [Line(MILK, D(2), D("1.10")), Line(WINE, D(1), D("12.10"))],
            [("card", D("10.00")), ("cash", D("4.30"))],
        ),
        # 10:10 local: bread with a 0.50 discount, cash rounded up by 0.02.
        Receipt(
            utc(4, 40),
            [Line(BREAD, D(3), D("2.21"), discount=D("0.50"))],
            [("cash", D("6.15"))],
            cashier=BEN,
            rounding=D("0.02"),
        ),
        # 16:00 local: 0.512 kg of milk (weighed, for the sake of it), cash.
        Receipt(utc(10, 30), [Line(MILK, D("0.512"), D("2.00"))], [("cash", D("1.024"))]),
        # 16:20 local: one milk back, paid out in cash.
        Receipt(
            utc(10, 50),
            [Line(MILK, D(-1), D("1.10"))],
            [("cash", D("-1.10"))],
            kind="refund",
        ),
        # The day before (23:59 local on 2 Dec) and after (00:00 local on 4 Dec): not counted.
        Receipt(utc(18, 29, day=2), [Line(WINE, D(1), D("12.10"))], [("cash", D("12.10"))]),
        Receipt(utc(18, 30, day=3), [Line(WINE, D(1), D("12.10"))], [("cash", D("12.10"))]),
    ]


def test_every_figure_of_a_day_is_the_sum_by_hand(session):
    receipts = the_day()
    write(session, receipts)
    movement(session, "paid_in", D("20.00"), utc(5))
    movement(session, "paid_out", D("-7.50"), utc(6))
    movement(session, "paid_out", D("-1.00"), utc(19))  # the next day
    start, end = day_range(dt.date(2026, 12, 3), ZONE)
    assert (start, end) == (utc(18, 30, day=2), utc(18, 30, day=3))
    f = figures(session, Scope(org_id=ORG, start=start, end=end))
    sales, refunds = receipts[:3], receipts[3:4]

    assert (f.sales_count, f.refunds_count) == (3, 1)
    assert f.sales_total == D("14.30") + D("6.13") + D("1.024") == D("21.454")
    assert f.refunds_total == D("-1.10")
    assert f.net_takings == D("20.354")
    assert f.gross == D("2.20") + D("12.10") + D("6.63") + D("1.024")
    assert f.discounts == D("0.50")
    assert f.tax_total == sum((r.tax for r in sales + refunds), D(0))
    assert f.net_excl_tax == f.net_takings - f.tax_total
    assert f.cash_rounding == D("0.02")
    assert f.items_sold == D(2) + D(1) + D(3) + D("0.512")
    assert f.average_basket == D("21.454") / 3
    # Tax by rate: the wine's 21 % on its own, the milk and bread's 10 % together.
    taxes = {t.code: (t.rate, t.base, t.amount) for t in f.tax_by_rate}
    wine_tax = (D("12.10") * 21 / 121).quantize(CENT)
    assert taxes["VAT21"] == (D(21), D("12.10") - wine_tax, wine_tax)
    ten = [ln for r in sales + refunds for ln in r.lines if RATE[ln.item] == 10]
    assert taxes["VAT10"][2] == sum((ln.tax for ln in ten), D(0))
    # Tenders, the split sale in both; the refund's cash payout taken off the cash.
    tenders = {t.method: (t.count, t.amount) for t in f.by_tender}
    assert tenders == {
        "cash": (4, D("4.30") + D("6.15") + D("1.024") - D("1.10")),
        "card": (1, D("10.00")),
    }
    assert [t.method for t in f.by_tender] == ["cash", "card"]
    assert f.cash_sales == D("11.474") and f.cash_refunds == D("-1.10")
    assert sum((t.amount for t in f.by_tender), D(0)) == f.net_takings + f.cash_rounding
    # Cash paid in and out on the day, the next day's not.
    assert (f.paid_in, f.paid_out, f.movements_count) == (D("20.00"), D("-7.50"), 2)
    assert f.cash_movements == D("12.50")
    # Cashiers: Ana's two sales and the refund, Ben's sale.
    cashiers = {c.cashier_id: (c.sales, c.refunds, c.amount) for c in f.by_cashier}
    assert cashiers == {ANA: (2, 1, D("14.30") + D("1.024") - D("1.10")), BEN: (1, 0, D("6.13"))}
    # Hours of Kolkata's clock: 09:00, 10:00 (04:30-04:45 UTC is 10:00-10:15 there), 16:00.
    hours = {h.hour: (b.sales, b.amount) for h, b in f.by_local_hour(ZONE).items()}
    assert hours == {9: (1, D("14.30")), 10: (1, D("6.13")), 16: (1, D("1.024") - D("1.10"))}
    assert all(h.utcoffset() == dt.timedelta(hours=5, minutes=30) for h in f.by_local_hour(ZONE))
    # In UTC the same sales fall in 04:00 (both) and 10:00.
    utc_hours = {h.hour: b.amount for h, b in f.by_local_hour("UTC").items()}
    assert utc_hours == {4: D("20.43"), 10: D("-0.076")}
    # Top items net of the refund: milk 2 + 0.512 - 1 sold, 2.20 + 1.024 - 1.10 taken.
    top = {i.sku: (i.quantity, i.amount) for i in f.top_by_revenue}
    assert top == {
        "WINE": (D(1), D("12.10")),
        "BREAD": (D(3), D("6.13")),
        "MILK": (D("1.512"), D("2.124")),
    }
    assert [i.sku for i in f.top_by_revenue] == ["WINE", "BREAD", "MILK"]
    assert [i.sku for i in f.top_by_quantity] == ["BREAD", "MILK", "WINE"]


def test_the_figures_agree_with_direct_sql(session):
    write(session, the_day())
    start, end = day_range(dt.date(2026, 12, 3), ZONE)
    f = figures(session, Scope(org_id=ORG, start=start, end=end))
    s, e = (x.strftime("%Y-%m-%dT%H:%M:%S.%fZ") for x in (start, end))
    total, tax, n = session.execute(
        text(
            "SELECT sum(total), sum(tax_total), count(*) FROM sales WHERE occurred_at >= :s "
            "AND occurred_at < :e"
        ),
        {"s": s, "e": e},
    ).one()
    assert f.net_takings == D(total).scaleb(-4) and f.tax_total == D(tax).scaleb(-4)
    assert f.sales_count + f.refunds_count == n
    paid = session.execute(
        text(
            "SELECT p.method, sum(p.amount) FROM payments p JOIN sales s ON s.id = p.sale_id "
            "WHERE s.occurred_at >= :s AND s.occurred_at < :e GROUP BY p.method"
        ),
        {"s": s, "e": e},
    ).all()
    assert {m: D(a).scaleb(-4) for m, a in paid} == {t.method: t.amount for t in f.by_tender}


def test_a_shift_or_a_terminal_scope_counts_only_its_own(session):
    write(session, the_day())
    assert figures(session, Scope(org_id=ORG, shift_ids=(SHIFT,))).sales_count == 5
    assert figures(session, Scope(org_id=ORG, shift_ids=(uuid.uuid4(),))).sales_count == 0
    other = figures(session, Scope(org_id=ORG, terminal_ids=(uuid.uuid4(),)))
    assert other.net_takings == 0 and other.by_tender == ()


def test_an_empty_day_is_all_zeros(session):
    f = figures(session, Scope(org_id=ORG, start=utc(0), end=utc(23)))
    assert f.sales_count == 0 and f.net_takings == 0 and f.average_basket is None


# -- invariants over random days -------------------------------------------------------

money = st.integers(min_value=1, max_value=50_000).map(lambda c: D(c).scaleb(-2))


@st.composite
def receipts(draw: st.DrawFn) -> list[Receipt]:
    out = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        lines = [
            Line(draw(st.sampled_from(list(SKU))), D(draw(st.integers(1, 5))), draw(money))
            for _ in range(draw(st.integers(1, 4)))
        ]
        refund = draw(st.booleans()) and draw(st.booleans())
        if refund:
            lines = [Line(ln.item, -ln.qty, ln.price) for ln in lines]
        total = sum((ln.total for ln in lines), D(0))
        rounding = draw(st.sampled_from([D(0), D("0.01"), D("-0.02")])) if not refund else D(0)
        due = total + rounding
        split = draw(st.integers(0, 100))
        card = (due * split / 100).quantize(CENT)
        tenders = [(m, a) for m, a in (("card", card), ("cash", due - card)) if a]
        minute = draw(st.integers(0, 24 * 60 - 1))
        at = utc(0) + dt.timedelta(minutes=minute)
        kind = "refund" if refund else "sale"
        out.append(Receipt(at, lines, tenders, kind=kind, rounding=rounding))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(receipts(), st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Madrid"]))
def test_tenders_hold_takings_and_rounding_and_hours_hold_takings(rs, zone):
    with engine_session() as session:
        write(session, rs)
        f = figures(session, Scope(org_id=ORG))
        assert sum((t.amount for t in f.by_tender), D(0)) == f.net_takings + f.cash_rounding
        assert sum((b.amount for b in f.by_local_hour(zone).values()), D(0)) == f.net_takings
        assert f.net_takings == sum((r.total for r in rs), D(0))
