"""The fast path of HQ's recompute (``sale_check._plain_sale_agrees``) against the full one.

Sales are priced by the shared calculator (``compute_sale_totals``) and written as the
till writes them to the wire, then HQ's payload model validates them. Hypothesis varies
currency, inclusive and exclusive pricing, rounding mode, line discounts, weighed
quantities, up to three rates a line, and also what the fast path must leave to the full
check (per-receipt rounding, a sale discount, a refund without a receipt); then it moves
one figure of the payload by one minor unit, or leaves it alone. Whatever the sale, the
fast path only says "agrees" where the full check finds no problem, it says so for every
honest plain sale, and ``recompute_problem``'s answer is the full check's, word for word.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from arcoiris_shared.money import RoundingMode, currency_exponent
from arcoiris_shared.ops import SalePayload
from arcoiris_shared.sale_check import _plain_sale_agrees, _problem, recompute_problem
from arcoiris_shared.tax import LineInput, SaleTotals, TaxRate, TaxRounding, compute_sale_totals

D = Decimal
RATES = {"A": D("21"), "B": D("5.5"), "C": D("7.25"), "Z": D("0")}


@st.composite
def line_inputs(draw: st.DrawFn, exponent: int, sign: int) -> LineInput:
    if draw(st.booleans()):
        quantity = D(draw(st.integers(1, 5000))) / 1000
        unit_price = D(draw(st.integers(1, 3_000_000))).scaleb(-4)
    else:
        quantity = D(draw(st.integers(1, 12)))
        unit_price = D(draw(st.integers(1, 20_000))).scaleb(-exponent)
    codes = draw(st.lists(st.sampled_from(sorted(RATES)), max_size=3, unique=True))
    rates = tuple(TaxRate(code, f"tax {code}", RATES[code]) for code in codes)
    percent = draw(st.sampled_from([0, 0, 0, 5, 10, 33, 50, 100]))
    gross_units = int(abs(quantity * unit_price).scaleb(exponent))
    discount = D(gross_units * percent // 100).scaleb(-exponent)
    return LineInput(sign * quantity, unit_price, rates, discount)


@st.composite
def payloads(draw: st.DrawFn) -> tuple[dict[str, Any], RoundingMode, bool]:
    """A payload as the till sends it (as a dict, to be mutated), the org's rounding mode,
    and whether it is a plain sale (the fast path's case)."""
    currency = draw(st.sampled_from(["EUR", "EUR", "JPY", "KWD"]))
    exponent = currency_exponent(currency)
    refund = draw(st.integers(0, 9)) == 0
    inclusive = draw(st.booleans())
    tax_rounding = draw(st.sampled_from([TaxRounding.PER_LINE] * 3 + [TaxRounding.PER_RECEIPT]))
    rounding = draw(st.sampled_from(list(RoundingMode)))
    inputs = draw(st.lists(line_inputs(exponent, -1 if refund else 1), min_size=1, max_size=5))
    totals = compute_sale_totals(
        inputs,
        currency=currency,
        prices_include_tax=inclusive,
        tax_rounding=tax_rounding,
        rounding=rounding,
    )
    percent = draw(st.sampled_from([0, 0, 0, 10, 25]))
    sale_discount = D(
        int(abs(totals.gross - totals.discount_total).scaleb(exponent)) * percent // 100
    )
    sale_discount = sale_discount.scaleb(-exponent)
    if sale_discount:
        totals = compute_sale_totals(
            inputs,
            currency=currency,
            prices_include_tax=inclusive,
            tax_rounding=tax_rounding,
            rounding=rounding,
            sale_discount=sale_discount,
        )
    wire = _wire(
        inputs,
        totals,
        kind="refund" if refund else "sale",
        inclusive=inclusive,
        tax_rounding=tax_rounding,
    )
    plain = not refund and tax_rounding is TaxRounding.PER_LINE and not sale_discount
    return wire, rounding, plain


def _wire(
    inputs: list[LineInput],
    totals: SaleTotals,
    *,
    kind: str = "sale",
    inclusive: bool = True,
    tax_rounding: TaxRounding = TaxRounding.PER_LINE,
) -> dict[str, Any]:
    """The payload of a sale the calculator priced, as a dict the till would send."""
    sale_id = str(uuid.uuid4())
    lines: list[dict[str, Any]] = [
        {
            "sale_id": sale_id,
            "line_no": j,
            "item_id": str(uuid.uuid4()),
            "sku": "SKU",
            "name": "item",
            "quantity": str(ln.quantity),
            "unit_price": str(ln.unit_price),
            "gross": str(t.gross),
            "line_discount": str(t.line_discount),
            "sale_discount": str(t.sale_discount),
            "net": str(t.net),
            "tax": str(t.tax),
            "total": str(t.total),
            "taxes": [
                {"code": x.code, "rate": str(x.rate), "base": str(x.base), "amount": str(x.amount)}
                for x in t.taxes
            ],
        }
        for j, (ln, t) in enumerate(zip(inputs, totals.lines, strict=True), 1)
    ]
    sale = {
        "org_id": str(uuid.uuid4()),
        "id": sale_id,
        "kind": kind,
        "terminal_id": str(uuid.uuid4()),
        "location_id": str(uuid.uuid4()),
        "receipt_no": 1,
        "receipt_code": "B-1",
        "cashier_id": str(uuid.uuid4()),
        "currency": totals.currency,
        "prices_include_tax": inclusive,
        "tax_rounding": tax_rounding.value,
        "gross": str(totals.gross),
        "discount_total": str(totals.discount_total),
        "net": str(totals.net),
        "tax_total": str(totals.tax_total),
        "total": str(totals.total),
        "occurred_at": "2026-12-01T10:00:00+00:00",
    }
    taxes = [
        {
            "sale_id": sale_id,
            "tax_code": x.code,
            "tax_name": x.name,
            "rate": str(x.rate),
            "base": str(x.base),
            "amount": str(x.amount),
        }
        for x in totals.taxes
    ]
    return {"sale": sale, "lines": lines, "taxes": taxes}


def _places(wire: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every figure of the payload HQ compares: (the dict holding it, its key)."""
    out: list[tuple[dict[str, Any], str]] = []
    for line in wire["lines"]:
        for name in ("gross", "line_discount", "sale_discount", "net", "tax", "total"):
            out.append((line, name))
        for t in line["taxes"]:
            out += [(t, "base"), (t, "amount")]
    for row in wire["taxes"]:
        out += [(row, "base"), (row, "amount"), (row, "rate")]
    for name in ("gross", "discount_total", "net", "tax_total", "total"):
        out.append((wire["sale"], name))
    return out


def _general(p: SalePayload, rounding: RoundingMode) -> str | None:
    try:
        return _problem(p, rounding, None, {})
    except KeyError as exc:
        return f"a line's tax has no {exc.args[0]!r}: the calculator cannot recompute it"
    except (ArithmeticError, TypeError, ValueError) as exc:
        return f"the calculator cannot recompute this {p.sale.kind}: {exc}"


def _fast(p: SalePayload, rounding: RoundingMode) -> bool:
    try:
        return _plain_sale_agrees(p, rounding)
    except Exception:  # recompute_problem falls back on any error
        return False


@settings(max_examples=400, deadline=None)
@given(payloads(), st.data())
def test_fast_path_agrees_with_the_full_check(
    drawn: tuple[dict[str, Any], RoundingMode, bool], data: st.DataObject
) -> None:
    wire, rounding, plain = drawn
    places = _places(wire)
    mutate = data.draw(st.booleans())
    if mutate:
        holder, key = data.draw(st.sampled_from(places))
        exponent = 0 if key == "rate" else currency_exponent(wire["sale"]["currency"])
        step = data.draw(st.sampled_from([1, -1]))
        holder[key] = str(D(holder[key]) + D(step).scaleb(-exponent))
    p = SalePayload.model_validate(wire)

    general = _general(p, rounding)
    fast = _fast(p, rounding)
    if fast:
        assert general is None
    if not mutate:
        assert general is None
        # Every honest plain sale takes the fast path; nothing else does.
        assert fast == plain
    assert recompute_problem(p, rounding=rounding) == general


def test_a_moved_cent_is_worded_as_before() -> None:
    """A plain sale with one cent of tax moved between lines: the fast path declines and
    the full check words the problem."""
    v = TaxRate("A", "VAT", D("21"))
    inputs = [LineInput(D(1), D("1.05"), (v,)), LineInput(D(1), D("2.05"), (v,))]
    totals = compute_sale_totals(inputs, currency="EUR", prices_include_tax=True)
    wire = _wire(inputs, totals)
    lines = wire["lines"]
    for line, step in zip(lines, (1, -1), strict=True):
        cent = D(step).scaleb(-2)
        line["tax"] = str(D(line["tax"]) + cent)
        line["net"] = str(D(line["net"]) - cent)
        line["taxes"][0]["amount"] = line["tax"]
        line["taxes"][0]["base"] = line["net"]
    p = SalePayload.model_validate({**wire, "taxes": []})
    assert not _fast(p, RoundingMode.HALF_UP)
    assert recompute_problem(p) == (
        f"line 1's tax is {D(lines[0]['tax'])}, the calculator gives {totals.lines[0].tax}"
    )
