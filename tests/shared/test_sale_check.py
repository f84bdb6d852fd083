"""HQ's recomputation of a synced sale (``arcoiris_shared.sale_check``).

The sales and refunds checked here are built by the till's own code — its ``Cart``, its
``Tender``, ``complete_sale`` / ``refund`` / ``refund_without_receipt`` — against a real
SQLite till database (the demo store), and the payload is the one the till put in its
outbox, read back and validated as HQ validates it (``SalePayload``). Hypothesis varies
inclusive and exclusive pricing, per-line and per-receipt rounding, line and sale
discounts, weighed quantities and up to three rates a line. Items are the demo's (real
item ids), their prices and rates drawn by hypothesis.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import select

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.demo import seed_demo
from arcoiris_desktop.catalog.lookup import CatalogItem, ScanResult
from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.sales.cart import Cart
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.till import Till
from arcoiris_shared.db.inv import Item
from arcoiris_shared.money import RoundingMode
from arcoiris_shared.ops import LineRow, SalePayload, check_sale
from arcoiris_shared.sale_check import recompute_problem
from arcoiris_shared.sync_protocol import wire_decimal
from arcoiris_shared.tax import TaxRate, TaxRounding

D = Decimal
CENT = D("0.01")


@dataclass
class Shop:
    till: Till
    cashier: Staff
    manager: Staff
    item_ids: list[uuid.UUID]

    def approval(self, action: str) -> Approval:
        return Approval(action, self.manager.user_id, self.manager.full_name)

    def payload(self, seq: int) -> dict[str, Any]:
        with self.till.db.read() as s:
            op = s.get(OutboxOp, seq)
            assert op is not None
            return copy.deepcopy(op.payload)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """One demo till with a shift open, shared by the module's examples (each sale is a
    new fact; nothing a test checks depends on the ones before it)."""
    folder: Path = tmp_path_factory.mktemp("sale-check")
    db = Database(folder / DB_FILENAME)
    seed_demo(db, items=30)
    till = Till(db, data_dir=folder)
    staff = till.staff()
    manager = next(s for s in staff if s.role == "manager")
    cashier = next(s for s in staff if s.role == "cashier")
    till.open_shift(manager, D("100.00"))
    with db.read() as s:
        item_ids = list(s.scalars(select(Item.id).order_by(Item.sku)).all())
    yield Shop(till, cashier, manager, item_ids)
    db.close()


# -- what hypothesis draws ---------------------------------------------------------------------


@dataclass(frozen=True)
class LinePlan:
    item: int
    weighed: bool
    quantity: Decimal
    unit_price: Decimal
    codes: tuple[str, ...]
    discount_percent: int  # of the line's gross; 0 = none


@dataclass(frozen=True)
class SalePlan:
    prices_include_tax: bool
    tax_rounding: TaxRounding
    rates: dict[str, Decimal]
    lines: tuple[LinePlan, ...]
    sale_discount_percent: int
    rounding: RoundingMode = RoundingMode.HALF_UP


RATES = [D("0"), D("4"), D("5.5"), D("10"), D("19.6"), D("21"), D("7.25")]


@st.composite
def line_plans(draw: st.DrawFn) -> LinePlan:
    weighed = draw(st.booleans())
    if weighed:
        quantity = D(draw(st.integers(1, 5000))) / 1000
        unit_price = D(draw(st.integers(1, 3_000_000))) / 10000  # price per kg, 4 decimals
    else:
        quantity = D(draw(st.integers(1, 12)))
        unit_price = D(draw(st.integers(1, 20_000))) / 100
    codes = tuple(draw(st.lists(st.sampled_from("ABC"), max_size=3, unique=True)))
    discount = draw(st.sampled_from([0, 0, 0, 5, 10, 33, 50, 100]))
    return LinePlan(draw(st.integers(0, 29)), weighed, quantity, unit_price, codes, discount)


@st.composite
def sale_plans(draw: st.DrawFn, max_lines: int = 6) -> SalePlan:
    return SalePlan(
        prices_include_tax=draw(st.booleans()),
        tax_rounding=draw(st.sampled_from(TaxRounding)),
        rates={code: draw(st.sampled_from(RATES)) for code in "ABC"},
        lines=tuple(draw(st.lists(line_plans(), min_size=1, max_size=max_lines))),
        sale_discount_percent=draw(st.sampled_from([0, 0, 3, 10, 25, 100])),
        rounding=draw(st.sampled_from(RoundingMode)),
    )


def catalog_item(shop: Shop, plan: SalePlan, line: LinePlan) -> CatalogItem:
    return CatalogItem(
        item_id=shop.item_ids[line.item],
        sku=f"SKU{line.item}",
        name=f"Item {line.item}",
        unit="kg" if line.weighed else "each",
        price=line.unit_price,
        cost=None,
        weighed=line.weighed,
        tracked=True,
        is_active=True,
        rates=tuple(TaxRate(c, f"Tax {c}", plan.rates[c]) for c in line.codes),
    )


def ring_up(shop: Shop, plan: SalePlan) -> Cart:
    """The plan rung up on the till's own cart, discounts approved by the manager."""
    cart = Cart(
        currency="EUR",
        prices_include_tax=plan.prices_include_tax,
        tax_rounding=plan.tax_rounding,
        rounding=plan.rounding,
    )
    for line in plan.lines:
        item = catalog_item(shop, plan, line)
        if line.weighed:
            index = cart.add_scan(ScanResult(item, "2000000000000", weight=line.quantity))
        else:
            index = cart.add_item(item, line.quantity)
        if line.discount_percent:
            amount = cart.percent_discount(D(line.discount_percent), index)
            cart.set_line_discount(index, amount, shop.approval("discount"))
    if plan.sale_discount_percent:
        amount = cart.percent_discount(D(plan.sale_discount_percent))
        cart.set_sale_discount(amount, shop.approval("discount"))
    cart.totals()
    return cart


def sell(shop: Shop, plan: SalePlan) -> tuple[int, str]:
    """Ring the plan up, pay by card, complete the sale: (outbox seq, receipt code)."""
    cart = ring_up(shop, plan)
    tender = shop.till.new_tender(cart.totals().total)
    if tender.remaining > 0:
        tender.add_card(None, "AUTH01")
    done = shop.till.complete(cart, tender, shop.cashier)
    return done.outbox_seq, done.receipt_code


def validated(payload: dict[str, Any]) -> SalePayload:
    p = SalePayload.model_validate(payload)
    assert check_sale(p) is None
    return p


# -- any sale the till builds passes ---------------------------------------------------------


@given(plan=sale_plans())
def test_every_sale_the_till_builds_recomputes_the_same(shop: Shop, plan: SalePlan) -> None:
    seq, _ = sell(shop, plan)
    p = validated(shop.payload(seq))
    assert p.sale.prices_include_tax is plan.prices_include_tax
    assert p.sale.tax_rounding == plan.tax_rounding.value
    assert recompute_problem(p, rounding=plan.rounding) is None


def test_a_demo_sale_with_both_discounts_passes(shop: Shop) -> None:
    plan = SalePlan(
        prices_include_tax=False,
        tax_rounding=TaxRounding.PER_RECEIPT,
        rates={"A": D("21"), "B": D("10"), "C": D("5.5")},
        lines=(
            LinePlan(0, False, D(3), D("3.33"), ("A", "C"), 10),
            LinePlan(1, True, D("0.512"), D("1.79"), ("B",), 0),
            LinePlan(2, False, D(1), D("0.05"), (), 0),
        ),
        sale_discount_percent=10,
    )
    seq, _ = sell(shop, plan)
    p = validated(shop.payload(seq))
    assert any(D(ln.sale_discount) for ln in p.lines) and D(p.lines[0].line_discount)
    assert recompute_problem(p) is None


# -- a sale whose sums still hold but whose amounts are wrong is caught ----------------------


def _add(row: dict[str, Any], name: str, delta: Decimal) -> None:
    row[name] = wire_decimal(D(row[name]) + delta)


def _shift_tax(payload: dict[str, Any], line: int, delta: Decimal) -> None:
    """Raise line ``line``'s first tax by ``delta`` and lower its net by as much, and carry
    that into the summary and the sale, so that every sum check_sale looks at holds."""
    ln = payload["lines"][line]
    first = ln["taxes"][0]
    _add(first, "amount", delta)
    _add(ln, "tax", delta)
    _add(ln, "net", -delta)
    for t in ln["taxes"]:
        t["base"] = ln["net"]
    for row in payload["taxes"]:
        if row["tax_code"] == first["code"]:
            _add(row, "amount", delta)
        if any(t["code"] == row["tax_code"] for t in ln["taxes"]):
            _add(row, "base", -delta)
    _add(payload["sale"], "tax_total", delta)
    _add(payload["sale"], "net", -delta)


def _taxed_lines(payload: dict[str, Any]) -> list[int]:
    return [i for i, ln in enumerate(payload["lines"]) if ln["taxes"]]


@given(plan=sale_plans(), data=st.data())
def test_a_cent_of_tax_moved_between_lines_is_caught(
    shop: Shop, plan: SalePlan, data: st.DataObject
) -> None:
    seq, _ = sell(shop, plan)
    payload = shop.payload(seq)
    taxed = _taxed_lines(payload)
    assume(len(taxed) >= 2)
    a, b = data.draw(st.permutations(taxed))[:2]
    _shift_tax(payload, a, CENT)
    _shift_tax(payload, b, -CENT)
    p = validated(payload)
    problem = recompute_problem(p, rounding=plan.rounding)
    first = payload["lines"][min(a, b)]["line_no"]
    assert problem is not None and problem.startswith(f"line {first}'s "), problem
    assert "the calculator gives" in problem


@given(plan=sale_plans(), data=st.data())
def test_net_and_tax_of_a_line_shifted_together_is_caught(
    shop: Shop, plan: SalePlan, data: st.DataObject
) -> None:
    seq, _ = sell(shop, plan)
    payload = shop.payload(seq)
    taxed = _taxed_lines(payload)
    assume(taxed)
    line = data.draw(st.sampled_from(taxed))
    delta = data.draw(st.sampled_from([CENT, -CENT, D("0.50")]))
    _shift_tax(payload, line, delta)
    problem = recompute_problem(validated(payload), rounding=plan.rounding)
    no = payload["lines"][line]["line_no"]
    assert problem is not None and problem.startswith(f"line {no}'s "), problem


@given(plan=sale_plans())
def test_the_whole_tax_raised_and_the_net_lowered_is_caught(shop: Shop, plan: SalePlan) -> None:
    seq, _ = sell(shop, plan)
    payload = shop.payload(seq)
    taxed = _taxed_lines(payload)
    assume(taxed)
    for line in taxed:
        _shift_tax(payload, line, CENT)
    problem = recompute_problem(validated(payload), rounding=plan.rounding)
    assert problem is not None and "the calculator gives" in problem, problem


def test_the_message_names_the_line_and_both_figures(shop: Shop) -> None:
    plan = SalePlan(
        prices_include_tax=True,
        tax_rounding=TaxRounding.PER_LINE,
        rates={"A": D("21"), "B": D("10"), "C": D("0")},
        lines=(
            LinePlan(0, False, D(1), D("1.21"), ("A",), 0),
            LinePlan(1, False, D(2), D("5.00"), ("A",), 0),
        ),
        sale_discount_percent=0,
    )
    seq, _ = sell(shop, plan)
    payload = shop.payload(seq)
    _shift_tax(payload, 1, -CENT)
    _shift_tax(payload, 0, CENT)
    # line 1: 1.21 inclusive of 21% is 0.21 tax; the mutated payload says 0.22.
    assert recompute_problem(validated(payload)) == (
        "line 1's tax is 0.22, the calculator gives 0.21"
    )


def test_a_wrong_summary_or_sale_figure_is_caught(shop: Shop) -> None:
    plan = SalePlan(
        prices_include_tax=False,
        tax_rounding=TaxRounding.PER_RECEIPT,
        rates={"A": D("21"), "B": D("10"), "C": D("0")},
        lines=(
            LinePlan(0, False, D(1), D("10.00"), ("A", "B"), 0),
            LinePlan(1, False, D(1), D("3.00"), ("B",), 0),
        ),
        sale_discount_percent=10,
    )
    seq, _ = sell(shop, plan)
    good = shop.payload(seq)
    assert recompute_problem(validated(good)) is None

    # The lines in another order in the payload: the line numbers say the order.
    shuffled = copy.deepcopy(good)
    shuffled["lines"].reverse()
    assert recompute_problem(validated(shuffled)) is None

    # A cent moved between the two rates of line 1, and in the summary alike.
    rates = copy.deepcopy(good)
    first, second = rates["lines"][0]["taxes"]
    _add(first, "amount", CENT)
    _add(second, "amount", -CENT)
    for row in rates["taxes"]:
        _add(row, "amount", CENT if row["tax_code"] == first["code"] else -CENT)
    assert recompute_problem(validated(rates)) == (
        f"line 1's {first['code']} tax is {first['amount']}, the calculator gives "
        f"{wire_decimal(D(first['amount']) - CENT)}"
    )

    # A cent moved between two codes of the summary: every sum still holds.
    moved = copy.deepcopy(good)
    a, b = moved["taxes"]
    _add(a, "amount", CENT)
    _add(b, "amount", -CENT)
    assert recompute_problem(validated(moved)) == (
        f"the tax summary's {a['tax_code']} tax is {a['amount']}, the calculator gives "
        f"{wire_decimal(D(a['amount']) - CENT)}"
    )

    # The sale discount claimed larger, the gross larger by as much: the total holds.
    inflated = copy.deepcopy(good)
    _add(inflated["sale"], "gross", CENT)
    _add(inflated["sale"], "discount_total", CENT)
    assert recompute_problem(validated(inflated)) == (
        f"the sale's gross is {inflated['sale']['gross']}, the calculator gives "
        f"{good['sale']['gross']}"
    )

    # The sale discount apportioned otherwise: a cent of one line's share moved to the
    # other's, with their nets and totals, so every sum holds.
    shares = copy.deepcopy(good)
    l1, l2 = shares["lines"]
    for ln, d in ((l1, CENT), (l2, -CENT)):
        _add(ln, "sale_discount", d)
        _add(ln, "net", -d)
        _add(ln, "total", -d)
        for t in ln["taxes"]:
            t["base"] = ln["net"]
    problem = recompute_problem(validated(shares))
    assert problem == (
        f"line 1's share of the sale discount is {l1['sale_discount']}, the calculator gives "
        f"{good['lines'][0]['sale_discount']}"
    )


# -- refunds -----------------------------------------------------------------------------------


def _originals(payload: dict[str, Any]) -> dict[int, LineRow]:
    return {ln.line_no: ln for ln in SalePayload.model_validate(payload).lines}


@given(plan=sale_plans(max_lines=4), data=st.data())
def test_refunds_the_till_builds_pass_alone_and_against_the_original(
    shop: Shop, plan: SalePlan, data: st.DataObject
) -> None:
    """Two partial refunds of a sale, then the rest: each passes from its payload alone,
    and recomputed exactly from the original lines and what earlier refunds returned."""
    seq, code = sell(shop, plan)
    originals = _originals(shop.payload(seq))
    returned: dict[int, Decimal] = {}
    for _ in range(3):
        original = shop.till.find_for_return(code)
        wanted: dict[int, Decimal] = {}
        for ln in original.lines:
            left = ln.returnable
            if left <= 0:
                continue
            step = D(1) if ln.unit == "each" else D("0.001")
            whole = int(left / step)
            wanted[ln.line_no] = step * data.draw(st.integers(0, whole))
        if not any(wanted.values()):
            continue
        done = shop.till.refund(
            original,
            wanted,
            to=data.draw(st.sampled_from(["original", "cash"])),
            cashier=shop.cashier,
            approval=shop.approval("refund"),
        )
        p = validated(shop.payload(done.outbox_seq))
        assert p.sale.kind == "refund" and p.sale.refund_of_sale_id is not None
        assert recompute_problem(p, rounding=plan.rounding) is None
        exact = recompute_problem(
            p, rounding=plan.rounding, original_lines=originals, already_refunded=returned
        )
        assert exact is None
        for ln in p.lines:
            assert ln.refund_of_line_no is not None
            returned[ln.refund_of_line_no] = returned.get(ln.refund_of_line_no, D(0)) - D(
                ln.quantity
            )


def test_a_refund_that_drops_its_tax_is_caught(shop: Shop) -> None:
    plan = SalePlan(
        prices_include_tax=True,
        tax_rounding=TaxRounding.PER_LINE,
        rates={"A": D("21"), "B": D("10"), "C": D("0")},
        lines=(LinePlan(0, False, D(4), D("12.10"), ("A",), 0),),
        sale_discount_percent=0,
    )
    seq, code = sell(shop, plan)
    originals = _originals(shop.payload(seq))
    done = shop.till.refund(
        shop.till.find_for_return(code),
        {1: D(1)},
        to="cash",
        cashier=shop.cashier,
        approval=shop.approval("refund"),
    )
    good = shop.payload(done.outbox_seq)
    assert good["lines"][0]["tax"] == "-2.10"
    # Tax brought to nothing, the net up by as much: total, sums and summary all hold.
    bad = copy.deepcopy(good)
    _shift_tax(bad, 0, D("2.10"))
    p = validated(bad)
    assert recompute_problem(p) == (
        "line 1's A tax is 0.00, but 21% of the inclusive -12.10 is -2.10 "
        "(a refund share is never more than 0.03 off)"
    )
    # A cent is within what the payload alone can tell; the original settles it.
    nudged = copy.deepcopy(good)
    _shift_tax(nudged, 0, CENT)
    p = validated(nudged)
    assert recompute_problem(p) is None
    assert recompute_problem(p, original_lines=originals) == (
        "line 1's tax is -2.09, the calculator gives -2.10"
    )
    # Every amount turned positive (the payments too): a refund that charges the customer.
    flipped = copy.deepcopy(good)
    for row, names in (
        *(
            (ln, ("gross", "line_discount", "sale_discount", "net", "tax", "total"))
            for ln in flipped["lines"]
        ),
        *((t, ("base", "amount")) for ln in flipped["lines"] for t in ln["taxes"]),
        *((t, ("base", "amount")) for t in flipped["taxes"]),
        *((x, ("amount",)) for x in flipped["payments"]),
        (
            flipped["sale"],
            ("gross", "discount_total", "net", "tax_total", "total", "cash_rounding"),
        ),
    ):
        for name in names:
            row[name] = wire_decimal(-D(row[name]))
    assert recompute_problem(validated(flipped)) == (
        "line 1 of the refund charges the customer: gross 12.10, total 12.10"
    )
    # A refund of a line the original does not have.
    assert recompute_problem(validated(good), original_lines={}) == (
        "line 1 refunds line 1, which the original sale does not have"
    )


@given(plan=sale_plans(max_lines=4))
def test_a_refund_without_receipt_is_recomputed_in_full(shop: Shop, plan: SalePlan) -> None:
    till = shop.till
    before = till.config
    till.config = replace(
        before,
        prices_include_tax=plan.prices_include_tax,
        tax_rounding=plan.tax_rounding,
        rounding_mode=plan.rounding,
    )
    try:
        items = [(catalog_item(shop, plan, ln), ln.quantity) for ln in plan.lines]
        done = till.refund_without_receipt(
            items, cashier=shop.cashier, approval=shop.approval("no_receipt_return")
        )
    finally:
        till.config = before
    payload = shop.payload(done.outbox_seq)
    p = validated(payload)
    assert p.sale.refund_of_sale_id is None
    assert p.sale.prices_include_tax is plan.prices_include_tax
    assert recompute_problem(p, rounding=plan.rounding) is None
    taxed = _taxed_lines(payload)
    if taxed:
        _shift_tax(payload, taxed[-1], -CENT)
        problem = recompute_problem(validated(payload), rounding=plan.rounding)
        assert problem is not None and "the calculator gives" in problem


def test_a_sale_the_calculator_cannot_price_is_a_problem_not_an_error(shop: Shop) -> None:
    plan = SalePlan(
        prices_include_tax=True,
        tax_rounding=TaxRounding.PER_LINE,
        rates={"A": D("21"), "B": D("10"), "C": D("0")},
        lines=(LinePlan(0, False, D(2), D("3.00"), ("A", "B"), 0),),
        sale_discount_percent=0,
    )
    seq, _ = sell(shop, plan)
    no_rate = shop.payload(seq)
    del no_rate["lines"][0]["taxes"][1]["rate"]
    assert recompute_problem(validated(no_rate)) == (
        "a line's tax has no 'rate': the calculator cannot recompute it"
    )
    too_high = shop.payload(seq)
    too_high["lines"][0]["taxes"][0]["rate"] = "121"
    problem = recompute_problem(validated(too_high))
    assert problem is not None and "between 0 and 100" in problem, problem
