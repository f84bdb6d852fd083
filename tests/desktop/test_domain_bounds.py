"""Hostile values through the till's own operations: quantities and amounts a shop cannot
mean are refused with the domain's message (``CartError`` / ``SaleError``, which the
screens show as they are) and nothing is written; a missing PIN is a refusal, not a crash.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.sales.cart import MAX_LINE_AMOUNT, MAX_QUANTITY, MAX_SALE_TOTAL, CartError
from arcoiris_desktop.sales.service import SaleError
from arcoiris_desktop.staff import approver_by_pin, sign_in
from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import Sale
from tests.desktop.conftest import (
    BANANAS_512G,
    MANAGER_PIN,
    MILK,
    WATER,
    sell_for_cash,
)

FIXTURES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Quantities no line of a sale or a refund can carry, for any item.
NEVER = st.one_of(
    st.sampled_from(
        [D(0), D("-0"), D(-3), D("-0.5"), D("NaN"), D("sNaN"), D("Infinity"), D("-Infinity")]
    ),
    st.decimals(max_value=D(0), allow_nan=False, allow_infinity=False, places=3),
    st.decimals(min_value=MAX_QUANTITY + D("0.001"), allow_nan=False, allow_infinity=False),
    st.just(D(1_000_000_000)),
)
# Quantities a counted (not weighed) item can never carry: anything but whole units.
NOT_WHOLE = st.decimals(
    min_value=D("0.001"), max_value=MAX_QUANTITY, places=3, allow_nan=False
).filter(lambda q: q != q.to_integral_value())


def _written(db) -> tuple[int, int, int]:
    """Refunds, outbox ops and stock movements on file: what a refusal must leave alone."""
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Sale).where(Sale.kind == "refund")),
            s.scalar(select(func.count()).select_from(OutboxOp)),
            s.scalar(select(func.count()).select_from(StockMovement)),
        )


def _no_receipt(manager) -> Approval:
    return Approval("no_receipt_return", manager.user_id, manager.full_name)


_sell = sell_for_cash


# -- returns without a receipt ------------------------------------------------------------


def test_a_billion_units_back_without_receipt_is_refused(till, db, cashier, manager):
    water = till.scan(WATER).item
    before = _written(db)
    with pytest.raises(SaleError, match="surely a mistake"):
        till.refund_without_receipt(
            [(water, D(1_000_000_000))], cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (D(-3), "positive"),  # was written as a *sale* of 3 (+19.77) through the refund path
        (D(0), "more than zero"),  # was SQLite's CHECK constraint failed: ck_stock_movements
        (D("NaN"), "not a number"),  # was decimal.InvalidOperation
        (D("Infinity"), "not a number"),
        (D("-Infinity"), "not a number"),
    ],
)
def test_nonsense_quantities_back_without_receipt_get_a_message(
    till, db, cashier, manager, quantity, message
):
    water = till.scan(WATER).item
    before = _written(db)
    with pytest.raises(SaleError, match=message):
        till.refund_without_receipt(
            [(water, quantity)], cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before


@pytest.mark.parametrize("quantity", [D("1.5"), D("0.5")])
def test_counted_items_come_back_in_whole_units_only(till, db, cashier, manager, quantity):
    milk = till.scan(MILK).item
    assert not milk.weighed
    before = _written(db)
    with pytest.raises(SaleError, match="whole units"):
        till.refund_without_receipt(
            [(milk, quantity)], cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before


def test_weighed_items_still_come_back_by_the_gram(till, cashier, manager):
    bananas = till.scan(BANANAS_512G).item
    assert bananas.weighed
    done = till.refund_without_receipt(
        [(bananas, D("0.512"))], cashier=cashier, approval=_no_receipt(manager)
    )
    assert done.receipt.total < 0


def test_a_refund_worth_more_than_a_shop_means_is_refused(till, db, cashier, manager):
    water = till.scan(WATER).item  # 6.59: 9,999 of them is a sane line, 152 lines is not
    before = _written(db)
    with pytest.raises(SaleError, match="surely a mistake"):
        till.refund_without_receipt(
            [(water, MAX_QUANTITY)] * 16, cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before
    assert MAX_QUANTITY * water.price * 16 > MAX_SALE_TOTAL


@FIXTURES
@given(quantity=NEVER)
def test_any_quantity_out_of_bounds_back_without_receipt_writes_nothing(
    till, db, cashier, manager, quantity
):
    water = till.scan(WATER).item
    before = _written(db)
    with pytest.raises(SaleError):
        till.refund_without_receipt(
            [(water, quantity)], cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before


@FIXTURES
@given(quantity=NOT_WHOLE)
def test_no_fraction_of_a_counted_item_comes_back(till, db, cashier, manager, quantity):
    milk = till.scan(MILK).item
    before = _written(db)
    with pytest.raises(SaleError):
        till.refund_without_receipt(
            [(milk, quantity)], cashier=cashier, approval=_no_receipt(manager)
        )
    assert _written(db) == before


# -- returns with a receipt ---------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", [D(-1), D("NaN"), D("sNaN"), D("Infinity"), D("0.5"), D("1.5"), D(10**9)]
)
def test_nonsense_quantities_back_on_a_receipt_are_refused(till, db, cashier, manager, quantity):
    sale = _sell(till, cashier, [MILK, MILK])
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(sale.receipt_code)
    before = _written(db)
    with pytest.raises(SaleError):
        till.refund(original, {1: quantity}, to="cash", cashier=cashier, approval=ok)
    assert _written(db) == before
    # The sale can still be returned properly afterwards.
    till.refund(original, {1: D(1)}, to="cash", cashier=cashier, approval=ok)


def test_part_of_a_weighed_line_still_comes_back_on_a_receipt(till, cashier, manager):
    sale = _sell(till, cashier, [BANANAS_512G])
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(sale.receipt_code)
    done = till.refund(original, {1: D("0.2")}, to="cash", cashier=cashier, approval=ok)
    assert done.receipt.total < 0


# -- sales --------------------------------------------------------------------------------


def _override(manager) -> Approval:
    return Approval("price_override", manager.user_id, manager.full_name)


def test_a_line_worth_more_than_a_shop_means_is_refused(till, manager):
    cart = till.new_cart()
    cart.add_scan(till.scan(WATER))
    cart.override_price(0, MAX_LINE_AMOUNT, _override(manager))
    with pytest.raises(CartError, match="surely a mistake"):
        cart.set_quantity(0, D(2))
    assert cart.lines[0].quantity == 1
    with pytest.raises(CartError, match="surely a mistake"):
        cart.override_price(0, MAX_LINE_AMOUNT + D("0.01"), _override(manager))
    assert cart.lines[0].unit_price == MAX_LINE_AMOUNT


def test_a_sale_worth_more_than_a_shop_means_is_refused(till, manager):
    cart = till.new_cart()
    cart.add_scan(till.scan(WATER))
    cart.add_scan(till.scan(MILK))
    half = D("500000")
    cart.override_price(0, half, _override(manager))
    total = cart.totals().total
    with pytest.raises(CartError, match="surely a mistake"):
        cart.override_price(1, half, _override(manager))
    assert cart.lines[1].unit_price == till.scan(MILK).item.price
    assert cart.totals().total == total <= MAX_SALE_TOTAL


def test_a_sale_line_of_too_many_units_is_refused(till):
    cart = till.new_cart()
    water = till.scan(WATER).item
    cart.add_item(water, MAX_QUANTITY)
    with pytest.raises(CartError, match="surely a mistake"):
        cart.add_item(water, D(1))
    assert cart.lines[0].quantity == MAX_QUANTITY


@FIXTURES
@given(quantity=st.one_of(NEVER, NOT_WHOLE))
def test_any_quantity_out_of_bounds_is_refused_in_the_cart(till, quantity):
    cart = till.new_cart()
    with pytest.raises(CartError):
        cart.add_item(till.scan(MILK).item, quantity)
    assert cart.is_empty


# -- signing in ---------------------------------------------------------------------------


def test_no_pin_at_all_is_a_refusal(bare_till, db, cashier):
    assert bare_till.sign_in(cashier.user_id, None) is None  # type: ignore[arg-type]
    assert bare_till.sign_in(cashier.user_id, "") is None
    assert bare_till.approve(None, action="refund", cashier=cashier, details={}) is None  # type: ignore[arg-type]
    with db.read() as session:
        assert sign_in(session, cashier.user_id, None) is None
        assert approver_by_pin(session, None) is None
        assert approver_by_pin(session, "") is None
        assert approver_by_pin(session, MANAGER_PIN) is not None
