"""The sale-totals calculator: worked examples and the invariants of invariant 2."""

import itertools
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arcoiris_shared.money import (
    RoundingMode,
    currency_exponent,
    from_minor_units,
    quantize,
    to_minor_units,
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
    refund_share,
)

# No example database: the suite must not leave files behind in the repository.
FAST = settings(max_examples=200, deadline=None, database=None)

D = Decimal
ZERO = TaxRate("Z", "Zero rate", D(0))
REDUCED = TaxRate("R", "Reduced 5.5%", D("5.5"))
INTERMEDIATE = TaxRate("I", "Intermediate 10%", D(10))
STANDARD = TaxRate("S", "Standard 21%", D(21))
RATES = [ZERO, REDUCED, INTERMEDIATE, STANDARD]


def totals(lines, currency="EUR", inclusive=False, **options):
    return compute_sale_totals(lines, currency=currency, prices_include_tax=inclusive, **options)


def line(quantity, price, *rates, discount="0", key=""):
    return LineInput(D(quantity), D(price), tuple(rates), D(discount), key)


def texts(*amounts):
    return [str(amount) for amount in amounts]


# --- worked examples, figures computed by hand --------------------------------------------


def test_three_items_per_line_versus_per_receipt():
    lines = [line(1, "1.99", STANDARD, key=f"item{i}") for i in range(3)]
    # Per line: 1.99 x 21% = 0.4179 -> 0.42 on each line, 1.26 in all.
    per_line = totals(lines, tax_rounding=TaxRounding.PER_LINE)
    assert texts(per_line.net, per_line.tax_total, per_line.total) == ["5.97", "1.26", "7.23"]
    assert [str(t.tax) for t in per_line.lines] == ["0.42", "0.42", "0.42"]
    # Per receipt: 5.97 x 21% = 1.2537 -> 1.25, a cent less; allocated back 0.42/0.42/0.41.
    per_receipt = totals(lines, tax_rounding=TaxRounding.PER_RECEIPT)
    assert texts(per_receipt.net, per_receipt.tax_total, per_receipt.total) == [
        "5.97",
        "1.25",
        "7.22",
    ]
    assert [str(t.tax) for t in per_receipt.lines] == ["0.42", "0.42", "0.41"]
    assert [str(t.total) for t in per_receipt.lines] == ["2.41", "2.41", "2.40"]
    assert per_receipt.taxes == (TaxSummary("S", "Standard 21%", D(21), D("5.97"), D("1.25")),)
    assert [t.key for t in per_receipt.lines] == ["item0", "item1", "item2"]


def test_one_line_of_three_is_rounded_once():
    result = totals([line(3, "1.99", STANDARD)])
    assert texts(result.gross, result.tax_total, result.total) == ["5.97", "1.25", "7.22"]


def test_inclusive_price_is_what_the_customer_pays():
    result = totals([line(1, "10.00", STANDARD)], inclusive=True)
    # 10.00 x 21 / 121 = 1.7355 -> 1.74; net = 10.00 - 1.74.
    (only,) = result.lines
    assert texts(only.gross, only.net, only.tax, only.total) == ["10.00", "8.26", "1.74", "10.00"]
    assert only.taxes == (LineTax("S", D(21), D("8.26"), D("1.74")),)
    assert texts(result.net, result.tax_total, result.total) == ["8.26", "1.74", "10.00"]
    assert result.taxes == (TaxSummary("S", "Standard 21%", D(21), D("8.26"), D("1.74")),)


def test_two_rates_on_one_line_exclusive():
    result = totals([line(1, "9.99", STANDARD, REDUCED)])
    # Both on the net: 9.99 x 21% = 2.0979 -> 2.10; 9.99 x 5.5% = 0.54945 -> 0.55.
    (only,) = result.lines
    assert [(t.code, str(t.base), str(t.amount)) for t in only.taxes] == [
        ("S", "9.99", "2.10"),
        ("R", "9.99", "0.55"),
    ]
    assert texts(only.tax, only.total) == ["2.65", "12.64"]
    assert [t.code for t in result.taxes] == ["R", "S"]


def test_two_rates_on_one_line_inclusive():
    result = totals([line(1, "10.00", STANDARD, REDUCED)], inclusive=True)
    # 10.00 / 1.265 is the net; 21 -> 10 x 21 / 126.5 = 1.6601 -> 1.66,
    # 5.5 -> 10 x 5.5 / 126.5 = 0.4348 -> 0.43, net = 10.00 - 2.09 = 7.91.
    (only,) = result.lines
    assert [str(t.amount) for t in only.taxes] == ["1.66", "0.43"]
    assert texts(only.net, only.tax, only.total) == ["7.91", "2.09", "10.00"]


def test_yen_has_no_decimals():
    exclusive = totals([line(3, "199", INTERMEDIATE)], currency="JPY")
    # 597 x 10% = 59.7 -> 60.
    assert texts(exclusive.gross, exclusive.tax_total, exclusive.total) == ["597", "60", "657"]
    inclusive = totals([line(1, "1000", INTERMEDIATE)], currency="JPY", inclusive=True)
    # 1000 x 10 / 110 = 90.9 -> 91.
    assert texts(inclusive.net, inclusive.tax_total, inclusive.total) == ["909", "91", "1000"]


def test_dinar_has_three_decimals():
    result = totals([line(2, "1.2345", TaxRate("V", "VAT 5%", D(5)))], currency="KWD")
    # 2 x 1.2345 = 2.469; 2.469 x 5% = 0.12345 -> 0.123.
    assert texts(result.gross, result.tax_total, result.total) == ["2.469", "0.123", "2.592"]


def test_weighed_item():
    result = totals([line("0.375", "12.99", INTERMEDIATE)], inclusive=True)
    # 0.375 kg x 12.99 = 4.87125 -> 4.87; 4.87 x 10 / 110 = 0.4427 -> 0.44.
    assert texts(result.total, result.tax_total, result.net) == ["4.87", "0.44", "4.43"]


@pytest.mark.parametrize(
    ("mode", "tax_on_050", "tax_on_250"),
    [
        (RoundingMode.HALF_UP, "0.11", "0.53"),
        (RoundingMode.HALF_EVEN, "0.10", "0.52"),
        (RoundingMode.DOWN, "0.10", "0.52"),
        (RoundingMode.UP, "0.11", "0.53"),
    ],
)
def test_rounding_modes_reach_the_tax(mode, tax_on_050, tax_on_250):
    # 0.50 x 21% = 0.105 and 2.50 x 21% = 0.525: exact halves.
    result = totals([line(1, "0.50", STANDARD), line(1, "2.50", STANDARD)], rounding=mode)
    assert [str(t.tax) for t in result.lines] == [tax_on_050, tax_on_250]


def test_rounding_mode_reaches_the_gross():
    # 3 x 0.335 = 1.005.
    assert totals([line(3, "0.335")], rounding=RoundingMode.HALF_UP).gross == D("1.01")
    assert totals([line(3, "0.335")], rounding=RoundingMode.HALF_EVEN).gross == D("1.00")


def test_line_discount_inclusive():
    result = totals([line(1, "10.00", STANDARD, discount="2.00")], inclusive=True)
    (only,) = result.lines
    # 8.00 x 21 / 121 = 1.388 -> 1.39.
    assert texts(only.gross, only.line_discount, only.total, only.tax, only.net) == [
        "10.00",
        "2.00",
        "8.00",
        "1.39",
        "6.61",
    ]
    assert result.discount_total == D("2.00")


def test_sale_discount_is_apportioned_by_largest_remainder():
    result = totals(
        [line(1, "10.00", STANDARD), line(2, "10.00", STANDARD)], sale_discount=D("1.00")
    )
    # Shares 1/3 and 2/3 of 1.00: 0.33|33 and 0.66|67, the spare cent to the larger remainder.
    assert [str(t.sale_discount) for t in result.lines] == ["0.33", "0.67"]
    assert [str(t.net) for t in result.lines] == ["9.67", "19.33"]
    assert texts(result.gross, result.discount_total, result.net) == ["30.00", "1.00", "29.00"]
    # 9.67 x 21% = 2.0307 -> 2.03, 19.33 x 21% = 4.0593 -> 4.06.
    assert texts(result.tax_total, result.total) == ["6.09", "35.09"]


def test_sale_discount_ties_go_to_the_earlier_line():
    result = totals([line(1, "1.00"), line(1, "1.00"), line(1, "1.00")], sale_discount=D("1.00"))
    assert [str(t.sale_discount) for t in result.lines] == ["0.34", "0.33", "0.33"]


def test_sale_discount_after_line_discounts():
    result = totals([line(1, "10.00", discount="5.00"), line(1, "5.00")], sale_discount=D("1.00"))
    assert [str(t.sale_discount) for t in result.lines] == ["0.50", "0.50"]
    assert result.discount_total == D("6.00")
    assert result.total == D("9.00")


def test_refund_line_is_the_exact_negative():
    sold = totals([line(3, "1.99", STANDARD, discount="0.50")], inclusive=True)
    refunded = totals([line(-3, "1.99", STANDARD, discount="0.50")], inclusive=True)
    assert flatten(refunded) == [-amount for amount in flatten(sold)]
    (only,) = refunded.lines
    assert texts(only.gross, only.line_discount, only.total) == ["-5.97", "-0.50", "-5.47"]


def test_exchange_mixes_sold_and_refunded_lines():
    result = totals([line(-1, "20.00", STANDARD), line(1, "25.00", STANDARD)], inclusive=True)
    assert result.total == D("5.00")
    # -20 x 21/121 = -3.4711 -> -3.47; 25 x 21/121 = 4.3388 -> 4.34.
    assert result.tax_total == D("0.87")
    assert result.taxes[0].base == D("4.13")


def test_untaxed_lines_have_no_summary_row():
    result = totals([line(1, "5.00"), line(1, "1.00", ZERO)])
    assert result.tax_total == D("0.00")
    assert result.total == D("6.00")
    assert result.taxes == (TaxSummary("Z", "Zero rate", D(0), D("1.00"), D("0.00")),)


def test_empty_sale():
    result = totals([], currency="KWD")
    assert texts(result.gross, result.net, result.tax_total, result.total) == ["0.000"] * 4
    assert result.lines == ()
    assert result.taxes == ()


def test_result_does_not_depend_on_the_decimal_context():
    lines = [line("0.733", "3.333", STANDARD, REDUCED), line(7, "19.99", INTERMEDIATE)]
    expected = totals(lines, inclusive=True, sale_discount=D("1.11"))
    with localcontext() as ctx:
        ctx.prec = 2
        ctx.rounding = ROUND_FLOOR
        assert totals(lines, inclusive=True, sale_discount=D("1.11")) == expected


def test_options_accept_their_string_values():
    result = totals([line(1, "1.99", STANDARD)], tax_rounding="per_receipt", rounding="down")
    assert result.tax_total == D("0.41")


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: totals([line(1, "5.00", discount="5.01")]), "discount 5.01 is larger"),
        (lambda: totals([line(0, "5.00", discount="0.01")]), "larger than the line"),
        (lambda: totals([line(1, "5.00")], sale_discount=D("5.01")), "larger than the sale"),
        (lambda: totals([], sale_discount=D("0.01")), "larger than the sale"),
        (
            lambda: totals([line(1, "5.00"), line(-1, "2.00")], sale_discount=D("1")),
            "mixes sold and refunded",
        ),
        (lambda: totals([line(1, "5")], sale_discount=D("-1")), "negative"),
        (lambda: line(1, "5", discount="-1"), "negative"),
        (lambda: line(1, "5", STANDARD, STANDARD), "twice"),
        (
            lambda: totals([line(1, "5", STANDARD), line(1, "5", TaxRate("S", "VAT", D(20)))]),
            "means both",
        ),
        (lambda: TaxRate("S", "VAT", D("100.01")), "between 0 and 100"),
        (lambda: TaxRate("S", "VAT", D(-1)), "between 0 and 100"),
        (lambda: TaxRate("", "VAT", D(1)), "code"),
        (lambda: line("NaN", "5"), "finite"),
        (lambda: totals([line(1, "5")], currency="EURO"), "currency"),
        (lambda: totals([line(1, "5")], tax_rounding="per_item"), "TaxRounding"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_line_discount_error_names_the_line():
    with pytest.raises(ValueError, match=r"line 1 \('milk'\)"):
        totals([line(1, "1"), line(1, "1.00", discount="2", key="milk")])


@pytest.mark.parametrize(
    "build",
    [
        lambda: LineInput(1.5, D("1")),  # type: ignore[arg-type]
        lambda: LineInput(D("1"), 1.99),  # type: ignore[arg-type]
        lambda: LineInput(D("1"), D("1"), discount=0.5),  # type: ignore[arg-type]
        lambda: LineInput(True, D("1")),  # type: ignore[arg-type]
        lambda: LineInput(D("1"), "1.99"),  # type: ignore[arg-type]
        lambda: LineInput(D(1), D(1), rates=(21.0,)),  # type: ignore[arg-type]
        lambda: LineInput(D(1), D(1), rates=STANDARD),  # type: ignore[arg-type]
        lambda: TaxRate("S", "VAT", 21.0),  # type: ignore[arg-type]
        lambda: totals([line(1, "1")], sale_discount=0.5),
        lambda: totals([line(1, "1")], inclusive=1),
        lambda: totals([(1, "1.99")]),
        lambda: totals("abc"),
        lambda: LineTax("S", D(21), 1.0, D(0)),  # type: ignore[arg-type]
        lambda: refund_share(totals([line(1, "1")]).lines[0], D(1), 0.5, "EUR"),  # type: ignore[arg-type]
        lambda: refund_share(totals([line(1, "1")]).lines[0], 1.0, D(1), "EUR"),  # type: ignore[arg-type]
    ],
)
def test_floats_and_other_inexact_input_are_refused(build):
    with pytest.raises(TypeError):
        build()


def test_int_fields_become_decimals():
    made = LineInput(2, 3)  # type: ignore[arg-type]
    assert isinstance(made.quantity, Decimal)
    assert isinstance(made.discount, Decimal)
    assert LineInput(D(1), D(1), rates=[STANDARD]).rates == (STANDARD,)  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------


@dataclass
class Sale:
    lines: list[LineInput]
    currency: str
    inclusive: bool
    tax_rounding: TaxRounding
    rounding: RoundingMode
    sale_discount: Decimal = Decimal(0)

    def compute(self, lines=None):
        return compute_sale_totals(
            self.lines if lines is None else lines,
            currency=self.currency,
            prices_include_tax=self.inclusive,
            tax_rounding=self.tax_rounding,
            rounding=self.rounding,
            sale_discount=self.sale_discount,
        )


def floor_units(quantity, price, currency):
    exact = abs(quantity * price)
    return to_minor_units(quantize(exact, currency, RoundingMode.DOWN), currency_exponent(currency))


@st.composite
def line_inputs(draw, currency, sign):
    exponent = currency_exponent(currency)
    quantity = draw(
        st.one_of(
            st.integers(1, 12).map(Decimal),
            # Weighed goods: up to 25 kg to the gram.
            st.integers(1, 25_000).map(lambda n: Decimal(n).scaleb(-3)),
        )
    )
    quantity *= sign if sign else draw(st.sampled_from([1, -1]))
    # Mostly shelf prices on the grid, sometimes finer (price per gram and the like).
    extra = draw(st.sampled_from([0, 0, 0, 1, 2]))
    price = Decimal(draw(st.integers(0, 2_000 * 10 ** (exponent + extra)))).scaleb(
        -(exponent + extra)
    )
    rates = draw(st.lists(st.sampled_from(RATES), unique_by=lambda rate: rate.code, max_size=3))
    most = floor_units(quantity, price, currency)
    discount = draw(st.one_of(st.just(0), st.integers(0, most)))
    key = draw(st.sampled_from(["", "sku-1", "sku-2"]))
    return LineInput(quantity, price, tuple(rates), from_minor_units(discount, exponent), key)


@st.composite
def sales(draw, sign=None, mixed=False):
    currency = draw(st.sampled_from(["EUR", "JPY", "KWD"]))
    exponent = currency_exponent(currency)
    if sign is None and not mixed:
        sign = draw(st.sampled_from([1, -1]))
    lines = draw(st.lists(line_inputs(currency, 0 if mixed else sign), max_size=6))
    sale = Sale(
        lines=lines,
        currency=currency,
        inclusive=draw(st.booleans()),
        tax_rounding=draw(st.sampled_from(list(TaxRounding))),
        rounding=draw(st.sampled_from(list(RoundingMode))),
    )
    if not mixed:
        available = sum(
            floor_units(item.quantity, item.unit_price, currency)
            - to_minor_units(item.discount, exponent)
            for item in lines
        )
        units = draw(st.one_of(st.just(0), st.integers(0, available)))
        sale.sale_discount = from_minor_units(units, exponent)
    return sale


def flatten(result: SaleTotals) -> list[Decimal]:
    """Every amount of a result, in a fixed order."""
    amounts = [result.gross, result.discount_total, result.net, result.tax_total, result.total]
    for item in result.lines:
        amounts += [item.gross, item.line_discount, item.sale_discount]
        amounts += [item.net, item.tax, item.total]
        for tax in item.taxes:
            amounts += [tax.base, tax.amount]
    for row in result.taxes:
        amounts += [row.base, row.amount]
    return amounts


def exact_round(value: Fraction, currency: str, mode: RoundingMode) -> Decimal:
    """An independent oracle: high-precision decimal division, then Decimal.quantize."""
    context = Context(prec=120)
    exact = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    quantum = Decimal(1).scaleb(-currency_exponent(currency))
    return exact.quantize(quantum, rounding=mode.decimal_rounding, context=context)


def tax_fraction(sale: Sale, item: LineInput, result_line: LineTotals, rate: TaxRate) -> Fraction:
    """The exact (unrounded) tax of one rate on one computed line."""
    if sale.inclusive:
        divisor = 100 + sum(Fraction(r.rate) for r in item.rates)
        return Fraction(result_line.total) * Fraction(rate.rate) / divisor
    return Fraction(result_line.net) * Fraction(rate.rate) / 100


def check_invariants(sale: Sale, result: SaleTotals) -> None:
    exponent = currency_exponent(sale.currency)
    unit = Fraction(1, 10**exponent)
    assert result.currency == sale.currency
    assert len(result.lines) == len(sale.lines)
    # Every amount is on the grid and printed with the currency's decimals.
    for amount in flatten(result):
        assert amount.as_tuple().exponent == -exponent, amount

    lines = result.lines
    assert result.total == sum((x.total for x in lines), D(0))
    assert result.tax_total == sum((x.tax for x in lines), D(0))
    assert result.tax_total == sum((row.amount for row in result.taxes), D(0))
    assert result.net == sum((x.net for x in lines), D(0))
    assert result.gross == sum((x.gross for x in lines), D(0))
    assert result.net + result.tax_total == result.total
    assert result.discount_total == sum((x.line_discount + x.sale_discount for x in lines), D(0))

    # Sale discount shares add up to the (signed) sale discount.
    shares = sum((x.sale_discount for x in lines), D(0))
    assert abs(shares) == sale.sale_discount
    discounted = [x.gross - x.line_discount for x in lines]
    weight = sum((abs(amount) for amount in discounted), D(0))

    for item, out, before_sale_discount in zip(sale.lines, lines, discounted, strict=True):
        assert out.key == item.key
        assert out.gross == quantize(item.quantity * item.unit_price, sale.currency, sale.rounding)
        assert abs(out.line_discount) == item.discount
        assert out.line_discount * out.gross >= 0
        assert out.total == out.net + out.tax
        assert out.tax == sum((tax.amount for tax in out.taxes), D(0))
        amount = out.gross - out.line_discount - out.sale_discount
        if sale.inclusive:
            # The shelf price (less discounts) is exactly what the customer pays.
            assert out.total == amount
            if not item.discount and not sale.sale_discount:
                assert out.total == quantize(
                    item.quantity * item.unit_price, sale.currency, sale.rounding
                )
        else:
            assert out.net == amount
        assert abs(out.sale_discount) <= abs(before_sale_discount)
        assert out.sale_discount * before_sale_discount >= 0
        if sale.sale_discount:
            exact_share = Fraction(shares) * Fraction(abs(before_sale_discount)) / Fraction(weight)
            assert abs(Fraction(out.sale_discount) - exact_share) < unit
        assert [tax.code for tax in out.taxes] == [rate.code for rate in item.rates]
        for tax, rate in zip(out.taxes, item.rates, strict=True):
            assert tax.rate == rate.rate
            assert tax.base == out.net
            exact = tax_fraction(sale, item, out, rate)
            if sale.tax_rounding is TaxRounding.PER_LINE:
                assert tax.amount == exact_round(exact, sale.currency, sale.rounding)
            else:
                assert abs(Fraction(tax.amount) - exact) < unit
                assert Fraction(tax.amount) * exact >= 0

    codes = sorted({rate.code for item in sale.lines for rate in item.rates})
    assert [row.code for row in result.taxes] == codes
    for row in result.taxes:
        carrying = [
            (item, out)
            for item, out in zip(sale.lines, lines, strict=True)
            if any(rate.code == row.code for rate in item.rates)
        ]
        rate = next(r for r in RATES if r.code == row.code)
        assert (row.name, row.rate) == (rate.name, rate.rate)
        assert row.base == sum((out.net for _, out in carrying), D(0))
        line_amounts = [
            tax.amount for _, out in carrying for tax in out.taxes if tax.code == row.code
        ]
        assert row.amount == sum(line_amounts, D(0))
        if sale.tax_rounding is TaxRounding.PER_RECEIPT:
            # Rounded once, on the receipt-level sum of the exact taxes of this rate.
            receipt_exact = sum(
                (tax_fraction(sale, item, out, rate) for item, out in carrying), Fraction(0)
            )
            assert row.amount == exact_round(receipt_exact, sale.currency, sale.rounding)
            if not sale.inclusive:
                assert row.amount == quantize(
                    row.base * rate.rate / 100, sale.currency, sale.rounding
                )


@FAST
@given(sales())
def test_invariants_hold_for_every_sale(sale):
    check_invariants(sale, sale.compute())


@FAST
@given(sales(mixed=True))
def test_invariants_hold_for_exchanges(sale):
    check_invariants(sale, sale.compute())


@FAST
@given(sales(sign=1))
def test_refunds_are_exact_negatives(sale):
    sold = sale.compute()
    refund_lines = [
        LineInput(-item.quantity, item.unit_price, item.rates, item.discount, item.key)
        for item in sale.lines
    ]
    refunded = sale.compute(refund_lines)
    assert flatten(refunded) == [-amount for amount in flatten(sold)]
    assert [row.code for row in refunded.taxes] == [row.code for row in sold.taxes]


# --- partial refunds ----------------------------------------------------------------------


def check_line(out: LineTotals, inclusive: bool, exponent: int) -> None:
    for amount in [out.gross, out.line_discount, out.sale_discount, out.net, out.tax, out.total]:
        assert amount.as_tuple().exponent == -exponent
    assert out.total == out.net + out.tax
    assert out.tax == sum((tax.amount for tax in out.taxes), D(0))
    amount = out.gross - out.line_discount - out.sale_discount
    assert amount == (out.total if inclusive else out.net)


def test_partial_refunds_add_up_to_the_line():
    sold = totals([line(3, "10.00", STANDARD, discount="1.00")], sale_discount=D("0.50"))
    original = sold.lines[0]
    assert texts(original.net, original.tax, original.total) == ["28.50", "5.99", "34.49"]
    refunds = [
        refund_share(original, D(3), D(1), "EUR", already_refunded=D(done)) for done in range(3)
    ]
    assert [str(r.total) for r in refunds] == ["-11.50", "-11.49", "-11.50"]
    assert [str(r.tax) for r in refunds] == ["-2.00", "-1.99", "-2.00"]
    assert sum((r.total for r in refunds), D(0)) == -original.total
    assert refund_share(original, D(3), D(3), "EUR").total == D("-34.49")


def test_refund_share_refuses_to_refund_too_much():
    original = totals([line(2, "5.00")]).lines[0]
    with pytest.raises(ValueError, match="already refunded"):
        refund_share(original, D(2), D(1), "EUR", already_refunded=D("1.5"))
    with pytest.raises(ValueError, match="positive"):
        refund_share(original, D(2), D(-1), "EUR")
    with pytest.raises(ValueError, match="zero"):
        refund_share(original, D(0), D(1), "EUR")


@FAST
@given(sales(sign=1), st.data())
def test_partial_refunds_telescope_to_the_original(sale, data):
    result = sale.compute()
    if not result.lines:
        return
    index = data.draw(st.integers(0, len(result.lines) - 1))
    original, quantity = result.lines[index], sale.lines[index].quantity
    thousandths = int(quantity * 1000)
    cuts = data.draw(
        st.lists(st.integers(1, thousandths - 1), unique=True, max_size=4)
        if thousandths > 1
        else st.just([])
    )
    bounds = [0, *sorted(cuts), thousandths]
    exponent = currency_exponent(sale.currency)
    refunds = []
    for start, end in itertools.pairwise(bounds):
        refund = refund_share(
            original,
            quantity,
            D(end - start).scaleb(-3),
            sale.currency,
            already_refunded=D(start).scaleb(-3),
            rounding=sale.rounding,
        )
        check_line(refund, sale.inclusive, exponent)
        refunds.append(refund)
    for name in ["gross", "line_discount", "sale_discount", "net", "tax", "total"]:
        assert sum((getattr(r, name) for r in refunds), D(0)) == -getattr(original, name)
    for position, tax in enumerate(original.taxes):
        assert sum((r.taxes[position].amount for r in refunds), D(0)) == -tax.amount
    whole = refund_share(original, quantity, quantity, sale.currency, rounding=sale.rounding)
    assert whole.total == -original.total
    assert whole.taxes == tuple(
        LineTax(tax.code, tax.rate, -tax.base, -tax.amount) for tax in original.taxes
    )
