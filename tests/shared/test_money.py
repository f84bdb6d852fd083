"""Money arithmetic: exactness, the single rounding policy, cash rounding and allocation."""

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arcoiris_shared.money import (
    CurrencyMismatch,
    Money,
    RoundingMode,
    RoundingPolicy,
    allocate,
    apportion,
    currency_exponent,
    format_money,
    from_minor_units,
    quantize,
    round_quotient,
    round_to_increment,
    to_decimal,
    to_minor_units,
)

# No example database: the suite must not leave files behind in the repository.
FAST = settings(max_examples=200, deadline=None, database=None)

CURRENCIES = ["EUR", "JPY", "KWD"]
D = Decimal

currencies = st.sampled_from(CURRENCIES)
modes = st.sampled_from(list(RoundingMode))
# Scaled integers hit exact halves far more often than arbitrary decimals would.
amounts = st.builds(
    lambda n, places: Decimal(n).scaleb(-places),
    st.integers(-(10**12), 10**12),
    st.integers(0, 7),
)


def on_grid(amount: Decimal, currency: str) -> bool:
    return amount.as_tuple().exponent == -currency_exponent(currency)


# --- RoundingMode, to_decimal, currency_exponent ------------------------------------------


def test_rounding_modes_map_to_decimal_constants():
    assert RoundingMode.HALF_UP.decimal_rounding == ROUND_HALF_UP
    assert RoundingMode.HALF_EVEN.decimal_rounding == ROUND_HALF_EVEN
    assert RoundingMode.DOWN.decimal_rounding == ROUND_DOWN
    assert RoundingMode.UP.decimal_rounding == ROUND_UP
    assert RoundingMode("half_even") is RoundingMode.HALF_EVEN


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("1.50"), D("1.50")), (7, D(7)), ("12.345", D("12.345")), (" -3.10 ", D("-3.10"))],
)
def test_to_decimal_accepts_exact_inputs(value, expected):
    result = to_decimal(value)
    assert result == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize("value", [1.5, 0.0, True, False, None, [1], b"1"])
def test_to_decimal_rejects_inexact_types(value):
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize(
    "value", ["NaN", "inf", "-Infinity", "abc", "", "1,50", D("NaN"), D("Inf")]
)
def test_to_decimal_rejects_non_numbers(value):
    with pytest.raises(ValueError, match=r"finite|not a decimal"):
        to_decimal(value)


@pytest.mark.parametrize(("currency", "exponent"), [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3)])
def test_currency_exponent(currency, exponent):
    assert currency_exponent(currency) == exponent


@pytest.mark.parametrize("currency", ["eur", "Eur", "EURO", "EU", "", "E1R", "ÉUR", "QQQ"])
def test_currency_exponent_rejects_bad_codes(currency):
    with pytest.raises(ValueError, match="currency"):
        currency_exponent(currency)


def test_currency_exponent_rejects_non_strings():
    with pytest.raises(TypeError):
        currency_exponent(978)  # type: ignore[arg-type]


# --- quantize: the one rounding policy -----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "mode", "expected"),
    [
        ("2.675", "EUR", RoundingMode.HALF_UP, "2.68"),
        ("2.665", "EUR", RoundingMode.HALF_UP, "2.67"),
        ("2.665", "EUR", RoundingMode.HALF_EVEN, "2.66"),
        ("2.675", "EUR", RoundingMode.HALF_EVEN, "2.68"),
        ("-2.675", "EUR", RoundingMode.HALF_UP, "-2.68"),
        ("-2.679", "EUR", RoundingMode.DOWN, "-2.67"),
        ("-2.671", "EUR", RoundingMode.UP, "-2.68"),
        ("2.671", "EUR", RoundingMode.UP, "2.68"),
        ("12.5", "EUR", RoundingMode.HALF_UP, "12.50"),
        ("199.5", "JPY", RoundingMode.HALF_UP, "200"),
        ("198.5", "JPY", RoundingMode.HALF_EVEN, "198"),
        ("1.2345", "KWD", RoundingMode.HALF_UP, "1.235"),
        ("1.2345", "KWD", RoundingMode.HALF_EVEN, "1.234"),
        ("-0.004", "EUR", RoundingMode.HALF_UP, "0.00"),
        ("1E+3", "EUR", RoundingMode.HALF_UP, "1000.00"),
    ],
)
def test_quantize_examples(amount, currency, mode, expected):
    result = quantize(D(amount), currency, mode)
    # Compare the text, not just the value: the decimals are what a receipt prints.
    assert str(result) == expected


def test_quantize_defaults_to_half_up():
    assert quantize(D("0.005"), "EUR") == D("0.01")


@FAST
@given(amounts, currencies, modes)
def test_quantize_agrees_with_decimal_quantize(amount, currency, mode):
    exponent = currency_exponent(currency)
    reference = amount.quantize(
        Decimal(1).scaleb(-exponent), rounding=mode.decimal_rounding, context=Context(prec=100)
    )
    result = quantize(amount, currency, mode)
    assert result == reference
    assert on_grid(result, currency)
    assert not result.is_signed() or result != 0
    assert quantize(-amount, currency, mode) == -result
    assert quantize(result, currency, mode) == result
    assert abs(result - amount) < Decimal(1).scaleb(-exponent)


def test_quantize_is_exact_beyond_context_precision():
    huge = D("123456789012345678901234567890123.455")
    assert str(quantize(huge, "EUR")) == "123456789012345678901234567890123.46"


@pytest.mark.parametrize(
    ("numerator", "denominator", "mode", "expected"),
    [
        (5, 2, RoundingMode.HALF_UP, 3),
        (5, 2, RoundingMode.HALF_EVEN, 2),
        (7, 2, RoundingMode.HALF_EVEN, 4),
        (-5, 2, RoundingMode.HALF_UP, -3),
        (5, -2, RoundingMode.HALF_UP, -3),
        (7, 3, RoundingMode.UP, 3),
        (-7, 3, RoundingMode.DOWN, -2),
        (6, 3, RoundingMode.UP, 2),
    ],
)
def test_round_quotient(numerator, denominator, mode, expected):
    assert round_quotient(numerator, denominator, mode) == expected


def test_minor_units_round_trip_and_refuse_to_round():
    assert to_minor_units(D("12.50"), 2) == 1250
    assert to_minor_units(D("-0.5"), 2) == -50
    assert str(from_minor_units(1250, 2)) == "12.50"
    assert str(from_minor_units(0, 3)) == "0.000"
    assert str(from_minor_units(-7, 0)) == "-7"
    with pytest.raises(ValueError, match="not a whole number"):
        to_minor_units(D("12.505"), 2)


# --- cash rounding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "increment", "mode", "expected"),
    [
        ("10.02", "0.05", RoundingMode.HALF_UP, "10.00"),
        ("10.03", "0.05", RoundingMode.HALF_UP, "10.05"),
        ("10.025", "0.05", RoundingMode.HALF_UP, "10.05"),
        ("10.025", "0.05", RoundingMode.HALF_EVEN, "10.00"),
        ("-10.03", "0.05", RoundingMode.HALF_UP, "-10.05"),
        ("10.05", "0.10", RoundingMode.HALF_UP, "10.10"),
        ("10.01", "0.10", RoundingMode.UP, "10.10"),
        ("10.09", "0.10", RoundingMode.DOWN, "10.00"),
        ("1234", "5", RoundingMode.HALF_UP, "1235"),
    ],
)
def test_round_to_increment(amount, increment, mode, expected):
    assert round_to_increment(D(amount), D(increment), mode) == D(expected)


@pytest.mark.parametrize("increment", [D(0), D("-0.05")])
def test_round_to_increment_needs_a_positive_increment(increment):
    with pytest.raises(ValueError, match="positive"):
        round_to_increment(D("1.00"), increment)


@pytest.mark.parametrize(
    ("total", "due", "adjustment"),
    [
        ("10.02", "10.00", "-0.02"),
        ("10.03", "10.05", "0.02"),
        ("10.00", "10.00", "0.00"),
        ("10.07", "10.05", "-0.02"),
        ("10.08", "10.10", "0.02"),
        ("-10.02", "-10.00", "0.02"),
        ("-10.03", "-10.05", "-0.02"),
    ],
)
def test_cash_due_with_five_cent_rounding(total, due, adjustment):
    policy = RoundingPolicy(cash_increment=D("0.05"))
    result = policy.cash_due(D(total), "EUR")
    assert tuple(map(str, result)) == (due, adjustment)


def test_cash_due_without_increment_is_the_total():
    assert RoundingPolicy().cash_due(D("10.02"), "EUR") == (D("10.02"), D("0.00"))
    assert str(RoundingPolicy().cash_due(D("10.02"), "EUR")[1]) == "0.00"


def test_cash_due_follows_cash_mode_and_accepts_stored_strings():
    policy = RoundingPolicy(mode="half_even", cash_increment=D("0.10"), cash_mode="down")  # type: ignore[arg-type]
    assert policy.mode is RoundingMode.HALF_EVEN
    assert policy.cash_due(D("10.09"), "EUR") == (D("10.00"), D("-0.09"))


def test_cash_due_rejects_bad_input():
    policy = RoundingPolicy(cash_increment=D("0.05"))
    with pytest.raises(ValueError, match="not a whole number"):
        policy.cash_due(D("10.025"), "EUR")
    with pytest.raises(ValueError, match="finer than the minor unit"):
        policy.cash_due(D("1000"), "JPY")
    with pytest.raises(ValueError, match="positive"):
        RoundingPolicy(cash_increment=D(0))
    with pytest.raises(TypeError):
        RoundingPolicy(cash_increment=0.05)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="RoundingMode"):
        RoundingPolicy(mode="nearest")  # type: ignore[arg-type]


@FAST
@given(
    st.integers(-(10**9), 10**9),
    st.sampled_from(["0.05", "0.10", "0.20", "1.00"]),
    st.sampled_from([RoundingMode.HALF_UP, RoundingMode.HALF_EVEN]),
)
def test_cash_due_properties(cents, increment, mode):
    policy = RoundingPolicy(cash_increment=D(increment), cash_mode=mode)
    total = from_minor_units(cents, 2)
    due, adjustment = policy.cash_due(total, "EUR")
    assert due - adjustment == total
    assert due % D(increment) == 0
    assert abs(adjustment) * 2 <= D(increment)
    assert on_grid(due, "EUR")
    assert on_grid(adjustment, "EUR")
    assert policy.cash_due(-total, "EUR") == (-due, -adjustment)


# --- allocation ---------------------------------------------------------------------------


def test_allocate_examples():
    assert allocate(D("100.00"), [D(1), D(1), D(1)], 2) == [D("33.34"), D("33.33"), D("33.33")]
    assert allocate(D("-100.00"), [D(1), D(1), D(1)], 2) == [
        D("-33.34"),
        D("-33.33"),
        D("-33.33"),
    ]
    assert allocate(D("1.00"), [D(0), D(0)], 2) == [D("0.50"), D("0.50")]
    assert allocate(D("0.01"), [D(0), D(0), D(0)], 2) == [D("0.01"), D("0.00"), D("0.00")]
    assert allocate(D("10"), [D("0.5"), D("0.25"), D(0)], 0) == [D(7), D(3), D(0)]
    assert allocate(D("5.00"), [D(1), D(0)], 2) == [D("5.00"), D("0.00")]


def test_allocate_rejects_bad_input():
    with pytest.raises(ValueError, match="not a whole number"):
        allocate(D("1.005"), [D(1)], 2)
    with pytest.raises(ValueError, match="negative"):
        allocate(D("1.00"), [D(1), D(-1)], 2)
    with pytest.raises(ValueError, match="at least one"):
        allocate(D("1.00"), [], 2)
    with pytest.raises(TypeError):
        allocate(D("1.00"), [0.5, 0.5], 2)  # type: ignore[list-item]


weights = st.lists(
    st.one_of(st.just(D(0)), st.builds(lambda n: D(n).scaleb(-2), st.integers(0, 10**6))),
    min_size=1,
    max_size=12,
)


@FAST
@given(st.integers(-(10**9), 10**9), weights, st.integers(0, 3))
def test_allocate_sums_exactly(units, weights, exponent):
    total = from_minor_units(units, exponent)
    parts = allocate(total, weights, exponent)
    assert sum(parts, D(0)) == total
    assert len(parts) == len(weights)
    assert all(part.as_tuple().exponent == -exponent for part in parts)
    weight_sum = sum(weights, D(0))
    unit = Fraction(1, 10**exponent)
    for part, weight in zip(parts, weights, strict=True):
        exact = (
            Fraction(total) * Fraction(weight) / Fraction(weight_sum)
            if weight_sum
            else Fraction(total) / len(weights)
        )
        assert abs(Fraction(part) - exact) < unit
        assert part * total >= 0
    assert allocate(-total, weights, exponent) == [-part for part in parts]


@FAST
@given(st.lists(st.integers(-(10**6), 10**6), max_size=10), st.integers(1, 1000), modes)
def test_apportion_mixed_signs(quotas, denominator, mode):
    target = round_quotient(sum(quotas), denominator, mode)
    parts = apportion(target, quotas, denominator)
    assert sum(parts) == target
    for part, quota in zip(parts, quotas, strict=True):
        assert abs(Fraction(part) - Fraction(quota, denominator)) < 1
        assert part * quota >= 0
    negated = apportion(-target, [-quota for quota in quotas], denominator)
    assert negated == [-part for part in parts]


def test_apportion_refuses_unreachable_targets():
    with pytest.raises(ValueError, match="more than one unit"):
        apportion(5, [1, 1], 2)


# --- Money --------------------------------------------------------------------------------


def test_money_construction():
    assert Money.of("12.5", "EUR") == Money(D("12.5"), "EUR")
    assert Money(7, "JPY").amount == D(7)  # type: ignore[arg-type]
    assert isinstance(Money(7, "JPY").amount, Decimal)  # type: ignore[arg-type]
    assert str(Money.zero("KWD")) == "0.000 KWD"
    assert str(Money.zero("JPY")) == "0 JPY"
    assert Money.zero("EUR").is_zero
    assert not Money.of("0.01", "EUR").is_zero


@pytest.mark.parametrize(
    "build",
    [
        lambda: Money(1.5, "EUR"),  # type: ignore[arg-type]
        lambda: Money(True, "EUR"),  # type: ignore[arg-type]
        lambda: Money("1.50", "EUR"),  # type: ignore[arg-type]
        lambda: Money.of(1.5, "EUR"),  # type: ignore[arg-type]
        lambda: Money.of("1.50", "EUR") * 1.5,
        lambda: 1.5 * Money.of("1.50", "EUR"),
        lambda: Money.of("1.50", "EUR") * True,
        lambda: Money.of("1.50", "EUR") * Money.of("2", "EUR"),
        lambda: Money.of("1.50", "EUR") + 1,
        lambda: Money.of("1.50", "EUR") < D(2),
        lambda: quantize(1.5, "EUR"),  # type: ignore[arg-type]
        lambda: round_to_increment(D("1.5"), 0.05),  # type: ignore[arg-type]
        lambda: round_to_increment(1.5, D("0.05")),  # type: ignore[arg-type]
        lambda: format_money(1.5, "EUR"),  # type: ignore[arg-type]
        lambda: RoundingPolicy(cash_increment=D("0.05")).cash_due(10.02, "EUR"),  # type: ignore[arg-type]
        lambda: to_minor_units(1.5, 2),  # type: ignore[arg-type]
        lambda: from_minor_units(True, 2),
        lambda: round_quotient(1.5, 2),  # type: ignore[arg-type]
    ],
)
def test_floats_and_bools_are_refused(build):
    with pytest.raises(TypeError):
        build()


@pytest.mark.parametrize("amount", [D("NaN"), D("Infinity"), D("-Infinity")])
def test_money_refuses_non_finite_amounts(amount):
    with pytest.raises(ValueError, match="finite"):
        Money(amount, "EUR")


def test_money_refuses_bad_currency():
    with pytest.raises(ValueError, match="currency"):
        Money(D(1), "eur")
    with pytest.raises(TypeError):
        Money(D(1), None)  # type: ignore[arg-type]


def test_money_arithmetic():
    a, b = Money.of("12.50", "EUR"), Money.of("0.75", "EUR")
    assert a + b == Money.of("13.25", "EUR")
    assert a - b == Money.of("11.75", "EUR")
    assert -a == Money.of("-12.50", "EUR")
    assert +a is a
    assert abs(Money.of("-3", "EUR")) == Money.of("3", "EUR")
    assert a * 3 == Money.of("37.50", "EUR")
    assert 3 * a == a * 3
    assert a * D("0.5") == Money.of("6.25", "EUR")
    assert sum([a, b], Money.zero("EUR")) == Money.of("13.25", "EUR")
    assert Money.of("1.234", "EUR").rounded() == Money.of("1.23", "EUR")
    assert Money.of("1.235", "EUR").rounded(RoundingMode.DOWN) == Money.of("1.23", "EUR")


def test_money_arithmetic_is_exact_under_a_coarse_context():
    from decimal import localcontext

    a = Money.of("123456789.123456789", "EUR")
    with localcontext() as ctx:
        ctx.prec = 3
        assert (a + a).amount == D("246913578.246913578")
        assert (-a).amount == D("-123456789.123456789")
        assert (a * 1000).amount == D("123456789123.456789")


def test_money_currency_rules():
    eur, usd = Money.of("1", "EUR"), Money.of("1", "USD")
    with pytest.raises(CurrencyMismatch):
        eur + usd
    with pytest.raises(CurrencyMismatch):
        eur - usd
    with pytest.raises(CurrencyMismatch):
        eur < usd  # noqa: B015
    with pytest.raises(ValueError, match="cannot combine"):
        eur >= usd  # noqa: B015
    assert eur != usd
    assert Money.of("1", "EUR") < Money.of("2", "EUR") <= Money.of("2.00", "EUR")
    assert Money.of("3", "EUR") > Money.of("2", "EUR") >= Money.of("2", "EUR")
    assert Money.of("2.0", "EUR") == Money.of("2.00", "EUR")
    assert hash(Money.of("2.0", "EUR")) == hash(Money.of("2.00", "EUR"))


def test_money_str():
    assert str(Money.of("12.5", "EUR")) == "12.50 EUR"
    assert str(Money.of("-12.5", "EUR")) == "-12.50 EUR"
    assert str(Money.of("1E+2", "JPY")) == "100 JPY"
    assert str(Money.of("0.0125", "EUR")) == "0.0125 EUR"
    assert str(-Money.zero("EUR")) == "0.00 EUR"
    assert str(Money.of("1.5", "KWD")) == "1.500 KWD"


def test_money_allocate():
    parts = Money.of("10.00", "EUR").allocate([D(1), D(2)])
    assert parts == [Money.of("3.33", "EUR"), Money.of("6.67", "EUR")]
    assert sum(parts, Money.zero("EUR")) == Money.of("10.00", "EUR")
    assert Money.of("-1000", "JPY").allocate([D(1)] * 3) == [
        Money.of("-334", "JPY"),
        Money.of("-333", "JPY"),
        Money.of("-333", "JPY"),
    ]
    with pytest.raises(ValueError, match="not a whole number"):
        Money.of("10.005", "EUR").allocate([D(1)])


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("12.5", "EUR", "en_US", "€12.50"),
        ("12.5", "EUR", "de_DE", "12,50\xa0€"),
        ("1000", "JPY", "en_US", "¥1,000"),
        ("1234.5", "USD", "en_US", "$1,234.50"),
        # Babel alone would round half to even and print 1.234.
        ("1.2345", "KWD", "en_US", "KWD1.235"),
        ("-0.005", "EUR", "en_US", "-€0.01"),
    ],
)
def test_format_money(amount, currency, locale, expected):
    assert format_money(D(amount), currency, locale) == expected


def test_format_money_rejects_unknown_locale():
    with pytest.raises(ValueError, match="locale"):
        format_money(D(1), "EUR", "xx_YY")
