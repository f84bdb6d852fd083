"""Exact money arithmetic shared by the terminal and the sync server.

Invariant 2 of the design says money is exact and rounded by one policy in one place;
this module is that place. Every amount is a ``Decimal`` (never a ``float``), every
rounding to a currency's minor unit goes through :func:`quantize`, and every split of an
amount into parts (sale discounts, receipt-level taxes, bill splitting) goes through the
largest-remainder :func:`allocate`, so parts always add back to the whole.

Rounding is done on exact integers (``Decimal.as_integer_ratio``) rather than through a
decimal context, so results never depend on the calling thread's context precision and
never lose digits, however large the amounts. All four modes are symmetric about zero,
which is what makes a refund the exact negative of the sale it reverses.

Currencies are ISO 4217 codes known to Babel/CLDR; their number of decimals (EUR 2,
JPY 0, KWD 3) comes from ``babel.numbers.get_currency_precision``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum
from functools import lru_cache
from typing import Self

from babel.core import UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, is_currency

__all__ = [
    "EXACT_CONTEXT",
    "CurrencyMismatch",
    "Money",
    "RoundingMode",
    "RoundingPolicy",
    "allocate",
    "apportion",
    "currency_exponent",
    "exact_decimal",
    "format_money",
    "from_minor_units",
    "quantize",
    "round_known_quotient",
    "round_quotient",
    "round_to_increment",
    "to_decimal",
    "to_minor_units",
]

# Additions, subtractions and multiplications of finite decimals have exact results; with
# an unbounded precision and Inexact trapped, a result that would ever be rounded raises
# instead of silently losing a cent. Never used for division.
EXACT_CONTEXT = Context(
    prec=MAX_PREC,
    Emax=MAX_EMAX,
    Emin=MIN_EMIN,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow, Inexact],
)


class RoundingMode(StrEnum):
    """How an exact value is brought onto a grid. All modes are symmetric about zero."""

    HALF_UP = "half_up"
    """Nearest; halves away from zero (2.675 -> 2.68, -2.675 -> -2.68)."""
    HALF_EVEN = "half_even"
    """Nearest; halves to the even neighbour (banker's rounding)."""
    DOWN = "down"
    """Toward zero (truncation)."""
    UP = "up"
    """Away from zero."""

    @property
    def decimal_rounding(self) -> str:
        """The equivalent ``decimal.ROUND_*`` constant."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING: dict[RoundingMode, str] = {
    RoundingMode.HALF_UP: ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: ROUND_HALF_EVEN,
    RoundingMode.DOWN: ROUND_DOWN,
    RoundingMode.UP: ROUND_UP,
}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined or ordered."""


def _reject_inexact_type(value: object, what: str) -> None:
    # bool is an int subclass, so it would otherwise slip through as 0 or 1.
    if isinstance(value, bool):
        raise TypeError(f"{what} must be a Decimal, not a bool")
    if isinstance(value, float):
        raise TypeError(
            f"{what} must be a Decimal, not a float ({value!r}): floats cannot hold money "
            "exactly; pass Decimal('...') or a string"
        )


def _finite(value: Decimal, what: str) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value}")
    return value


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert user or wire input to a finite ``Decimal``, exactly.

    Raises ``TypeError`` for floats, bools and other types, ``ValueError`` for NaN,
    infinities and strings that are not numbers.
    """
    _reject_inexact_type(value, "value")
    if isinstance(value, Decimal):
        return _finite(value, "value")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
        return _finite(parsed, f"value {value!r}")
    raise TypeError(f"value must be a Decimal, int or str, not {type(value).__name__}")


def exact_decimal(value: object, what: str = "amount") -> Decimal:
    """Check that ``value`` is an exact finite number and return it as a ``Decimal``.

    Accepts ``Decimal`` and ``int``; ``what`` names the value in error messages. Used to
    validate dataclass fields, where a string would more likely be a bug than input.
    """
    if type(value) is Decimal and value.is_finite():
        return value
    _reject_inexact_type(value, what)
    if isinstance(value, Decimal):
        return _finite(value, what)
    if isinstance(value, int):
        return Decimal(value)
    raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")


@lru_cache(maxsize=512)
def _known_exponent(currency: str) -> int:
    # Babel answers 2 for any code it does not know, so a typo would silently get
    # cents; only codes CLDR knows are accepted.
    if not is_currency(currency):
        raise ValueError(f"unknown currency code {currency!r}")
    return get_currency_precision(currency)


def currency_exponent(currency: str) -> int:
    """Number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3).

    ``currency`` must be a known ISO 4217 code in upper case; ``ValueError`` otherwise.
    """
    if not isinstance(currency, str):
        raise TypeError(f"currency must be a str, not {type(currency).__name__}")
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise ValueError(f"currency must be a 3-letter ISO 4217 code, got {currency!r}")
    if not currency.isupper():
        raise ValueError(f"currency code must be upper case, got {currency!r}")
    return _known_exponent(currency)


def _check_int(value: object, what: str) -> int:
    if type(value) is int:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def round_quotient(
    numerator: int, denominator: int, mode: RoundingMode = RoundingMode.HALF_UP
) -> int:
    """Round the exact fraction ``numerator / denominator`` to an integer.

    This is the rounding rule itself; :func:`quantize` and the tax calculator are built
    on it so they can never disagree.
    """
    _check_int(numerator, "numerator")
    _check_int(denominator, "denominator")
    mode = RoundingMode(mode)
    if denominator == 0:
        raise ZeroDivisionError("denominator must not be zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return round_known_quotient(numerator, denominator, mode)


def round_known_quotient(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """:func:`round_quotient` on arguments already known good: ints, ``denominator`` > 0
    and ``mode`` a :class:`RoundingMode`. The rule itself, for callers (the tax
    calculator) that round thousands of values they produced themselves."""
    # Rounding the magnitude and restoring the sign is what makes every mode symmetric.
    quotient, remainder = divmod(-numerator if numerator < 0 else numerator, denominator)
    if remainder:
        if mode is RoundingMode.HALF_UP:
            quotient += 2 * remainder >= denominator
        elif mode is RoundingMode.UP:
            quotient += 1
        elif mode is RoundingMode.HALF_EVEN:
            twice = 2 * remainder
            quotient += twice > denominator or (twice == denominator and quotient % 2 == 1)
    return -quotient if numerator < 0 else quotient


def to_minor_units(amount: Decimal, exponent: int) -> int:
    """The exact integer number of minor units (10**-exponent) in ``amount``.

    ``ValueError`` if ``amount`` is not on that grid: this never rounds.
    """
    amount = exact_decimal(amount)
    _check_int(exponent, "exponent")
    numerator, denominator = amount.as_integer_ratio()
    if exponent >= 0:
        numerator *= 10**exponent
    else:
        denominator *= 10**-exponent
    units, remainder = divmod(numerator, denominator)
    if remainder:
        raise ValueError(f"{amount} is not a whole number of 1E{-exponent} units")
    return units


def from_minor_units(units: int, exponent: int) -> Decimal:
    """``units`` minor units as a ``Decimal`` with exactly ``exponent`` decimals."""
    _check_int(units, "units")
    _check_int(exponent, "exponent")
    return _units_checked(units, exponent)


def _units_checked(units: int, exponent: int) -> Decimal:
    """:func:`from_minor_units` on ints already known to be ints."""
    # An int never carries a sign on zero, so this never yields "-0.00".
    return Decimal(units).scaleb(-exponent, EXACT_CONTEXT)


def quantize(amount: Decimal, currency: str, mode: RoundingMode = RoundingMode.HALF_UP) -> Decimal:
    """Round ``amount`` to the minor unit of ``currency``: the one rounding policy.

    The result always carries exactly the currency's number of decimals
    (``quantize(Decimal("12.5"), "EUR") == Decimal("12.50")``, printed as ``12.50``).
    """
    amount = exact_decimal(amount)
    exponent = currency_exponent(currency)
    numerator, denominator = amount.as_integer_ratio()
    units = round_quotient(numerator * 10**exponent, denominator, mode)
    return from_minor_units(units, exponent)


def round_to_increment(
    amount: Decimal, increment: Decimal, mode: RoundingMode = RoundingMode.HALF_UP
) -> Decimal:
    """Round ``amount`` to a multiple of ``increment`` (cash rounding, e.g. 0.05 or 0.10)."""
    amount = exact_decimal(amount)
    increment = exact_decimal(increment, "increment")
    if increment <= 0:
        raise ValueError(f"increment must be positive, got {increment}")
    amount_num, amount_den = amount.as_integer_ratio()
    step_num, step_den = increment.as_integer_ratio()
    steps = round_quotient(amount_num * step_den, amount_den * step_num, mode)
    return EXACT_CONTEXT.multiply(Decimal(steps), increment)


def apportion(target: int, quotas: Sequence[int], denominator: int) -> list[int]:
    """Integers summing exactly to ``target``, each close to ``quotas[i] / denominator``.

    Largest-remainder method, sign-aware: every quota is first truncated toward zero,
    then the missing units go one each to the quotas with the largest dropped fraction
    among those on the same side of zero as the shortfall (ties: earlier index first).
    So each part keeps its quota's sign and lies strictly within one unit of it, and
    negating the target and all quotas negates the result exactly.

    Needs ``|target - sum(quotas) / denominator| < 1`` (the target is the rounded sum of
    the quotas, or equal to it); ``ValueError`` if the units cannot be placed.
    """
    _check_int(target, "target")
    _check_int(denominator, "denominator")
    if denominator <= 0:
        raise ValueError(f"denominator must be positive, got {denominator}")
    parts: list[int] = []
    fractions: list[int] = []
    for quota in quotas:
        _check_int(quota, "quota")
        whole, fraction = divmod(abs(quota), denominator)
        parts.append(-whole if quota < 0 else whole)
        fractions.append(fraction if quota >= 0 else -fraction)
    shortfall = target - sum(parts)
    if shortfall:
        step = 1 if shortfall > 0 else -1
        candidates = sorted(
            (i for i, fraction in enumerate(fractions) if fraction * step > 0),
            key=lambda i: (-abs(fractions[i]), i),
        )
        if len(candidates) < abs(shortfall):
            raise ValueError(
                f"cannot apportion {target} over quotas summing to "
                f"{sum(quotas)}/{denominator}: they are more than one unit apart"
            )
        for i in candidates[: abs(shortfall)]:
            parts[i] += step
    return parts


def allocate(total: Decimal, weights: Sequence[Decimal], exponent: int) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights`` so the parts add up exactly to it.

    ``total`` (which may be negative) must be on the grid of ``10**-exponent`` and every
    part is too; weights must be non-negative, and all-zero weights split evenly. Uses
    the largest-remainder method (:func:`apportion`): each part is within one minor unit
    of its exact share, and ``allocate(-t, w, e)`` is the exact negative of
    ``allocate(t, w, e)``.
    """
    units = to_minor_units(total, exponent)
    if not weights:
        raise ValueError("allocate needs at least one weight")
    ratios: list[tuple[int, int]] = []
    for index, weight in enumerate(weights):
        weight = exact_decimal(weight, f"weight[{index}]")
        if weight < 0:
            raise ValueError(f"weights must not be negative, got {weight} at {index}")
        ratios.append(weight.as_integer_ratio())
    common = math.lcm(*(den for _, den in ratios))
    scaled = [num * (common // den) for num, den in ratios]
    weight_sum = sum(scaled)
    if weight_sum == 0:
        scaled = [1] * len(scaled)
        weight_sum = len(scaled)
    parts = apportion(units, [units * w for w in scaled], weight_sum)
    return [from_minor_units(part, exponent) for part in parts]


def format_money(amount: Decimal, currency: str, locale: str = "en_US") -> str:
    """Format an amount for receipts and screens, e.g. ``€12.50`` or ``12,50 €``.

    The amount is first rounded by :func:`quantize` (HALF_UP), because Babel would
    otherwise round with its own rule and a receipt could disagree with the books.
    """
    rounded = quantize(amount, currency)
    try:
        return format_currency(rounded, currency, locale=locale)
    except UnknownLocaleError as exc:
        raise ValueError(f"unknown locale {locale!r}") from exc


@dataclass(frozen=True, slots=True)
class RoundingPolicy:
    """A store's rounding settings: minor-unit mode and optional cash rounding.

    ``cash_increment`` (e.g. ``Decimal("0.05")``) is the smallest amount the till can
    pay out in cash; ``None`` means cash is paid to the minor unit.
    """

    mode: RoundingMode = RoundingMode.HALF_UP
    cash_increment: Decimal | None = None
    cash_mode: RoundingMode = RoundingMode.HALF_UP

    def __post_init__(self) -> None:
        # Settings arrive from the database as plain strings; accept the enum values.
        object.__setattr__(self, "mode", RoundingMode(self.mode))
        object.__setattr__(self, "cash_mode", RoundingMode(self.cash_mode))
        if self.cash_increment is not None:
            increment = exact_decimal(self.cash_increment, "cash_increment")
            if increment <= 0:
                raise ValueError(f"cash_increment must be positive, got {increment}")
            object.__setattr__(self, "cash_increment", increment)

    def cash_due(self, total: Decimal, currency: str) -> tuple[Decimal, Decimal]:
        """(amount to collect in cash, rounding adjustment = due - total).

        ``total`` must already be on the currency's minor-unit grid, and so must the
        cash increment. Negative totals (refunds) round symmetrically.
        """
        exponent = currency_exponent(currency)
        total_units = to_minor_units(total, exponent)
        if self.cash_increment is None:
            due_units = total_units
        else:
            try:
                to_minor_units(self.cash_increment, exponent)
            except ValueError:
                raise ValueError(
                    f"cash increment {self.cash_increment} is finer than the minor unit "
                    f"of {currency}"
                ) from None
            due = round_to_increment(total, self.cash_increment, self.cash_mode)
            due_units = to_minor_units(due, exponent)
        return (
            from_minor_units(due_units, exponent),
            from_minor_units(due_units - total_units, exponent),
        )


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in one currency.

    The amount may carry more decimals than the currency's minor unit (unit prices of
    weighed goods do); :meth:`rounded` brings it onto the grid. Equality between
    different currencies is simply false; ordering or arithmetic across currencies
    raises :class:`CurrencyMismatch`.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount = exact_decimal(self.amount)
        if amount.is_zero() and amount.is_signed():
            amount = amount.copy_abs()
        object.__setattr__(self, "amount", amount)
        currency_exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Self:
        """Zero in ``currency``, with the currency's decimals (``0.00``)."""
        return cls(from_minor_units(0, currency_exponent(currency)), currency)

    @classmethod
    def of(cls, value: Decimal | int | str, currency: str) -> Self:
        """Build from user or wire input (see :func:`to_decimal`)."""
        return cls(to_decimal(value), currency)

    @property
    def exponent(self) -> int:
        """Decimals of this currency's minor unit."""
        return currency_exponent(self.currency)

    @property
    def is_zero(self) -> bool:
        """Whether the amount is zero."""
        return self.amount.is_zero()

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(EXACT_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(EXACT_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        # copy_negate is exact; unary minus would round to the thread's context precision.
        return Money(self.amount.copy_negate(), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: object) -> Money:
        _reject_inexact_type(factor, "factor")
        if isinstance(factor, Money):
            raise TypeError("cannot multiply money by money")
        if not isinstance(factor, Decimal | int):
            return NotImplemented
        factor = exact_decimal(factor, "factor")
        return Money(EXACT_CONTEXT.multiply(self.amount, factor), self.currency)

    __rmul__ = __mul__

    def _ordered(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot order Money against {type(other).__name__}")
        self._same_currency(other)
        return other

    def __lt__(self, other: object) -> bool:
        return self.amount < self._ordered(other).amount

    def __le__(self, other: object) -> bool:
        return self.amount <= self._ordered(other).amount

    def __gt__(self, other: object) -> bool:
        return self.amount > self._ordered(other).amount

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._ordered(other).amount

    def rounded(self, mode: RoundingMode = RoundingMode.HALF_UP) -> Money:
        """This amount rounded to the currency's minor unit by :func:`quantize`."""
        return Money(quantize(self.amount, self.currency, mode), self.currency)

    def allocate(self, weights: Sequence[Decimal]) -> list[Money]:
        """Split into parts proportional to ``weights`` that add up exactly to this amount.

        The amount must already be in minor units (see :func:`allocate`).
        """
        parts = allocate(self.amount, weights, self.exponent)
        return [Money(part, self.currency) for part in parts]

    def __str__(self) -> str:
        exponent = self.exponent
        try:
            amount = from_minor_units(to_minor_units(self.amount, exponent), exponent)
        except ValueError:
            # Finer than the minor unit (a unit price): show it all rather than round.
            amount = self.amount
        return f"{amount:f} {self.currency}"
