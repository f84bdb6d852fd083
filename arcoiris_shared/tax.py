"""Sale totals: discounts, taxes and totals of a sale, the same on the terminal and server.

The terminal computes a sale with :func:`compute_sale_totals`; the server recomputes it
from the same inputs and checks that it gets the same figures. Both therefore depend on
these rules, and the tests in ``tests/shared/test_tax.py`` defend them:

* **Grid.** Every amount in the result is on the currency's minor-unit grid and carries
  exactly its number of decimals. All rounding goes through :mod:`arcoiris_shared.money`
  with the sale's :class:`~arcoiris_shared.money.RoundingMode` (default HALF_UP).
  Intermediate values are exact fractions; nothing is rounded twice.
* **Gross.** A line's gross is ``round(quantity * unit_price)``. Quantities may be
  fractional (weighed goods) and negative (refunds).
* **Discounts** are amounts in the pricing basis (tax-inclusive amounts when prices
  include tax) and are given as magnitudes (never negative), rounded to the minor unit.
  They always shrink an amount toward zero, so a refund line keeps the discount of the
  sale it reverses with the same positive ``discount``. The line discount comes off the
  line's gross first; then the sale discount is apportioned across the lines in
  proportion to their discounted amounts by largest remainder, so the shares add up
  exactly to it (ties go to the earlier line, so line order matters and both sides must
  use the same). A discount larger than what it applies to is a ``ValueError``, as is a
  sale discount on a sale that mixes sold and refunded lines.
* **Exclusive pricing.** net = the discounted amount; each rate's tax is
  ``round(net * rate / 100)``; total = net + the taxes.
* **Inclusive pricing.** total = the discounted amount exactly (the shelf price is what
  the customer pays). Each rate's tax is ``round(total * rate / (100 + sum of the line's
  rates))`` and net = total - the taxes, so nothing drifts by a cent.
* **Several rates on a line** each apply to the same net base; they never compound.
  Each rate is rounded on its own, so with UP rounding an inclusive line worth a few
  minor units that carries several rates can owe more tax than its price (a negative
  net); the invariants below still hold.
* **PER_LINE** rounds each line's tax for each rate, as above. **PER_RECEIPT** adds up
  the exact (unrounded) taxes of each rate over the receipt (exclusive: the sum of nets
  times the rate; inclusive: the sum of inclusive amounts of the lines with each rate
  set, taken out of those amounts) and rounds that once; the rounded tax is then
  allocated back to the lines by largest remainder, so each line still carries its tax
  (refunds need it) and each line's tax is within one minor unit of its exact value.
* **Invariants in every mode.** total = sum of line totals; tax_total = sum of line
  taxes = sum of the summary amounts; net + tax_total = total; for each line
  total = net + tax and gross - line_discount - sale_discount = the pricing-basis amount
  (total when prices include tax, net otherwise); discount_total = the signed sale
  discount + the line discounts.
* **Refunds.** Every step rounds symmetrically about zero, so a sale whose quantities
  are all negated (same prices, discounts and rates) gives the exact negatives of every
  amount. Reported discounts, taxes and nets of refund lines are negative.
* **Tax summary.** One row per tax code, sorted by code: base = the sum of the nets of
  the lines carrying that rate, amount = the sum of their taxes for it. A line carrying
  two rates counts in both bases. Lines without rates are untaxed and have no row. A code
  must mean the same rate and name on every line.

:func:`refund_share` gives the amounts to pay back for part of an already-computed line,
proportionally, so that successive partial refunds add up exactly to the original line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any, cast

from arcoiris_shared.money import (
    EXACT_CONTEXT,
    RoundingMode,
    apportion,
    currency_exponent,
    exact_decimal,
    from_minor_units,
    round_known_quotient,
    round_quotient,
    to_minor_units,
)

__all__ = [
    "LineInput",
    "LineTax",
    "LineTotals",
    "SaleTotals",
    "TaxRate",
    "TaxRounding",
    "TaxSummary",
    "compute_sale_totals",
    "refund_share",
    "tax_factors",
]


def _set_decimals(obj: object, *names: str) -> None:
    # Frozen dataclasses: object.__setattr__ is the sanctioned way to normalise fields
    # (ints become Decimals) during __post_init__.
    for name in names:
        object.__setattr__(obj, name, exact_decimal(getattr(obj, name), name))


def _check_str(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A tax rate as a percentage: ``TaxRate("S", "VAT 21%", Decimal("21"))``."""

    code: str
    name: str
    rate: Decimal

    def __post_init__(self) -> None:
        _check_str(self.code, "code")
        _check_str(self.name, "name")
        if not self.code:
            raise ValueError("a tax rate needs a code")
        _set_decimals(self, "rate")
        if not Decimal(0) <= self.rate <= Decimal(100):
            raise ValueError(f"tax rate {self.code!r} must be between 0 and 100, got {self.rate}")


class TaxRounding(StrEnum):
    """Where tax is rounded: on each line, or once per rate on the whole receipt."""

    PER_LINE = "per_line"
    PER_RECEIPT = "per_receipt"


@dataclass(frozen=True, slots=True)
class LineInput:
    """One line of a sale as the cashier rang it up.

    ``unit_price`` is the shelf price, tax-inclusive or not per the sale's setting, and
    may carry more decimals than the currency (price per gram). ``quantity`` may be
    fractional and is negative for refunds. ``discount`` is an amount off the line, in
    the same pricing basis, given as a non-negative magnitude whatever the line's sign.
    """

    quantity: Decimal
    unit_price: Decimal
    rates: tuple[TaxRate, ...] = ()
    discount: Decimal = Decimal(0)
    key: str = ""

    def __post_init__(self) -> None:
        # Every check below runs for every line; the common case (finite Decimals, a str
        # key, a tuple of distinct TaxRates) is recognised first and left as it is, any
        # other goes through the full checks and conversions.
        quantity, unit_price, discount = self.quantity, self.unit_price, self.discount
        if not (
            type(quantity) is Decimal
            and type(unit_price) is Decimal
            and type(discount) is Decimal
            and quantity.is_finite()
            and unit_price.is_finite()
            and discount.is_finite()
        ):
            _set_decimals(self, "quantity", "unit_price", "discount")
        if type(self.key) is not str:
            _check_str(self.key, "key")
        if self.discount < 0:
            raise ValueError(f"discount must not be negative, got {self.discount}")
        given = self.rates
        if type(given) is tuple and (
            not given
            or (len(given) == 1 and type(given[0]) is TaxRate)
            or (
                all(type(rate) is TaxRate for rate in given)
                and len({rate.code for rate in given}) == len(given)
            )
        ):
            return
        rates: list[TaxRate] = []
        for rate in _as_tuple(self.rates, "rates"):
            if not isinstance(rate, TaxRate):
                raise TypeError(f"rates must be TaxRate instances, got {type(rate).__name__}")
            if any(rate.code == seen.code for seen in rates):
                raise ValueError(f"tax code {rate.code!r} appears twice on one line")
            rates.append(rate)
        object.__setattr__(self, "rates", tuple(rates))


@dataclass(frozen=True, slots=True)
class LineTax:
    """One rate's tax on one line: ``amount`` of tax at ``rate`` percent on ``base``."""

    code: str
    rate: Decimal
    base: Decimal
    amount: Decimal

    def __post_init__(self) -> None:
        _check_str(self.code, "code")
        _set_decimals(self, "rate", "base", "amount")


@dataclass(frozen=True, slots=True)
class LineTotals:
    """The computed amounts of one line.

    ``gross`` is quantity x unit price rounded, before discounts; ``line_discount`` and
    ``sale_discount`` (this line's share of the sale discount) are signed like the line;
    ``net`` excludes tax, ``tax`` is the sum of ``taxes`` and ``total`` = net + tax is
    what the customer pays for the line.
    """

    key: str
    gross: Decimal
    line_discount: Decimal
    sale_discount: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal
    taxes: tuple[LineTax, ...]

    def __post_init__(self) -> None:
        _check_str(self.key, "key")
        _set_decimals(self, "gross", "line_discount", "sale_discount", "net", "tax", "total")
        object.__setattr__(self, "taxes", tuple(self.taxes))

    @property
    def discount(self) -> Decimal:
        """The line's whole discount, its own and its share of the sale's, signed like it."""
        return self.line_discount + self.sale_discount


@dataclass(frozen=True, slots=True)
class TaxSummary:
    """One row of the receipt's tax summary."""

    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal

    def __post_init__(self) -> None:
        _check_str(self.code, "code")
        _check_str(self.name, "name")
        _set_decimals(self, "rate", "base", "amount")


@dataclass(frozen=True, slots=True)
class SaleTotals:
    """The computed amounts of a sale; ``taxes`` is sorted by code."""

    currency: str
    lines: tuple[LineTotals, ...]
    gross: Decimal
    discount_total: Decimal
    net: Decimal
    tax_total: Decimal
    total: Decimal
    taxes: tuple[TaxSummary, ...]

    def __post_init__(self) -> None:
        currency_exponent(self.currency)
        _set_decimals(self, "gross", "discount_total", "net", "tax_total", "total")
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "taxes", tuple(self.taxes))


def _as_tuple(value: object, what: str) -> tuple[object, ...]:
    # A str is a Sequence too, and would be iterated character by character.
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"{what} must be a sequence, not {type(value).__name__}")
    return tuple(value)


def _label(index: int, line: LineInput) -> str:
    return f"line {index}" + (f" ({line.key!r})" if line.key else "")


def _to_units(value: Decimal, scale: int, mode: RoundingMode) -> int:
    numerator, denominator = value.as_integer_ratio()
    return round_known_quotient(numerator * scale, denominator, mode)


@lru_cache(maxsize=1024)
def tax_factors(rates: tuple[TaxRate, ...], inclusive: bool) -> tuple[tuple[int, int], ...]:
    """The exact fraction of the line's pricing-basis amount that each rate takes, as
    (numerator, denominator) in lowest terms with a positive denominator.

    A store has a handful of rate sets, so each is worked out once; integers only (what
    ``Fraction`` would give, without its cost)."""
    ratios = [rate.rate.as_integer_ratio() for rate in rates]
    if inclusive:
        # Out of an inclusive amount A with rates r1..rn: net = A * 100 / (100 + sum r),
        # and rate ri takes net * ri / 100 = A * ri / (100 + sum r).
        common = math.lcm(*(den for _, den in ratios)) if ratios else 1
        divisor_num = 100 * common + sum(num * (common // den) for num, den in ratios)
        divisor_den = common
    else:
        divisor_num, divisor_den = 100, 1
    factors = []
    for num, den in ratios:
        # (num / den) / (divisor_num / divisor_den); divisor_num >= 100 as rates are >= 0.
        top, bottom = num * divisor_den, den * divisor_num
        common_factor = math.gcd(top, bottom)
        factors.append((top // common_factor, bottom // common_factor))
    return tuple(factors)


# The calculator's own results are built without their __post_init__: every value in them
# is an int it converted to a Decimal on the grid, a str or a Decimal taken from a
# validated input, so checking them again would only cost time (a third of the
# calculator's). Values that come from callers are still validated by the constructors.
# Each builder sets every field of its class through the slots' descriptors (which a
# frozen dataclass's own __init__ also bypasses __setattr__ for); tests check that each
# builder names all of its class's fields and builds an equal object.
_new = object.__new__


def _setters(cls: type, names: str) -> tuple[Callable[[object, object], None], ...]:
    members = vars(cls)
    return tuple(members[name].__set__ for name in names.split())


def _field_names(cls: type) -> str:
    """The dataclass's fields in order: what its builder sets, read off the class (a
    builder's unpacking fails at import should a field come or go)."""
    return " ".join(f.name for f in fields(cast(Any, cls)))


_LINE_TAX_FIELDS = _field_names(LineTax)
_LINE_TOTALS_FIELDS = _field_names(LineTotals)
_SUMMARY_FIELDS = _field_names(TaxSummary)
_SALE_FIELDS = _field_names(SaleTotals)


def _line_tax_builder() -> Callable[[str, Decimal, Decimal, Decimal], LineTax]:
    s_code, s_rate, s_base, s_amount = _setters(LineTax, _LINE_TAX_FIELDS)

    def build(code: str, rate: Decimal, base: Decimal, amount: Decimal) -> LineTax:
        obj = _new(LineTax)
        s_code(obj, code)
        s_rate(obj, rate)
        s_base(obj, base)
        s_amount(obj, amount)
        return obj

    return build


def _line_totals_builder() -> Callable[
    [str, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, tuple[LineTax, ...]],
    LineTotals,
]:
    s_key, s_gross, s_line, s_sale, s_net, s_tax, s_total, s_taxes = _setters(
        LineTotals, _LINE_TOTALS_FIELDS
    )

    def build(
        key: str,
        gross: Decimal,
        line_discount: Decimal,
        sale_discount: Decimal,
        net: Decimal,
        tax: Decimal,
        total: Decimal,
        taxes: tuple[LineTax, ...],
    ) -> LineTotals:
        obj = _new(LineTotals)
        s_key(obj, key)
        s_gross(obj, gross)
        s_line(obj, line_discount)
        s_sale(obj, sale_discount)
        s_net(obj, net)
        s_tax(obj, tax)
        s_total(obj, total)
        s_taxes(obj, taxes)
        return obj

    return build


def _summary_builder() -> Callable[[str, str, Decimal, Decimal, Decimal], TaxSummary]:
    s_code, s_name, s_rate, s_base, s_amount = _setters(TaxSummary, _SUMMARY_FIELDS)

    def build(code: str, name: str, rate: Decimal, base: Decimal, amount: Decimal) -> TaxSummary:
        obj = _new(TaxSummary)
        s_code(obj, code)
        s_name(obj, name)
        s_rate(obj, rate)
        s_base(obj, base)
        s_amount(obj, amount)
        return obj

    return build


def _sale_builder() -> Callable[
    [
        str,
        tuple[LineTotals, ...],
        Decimal,
        Decimal,
        Decimal,
        Decimal,
        Decimal,
        tuple[TaxSummary, ...],
    ],
    SaleTotals,
]:
    s_currency, s_lines, s_gross, s_discount, s_net, s_tax, s_total, s_taxes = _setters(
        SaleTotals, _SALE_FIELDS
    )

    def build(
        currency: str,
        lines: tuple[LineTotals, ...],
        gross: Decimal,
        discount_total: Decimal,
        net: Decimal,
        tax_total: Decimal,
        total: Decimal,
        taxes: tuple[TaxSummary, ...],
    ) -> SaleTotals:
        obj = _new(SaleTotals)
        s_currency(obj, currency)
        s_lines(obj, lines)
        s_gross(obj, gross)
        s_discount(obj, discount_total)
        s_net(obj, net)
        s_tax(obj, tax_total)
        s_total(obj, total)
        s_taxes(obj, taxes)
        return obj

    return build


_line_tax = _line_tax_builder()
_line_totals = _line_totals_builder()
_summary = _summary_builder()
_sale_totals = _sale_builder()


def compute_sale_totals(
    lines: Sequence[LineInput],
    *,
    currency: str,
    prices_include_tax: bool,
    tax_rounding: TaxRounding = TaxRounding.PER_LINE,
    rounding: RoundingMode = RoundingMode.HALF_UP,
    sale_discount: Decimal = Decimal(0),
) -> SaleTotals:
    """Compute a sale's line and receipt totals by the rules in the module docstring."""
    exponent = currency_exponent(currency)
    scale = 10**exponent
    if not isinstance(prices_include_tax, bool):
        raise TypeError("prices_include_tax must be a bool")
    inclusive = prices_include_tax
    if type(tax_rounding) is not TaxRounding:
        tax_rounding = TaxRounding(tax_rounding)
    mode = rounding if type(rounding) is RoundingMode else RoundingMode(rounding)
    sale_discount = exact_decimal(sale_discount, "sale_discount")
    if sale_discount < 0:
        raise ValueError(f"sale_discount must not be negative, got {sale_discount}")
    if type(lines) is tuple:
        given: tuple[object, ...] = lines
    elif type(lines) is list:
        given = tuple(lines)
    else:
        given = _as_tuple(lines, "lines")
    for index, item in enumerate(given):
        if type(item) is not LineInput and not isinstance(item, LineInput):
            raise TypeError(f"line {index} must be a LineInput, not {type(item).__name__}")
    inputs = cast("tuple[LineInput, ...]", given)
    count = len(inputs)
    # Every intermediate is an exact int of minor units (or an exact fraction of ints);
    # the checked rounding rule and Decimal conversion of arcoiris_shared.money are used
    # on arguments this function made itself.
    rnd = round_known_quotient

    rate_by_code: dict[str, TaxRate] = {}
    gross: list[int] = []
    line_discount: list[int] = []
    discounted: list[int] = []
    for index, line in enumerate(inputs):
        for rate in line.rates:
            known = rate_by_code.setdefault(rate.code, rate)
            if known is not rate and known != rate:
                raise ValueError(
                    f"tax code {rate.code!r} means both {known.rate}% ({known.name!r}) "
                    f"and {rate.rate}% ({rate.name!r})"
                )
        q_num, q_den = line.quantity.as_integer_ratio()
        p_num, p_den = line.unit_price.as_integer_ratio()
        line_gross = rnd(q_num * p_num * scale, q_den * p_den, mode)
        discount = _to_units(line.discount, scale, mode) if line.discount else 0
        if discount:
            if discount > abs(line_gross):
                raise ValueError(
                    f"{_label(index, line)}: discount {line.discount} is larger than the "
                    f"line amount {from_minor_units(abs(line_gross), exponent)}"
                )
            if line_gross < 0:
                discount = -discount
        gross.append(line_gross)
        line_discount.append(discount)
        discounted.append(line_gross - discount)

    shares = [0] * count
    sale_units = _to_units(sale_discount, scale, mode) if sale_discount else 0
    if sale_units:
        has_sold = any(amount > 0 for amount in discounted)
        has_refunded = any(amount < 0 for amount in discounted)
        if has_sold and has_refunded:
            raise ValueError(
                "a sale discount cannot apply to a sale that mixes sold and refunded lines"
            )
        available = sum(abs(amount) for amount in discounted)
        if sale_units > available:
            raise ValueError(
                f"sale discount {sale_discount} is larger than the sale amount "
                f"{from_minor_units(available, exponent)}"
            )
        target = sale_units if has_sold else -sale_units
        shares = apportion(target, [target * abs(amount) for amount in discounted], available)
        amounts = [d - s for d, s in zip(discounted, shares, strict=True)]
    else:
        amounts = discounted

    # Exact tax of each (line, rate) in minor units is amount * factor; keep numerator
    # and denominator as integers so PER_RECEIPT can add them before rounding.
    line_rates = [line.rates for line in inputs]
    # Lines of one sale mostly share their rates tuple (the same object): look it up by
    # identity first, which is safe as every tuple outlives this call, and hash a
    # TaxRate (a Python-level hash of three fields) only once per distinct tuple.
    seen: dict[int, tuple[tuple[int, int], ...]] = {}
    factors = []
    for rates in line_rates:
        row = seen.get(id(rates))
        if row is None:
            row = tax_factors(rates, inclusive) if rates else ()
            seen[id(rates)] = row
        factors.append(row)
    line_taxes: list[list[int]]
    if tax_rounding is TaxRounding.PER_LINE:
        line_taxes = [
            [rnd(amount * num, den, mode) for num, den in row]
            for amount, row in zip(amounts, factors, strict=True)
        ]
    else:
        line_taxes = [[0] * len(row) for row in factors]
        members: dict[str, list[tuple[int, int]]] = {}
        for index, rates in enumerate(line_rates):
            for position, rate in enumerate(rates):
                members.setdefault(rate.code, []).append((index, position))
        for places in members.values():
            terms = [(amounts[i] * factors[i][p][0], factors[i][p][1]) for i, p in places]
            common = math.lcm(*(den for _, den in terms))
            quotas = [num * (common // den) for num, den in terms]
            receipt_tax = rnd(sum(quotas), common, mode)
            for (i, p), part in zip(places, apportion(receipt_tax, quotas, common), strict=True):
                line_taxes[i][p] = part

    # _units_checked inlined: this is most of what the function returns.
    dec, neg, exact = Decimal, -exponent, EXACT_CONTEXT
    zero = dec(0).scaleb(neg, exact)
    line_totals: list[LineTotals] = []
    summary_base: dict[str, int] = {}
    summary_amount: dict[str, int] = {}
    sum_net = sum_tax = 0
    for index, line in enumerate(inputs):
        rates = line_rates[index]
        taxes_units = line_taxes[index]
        tax = sum(taxes_units)
        amount = amounts[index]
        if inclusive:
            total = amount
            net = total - tax
        else:
            net = amount
            total = net + tax
        line_gross = gross[index]
        net_value = dec(net).scaleb(neg, exact)
        tax_value = dec(tax).scaleb(neg, exact) if tax else zero
        if len(rates) == 1:
            code = rates[0].code
            taxes: tuple[LineTax, ...] = (_line_tax(code, rates[0].rate, net_value, tax_value),)
            summary_base[code] = summary_base.get(code, 0) + net
            summary_amount[code] = summary_amount.get(code, 0) + tax
        else:
            taxes_list = []
            for rate, part in zip(rates, taxes_units, strict=True):
                code = rate.code
                taxes_list.append(
                    _line_tax(code, rate.rate, net_value, dec(part).scaleb(neg, exact))
                )
                summary_base[code] = summary_base.get(code, 0) + net
                summary_amount[code] = summary_amount.get(code, 0) + part
            taxes = tuple(taxes_list)
        gross_value = dec(line_gross).scaleb(neg, exact)
        own = line_discount[index]
        share = shares[index]
        line_totals.append(
            _line_totals(
                line.key,
                gross_value,
                dec(own).scaleb(neg, exact) if own else zero,
                dec(share).scaleb(neg, exact) if share else zero,
                net_value,
                tax_value,
                net_value
                if total == net
                else gross_value
                if total == line_gross
                else dec(total).scaleb(neg, exact),
                taxes,
            )
        )
        sum_net += net
        sum_tax += tax

    summary = tuple(
        [
            _summary(
                code,
                rate_by_code[code].name,
                rate_by_code[code].rate,
                dec(summary_base[code]).scaleb(neg, exact),
                dec(summary_amount[code]).scaleb(neg, exact),
            )
            for code in sorted(rate_by_code)
        ]
    )
    return _sale_totals(
        currency,
        tuple(line_totals),
        dec(sum(gross)).scaleb(neg, exact),
        dec(sum(line_discount) + sum(shares)).scaleb(neg, exact),
        dec(sum_net).scaleb(neg, exact),
        dec(sum_tax).scaleb(neg, exact),
        dec(sum(amounts) if inclusive else sum_net + sum_tax).scaleb(neg, exact),
        summary,
    )


def refund_share(
    original: LineTotals,
    original_quantity: Decimal,
    refund_quantity: Decimal,
    currency: str,
    *,
    already_refunded: Decimal = Decimal(0),
    rounding: RoundingMode = RoundingMode.HALF_UP,
) -> LineTotals:
    """The (negative) amounts to pay back when part of a sold line is returned.

    Quantities are magnitudes: ``refund_quantity`` > 0 of the ``original_quantity`` sold,
    of which ``already_refunded`` was returned before. Each amount is the original's
    share for everything returned so far minus its share for what was returned before,
    each rounded, so any sequence of partial refunds of a line adds up to exactly the
    line; a full refund at once is its exact negative. The refund keeps the original's
    pricing basis (gross - discounts = total for inclusive prices, = net otherwise).
    """
    exponent = currency_exponent(currency)
    mode = RoundingMode(rounding)
    sold = abs(Fraction(exact_decimal(original_quantity, "original_quantity")))
    returning = Fraction(exact_decimal(refund_quantity, "refund_quantity"))
    before = Fraction(exact_decimal(already_refunded, "already_refunded"))
    if sold == 0:
        raise ValueError("original_quantity must not be zero")
    if returning <= 0:
        raise ValueError(f"refund_quantity must be positive, got {refund_quantity}")
    if before < 0:
        raise ValueError(f"already_refunded must not be negative, got {already_refunded}")
    if before + returning > sold:
        raise ValueError(
            f"cannot refund {refund_quantity} more when {already_refunded} of "
            f"{abs(original_quantity)} were already refunded"
        )
    start, end = before / sold, (before + returning) / sold

    def units(amount: Decimal) -> int:
        return to_minor_units(amount, exponent)

    def share(whole: int) -> int:
        # Cumulative rounding: what is owed after this refund minus what was owed before.
        return round_quotient(whole * end.numerator, end.denominator, mode) - round_quotient(
            whole * start.numerator, start.denominator, mode
        )

    discounts = units(original.line_discount) + units(original.sale_discount)
    basis = units(original.gross) - discounts
    tax_parts = [share(units(line_tax.amount)) for line_tax in original.taxes]
    tax = sum(tax_parts)
    if basis == units(original.total):
        total = share(units(original.total))
        net = total - tax
        amount = total
    elif basis == units(original.net):
        net = share(units(original.net))
        total = net + tax
        amount = net
    else:
        raise ValueError(
            "original line is inconsistent: gross - discounts is neither net nor total"
        )
    discount = share(discounts)
    line_discount = share(units(original.line_discount))

    def money(units: int) -> Decimal:
        return from_minor_units(-units, exponent)

    return LineTotals(
        key=original.key,
        gross=money(amount + discount),
        line_discount=money(line_discount),
        sale_discount=money(discount - line_discount),
        net=money(net),
        tax=money(tax),
        total=money(total),
        taxes=tuple(
            LineTax(line_tax.code, line_tax.rate, money(net), money(part))
            for line_tax, part in zip(original.taxes, tax_parts, strict=True)
        ),
    )
