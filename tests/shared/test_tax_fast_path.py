"""The calculator's fast path gives what its straightforward version gave, to the digit.

``compute_sale_totals`` builds its results without re-validating them, keeps every
intermediate as ints and works out each rate set's factors once. Here it is compared,
field by field and exponent by exponent, with the version it replaced (below, as it
was: ``Fraction`` factors, results built and validated by their constructors), over
random sales in every pricing basis, tax rounding and rounding mode.
"""

import math
from dataclasses import fields
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arcoiris_shared import tax
from arcoiris_shared.money import (
    RoundingMode,
    apportion,
    currency_exponent,
    from_minor_units,
    round_quotient,
)
from arcoiris_shared.tax import (
    LineInput,
    LineTax,
    LineTotals,
    SaleTotals,
    TaxRate,
    TaxRounding,
    TaxSummary,
    compute_sale_totals,
)

D = Decimal
SETTINGS = settings(max_examples=400, deadline=None, database=None)
RATES = [
    TaxRate("Z", "Zero", D(0)),
    TaxRate("R", "Reduced 5.5%", D("5.5")),
    TaxRate("I", "Intermediate 10%", D(10)),
    TaxRate("S", "Standard 21%", D(21)),
    TaxRate("T", "Odd 7.125%", D("7.125")),
]


def reference_totals(
    lines, *, currency, prices_include_tax, tax_rounding, rounding, sale_discount
) -> SaleTotals:
    """``compute_sale_totals`` as it was before its fast path (commit 66d732a)."""
    exponent = currency_exponent(currency)
    scale = 10**exponent
    mode = RoundingMode(rounding)

    def to_units(value):
        numerator, denominator = value.as_integer_ratio()
        return round_quotient(numerator * scale, denominator, mode)

    rate_by_code = {}
    gross, line_discount = [], []
    for line in lines:
        for rate in line.rates:
            rate_by_code.setdefault(rate.code, rate)
        q_num, q_den = line.quantity.as_integer_ratio()
        p_num, p_den = line.unit_price.as_integer_ratio()
        line_gross = round_quotient(q_num * p_num * scale, q_den * p_den, mode)
        discount = to_units(line.discount)
        assert discount <= abs(line_gross)
        gross.append(line_gross)
        line_discount.append(discount if line_gross >= 0 else -discount)
    discounted = [g - d for g, d in zip(gross, line_discount, strict=True)]
    shares = [0] * len(lines)
    sale_units = to_units(sale_discount)
    if sale_units:
        has_sold = any(amount > 0 for amount in discounted)
        available = sum(abs(amount) for amount in discounted)
        target = sale_units if has_sold else -sale_units
        shares = apportion(target, [target * abs(amount) for amount in discounted], available)
    amounts = [d - s for d, s in zip(discounted, shares, strict=True)]

    def factors_of(rates):
        if prices_include_tax:
            divisor = Fraction(100) + sum((Fraction(r.rate) for r in rates), Fraction(0))
        else:
            divisor = Fraction(100)
        return [Fraction(r.rate) / divisor for r in rates]

    exact = [
        [(amount * f.numerator, f.denominator) for f in factors_of(line.rates)]
        for line, amount in zip(lines, amounts, strict=True)
    ]
    if tax_rounding is TaxRounding.PER_LINE:
        line_taxes = [[round_quotient(n, d, mode) for n, d in row] for row in exact]
    else:
        line_taxes = [[0] * len(row) for row in exact]
        members = {}
        for index, line in enumerate(lines):
            for position, rate in enumerate(line.rates):
                members.setdefault(rate.code, []).append((index, position))
        for places in members.values():
            terms = [exact[i][p] for i, p in places]
            common = math.lcm(*(den for _, den in terms))
            quotas = [num * (common // den) for num, den in terms]
            receipt_tax = round_quotient(sum(quotas), common, mode)
            for (i, p), part in zip(places, apportion(receipt_tax, quotas, common), strict=True):
                line_taxes[i][p] = part

    def money(units):
        return from_minor_units(units, exponent)

    out, base, owed = [], {}, {}
    sums = dict.fromkeys(("gross", "discount", "net", "tax", "total"), 0)
    for index, line in enumerate(lines):
        line_tax = sum(line_taxes[index])
        if prices_include_tax:
            total = amounts[index]
            net = total - line_tax
        else:
            net = amounts[index]
            total = net + line_tax
        taxes = []
        for rate, amount in zip(line.rates, line_taxes[index], strict=True):
            taxes.append(LineTax(rate.code, rate.rate, money(net), money(amount)))
            base[rate.code] = base.get(rate.code, 0) + net
            owed[rate.code] = owed.get(rate.code, 0) + amount
        out.append(
            LineTotals(
                line.key,
                money(gross[index]),
                money(line_discount[index]),
                money(shares[index]),
                money(net),
                money(line_tax),
                money(total),
                tuple(taxes),
            )
        )
        sums["gross"] += gross[index]
        sums["discount"] += line_discount[index] + shares[index]
        sums["net"] += net
        sums["tax"] += line_tax
        sums["total"] += total
    summary = tuple(
        TaxSummary(c, rate_by_code[c].name, rate_by_code[c].rate, money(base[c]), money(owed[c]))
        for c in sorted(rate_by_code)
    )
    return SaleTotals(
        currency,
        tuple(out),
        money(sums["gross"]),
        money(sums["discount"]),
        money(sums["net"]),
        money(sums["tax"]),
        money(sums["total"]),
        summary,
    )


def digits(value):
    """Every field as text, recursively: equal Decimals with other exponents differ."""
    if isinstance(value, tuple):
        return tuple(digits(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        named = [(f.name, digits(getattr(value, f.name))) for f in fields(value)]
        return (type(value).__name__, *named)
    return repr(value)


@st.composite
def sales(draw):
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    exponent = currency_exponent(currency)
    sign = draw(st.sampled_from([1, 1, -1]))
    lines = []
    for k in range(draw(st.integers(0, 8))):
        quantity = D(draw(st.integers(1, 5000))).scaleb(-draw(st.sampled_from([0, 0, 3])))
        price = D(draw(st.integers(0, 10**6))).scaleb(-draw(st.sampled_from([exponent, 4])))
        rates = tuple(draw(st.lists(st.sampled_from(RATES), max_size=3, unique=True)))
        line_sign = sign if draw(st.booleans()) else draw(st.sampled_from([1, -1]))
        lines.append(LineInput(quantity * line_sign, price, rates, key=f"item{k}"))
    options = {
        "currency": currency,
        "prices_include_tax": draw(st.booleans()),
        "tax_rounding": draw(st.sampled_from(list(TaxRounding))),
        "rounding": draw(st.sampled_from(list(RoundingMode))),
        "sale_discount": D(0),
    }
    # Discounts no larger than what they come off, so both versions accept the sale.
    reference = reference_totals(lines, **options)
    discounted = []
    for i, got in enumerate(reference.lines):
        room = abs(int(got.gross.scaleb(exponent)))
        if room and draw(st.booleans()):
            off = D(draw(st.integers(0, room))).scaleb(-exponent)
            lines[i] = LineInput(lines[i].quantity, lines[i].unit_price, lines[i].rates, off)
            room -= int(off.scaleb(exponent))
        discounted.append(room)
    one_sided = all(g.gross >= 0 for g in reference.lines) or all(
        g.gross <= 0 for g in reference.lines
    )
    if one_sided and sum(discounted) and draw(st.booleans()):
        options["sale_discount"] = D(draw(st.integers(0, sum(discounted)))).scaleb(-exponent)
    return lines, options


@SETTINGS
@given(sales())
def test_fast_path_gives_what_the_reference_gave(sale):
    lines, options = sale
    assert digits(compute_sale_totals(lines, **options)) == digits(
        reference_totals(lines, **options)
    )


@SETTINGS
@given(sales())
def test_fast_built_results_are_what_their_constructors_accept(sale):
    lines, options = sale
    got = compute_sale_totals(lines, **options)
    rebuilt = SaleTotals(
        got.currency,
        tuple(
            LineTotals(
                ln.key,
                ln.gross,
                ln.line_discount,
                ln.sale_discount,
                ln.net,
                ln.tax,
                ln.total,
                tuple(LineTax(t.code, t.rate, t.base, t.amount) for t in ln.taxes),
            )
            for ln in got.lines
        ),
        got.gross,
        got.discount_total,
        got.net,
        got.tax_total,
        got.total,
        tuple(TaxSummary(t.code, t.name, t.rate, t.base, t.amount) for t in got.taxes),
    )
    assert rebuilt == got
    assert hash(rebuilt.lines) == hash(got.lines)
    assert digits(rebuilt) == digits(got)


def test_each_builder_sets_every_field_of_its_class():
    for cls, names in (
        (LineTax, tax._LINE_TAX_FIELDS),
        (LineTotals, tax._LINE_TOTALS_FIELDS),
        (TaxSummary, tax._SUMMARY_FIELDS),
        (SaleTotals, tax._SALE_FIELDS),
    ):
        assert names.split() == [f.name for f in fields(cls)], cls.__name__


def test_a_rate_set_factor_is_the_exact_fraction_in_lowest_terms():
    for inclusive in (False, True):
        for size in range(4):
            for start in range(len(RATES)):
                rates = tuple(RATES[start : start + size])
                divisor = Fraction(100) + (
                    sum((Fraction(r.rate) for r in rates), Fraction(0)) if inclusive else 0
                )
                want = [Fraction(r.rate) / divisor for r in rates]
                got = tax.tax_factors(rates, inclusive)
                assert [(f.numerator, f.denominator) for f in want] == list(got)


def test_a_line_input_is_checked_whatever_shape_it_comes_in():
    vat = RATES[3]
    # What the quick acceptance lets through is exactly what the full checks would keep.
    plain = LineInput(D(2), D("1.50"), (vat,), D("0.10"), "k")
    assert (plain.quantity, plain.unit_price, plain.rates, plain.discount) == (
        D(2),
        D("1.50"),
        (vat,),
        D("0.10"),
    )
    converted = LineInput(2, 3, [vat, RATES[1]], 0)  # type: ignore[arg-type]
    assert type(converted.quantity) is Decimal and type(converted.unit_price) is Decimal
    assert converted.rates == (vat, RATES[1]) and type(converted.rates) is tuple
    for build, error in (
        (lambda: LineInput(D("NaN"), D(1)), ValueError),
        (lambda: LineInput(D(1), D("Infinity")), ValueError),
        (lambda: LineInput(D(1), D(1), discount=D("-0.01")), ValueError),
        (lambda: LineInput(D(1), D(1), key=7), TypeError),  # type: ignore[arg-type]
        (lambda: LineInput(D(1), D(1), ("S",)), TypeError),  # type: ignore[arg-type]
        (lambda: LineInput(D(1), D(1), (vat, vat)), ValueError),
        (lambda: LineInput(D(1), D(1), (vat, RATES[1], vat)), ValueError),
        (lambda: LineInput(1.5, D(1)), TypeError),  # type: ignore[arg-type]
    ):
        with pytest.raises(error):
            build()
