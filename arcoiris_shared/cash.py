"""Cash arithmetic, exact and the same on the till and at HQ: what a sale's payments add up
to, what should be in the drawer, what was counted, the difference.

``paid = total + cash rounding``: a sale's payments add up to its total plus the rounding
taken when cash is rounded to the smallest coin in use (positive or negative).

``expected = opening float + Σ cash payments of the shift's sales and refunds + Σ its cash
movements`` (a refund's cash payment and a paid out are negative, a paid in positive);
``over/short = counted - expected``. A count may be given note by note and coin by coin:
the total is Σ face value * pieces, kept as ``[[face, pieces], ...]`` largest first
(``count_rows``). An over/short beyond the org's threshold needs a reason (``needs_reason``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from arcoiris_shared.money import currency_exponent, quantize
from arcoiris_shared.sync_protocol import wire_decimal

ZERO = Decimal(0)
MAX_CASH = Decimal("10000000")

# Notes and coins a manager counts, largest first. A currency not listed is counted as a
# total only.
DENOMINATIONS: dict[str, tuple[Decimal, ...]] = {
    currency: tuple(Decimal(face) for face in faces.split())
    for currency, faces in {
        "EUR": "500 200 100 50 20 10 5 2 1 0.50 0.20 0.10 0.05 0.02 0.01",
        "USD": "100 50 20 10 5 1 0.25 0.10 0.05 0.01",
        "GBP": "50 20 10 5 2 1 0.50 0.20 0.10 0.05 0.02 0.01",
        "MXN": "1000 500 200 100 50 20 10 5 2 1 0.50",
    }.items()
}


# The largest banknote in everyday use, per currency: what a customer hands over at most,
# note for note. A currency not listed counts FALLBACK_LARGEST_NOTE units.
LARGEST_NOTE: dict[str, Decimal] = {
    currency: Decimal(face)
    for currency, face in {
        "EUR": "500",
        "USD": "100",
        "GBP": "50",
        "CHF": "1000",
        "CAD": "100",
        "AUD": "100",
        "NZD": "100",
        "JPY": "10000",
        "CNY": "100",
        "HKD": "1000",
        "SGD": "1000",
        "KRW": "50000",
        "INR": "500",
        "SEK": "1000",
        "NOK": "1000",
        "DKK": "1000",
        "PLN": "500",
        "CZK": "5000",
        "HUF": "20000",
        "RON": "500",
        "BGN": "100",
        "TRY": "200",
        "ZAR": "200",
        "MXN": "1000",
        "BRL": "200",
        "ARS": "20000",
        "CLP": "20000",
        "COP": "100000",
        "PEN": "200",
        "MAD": "200",
    }.items()
}
FALLBACK_LARGEST_NOTE = Decimal(500)


# The smallest banknote of each currency in ``DENOMINATIONS``: below it are coins, which
# nobody hands over as "the next note up". A listed currency not here has notes from 1 up.
SMALLEST_NOTE: dict[str, Decimal] = {
    "EUR": Decimal(5),
    "USD": Decimal(1),
    "GBP": Decimal(5),
    "MXN": Decimal(20),
}


def largest_note(currency: str) -> Decimal:
    return LARGEST_NOTE.get(currency.upper(), FALLBACK_LARGEST_NOTE)


def banknotes(currency: str) -> tuple[Decimal, ...]:
    """The currency's notes, smallest first. From ``DENOMINATIONS`` when it lists the
    currency; otherwise the 1-2-5 series from a hundredth of the largest note up to it
    (JPY: 100 ... 10000), the shape nearly every currency's notes take."""
    currency = currency.upper()
    listed = DENOMINATIONS.get(currency)
    if listed:
        smallest = SMALLEST_NOTE.get(currency, Decimal(1))
        return tuple(sorted(face for face in listed if face >= smallest))
    top = int(largest_note(currency))
    return tuple(
        Decimal(face)
        for face in sorted(
            step * 10**power
            for power in range(len(str(top)))
            for step in (1, 2, 5)
            if top <= step * 10**power * 100 and step * 10**power <= top
        )
    )


class CashError(ValueError):
    """A cash amount or count the till refuses; the message is for the manager."""


def check_cash(amount: Decimal, currency: str, what: str) -> Decimal:
    """An amount of cash in the drawer: exact, not negative, on the currency's grid."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise CashError(f"The {what} must be an amount")
    if amount < 0:
        raise CashError(f"The {what} cannot be negative")
    if amount >= MAX_CASH:
        raise CashError(f"{amount} is surely a mistake for the {what}")
    if quantize(amount, currency) != amount:
        raise CashError(f"The {what} has more than {currency_exponent(currency)} decimals")
    return amount


def payable(total: Decimal, cash_rounding: Decimal) -> Decimal:
    """What a sale's (or refund's) payments add up to: its total plus its cash rounding."""
    return total + cash_rounding


def expected_cash(
    opening_float: Decimal,
    cash_payments: Iterable[Decimal],
    cash_movements: Iterable[Decimal] = (),
) -> Decimal:
    """The float, plus the cash sales and refunds took (refunds negative), plus the cash
    paid in and out (paid outs negative): what should be in the drawer."""
    return opening_float + sum(cash_payments, ZERO) + sum(cash_movements, ZERO)


# The ledger accounts a paid in or a paid out may name, by system key (HQ's chart has each):
# the short list the manager picks from. Paid out: Dr the account, Cr cash. Paid in: Dr
# cash, Cr the account.
PAID_OUT_ACCOUNTS: dict[str, str] = {
    "petty_cash": "Petty cash expenses",
    "supplies": "Shop supplies",
    "postage": "Postage and delivery",
    "bank": "Cash taken to the bank",
}
PAID_IN_ACCOUNTS: dict[str, str] = {
    "bank": "Change from the bank",
    "other_income": "Other income",
}
CASH_ACCOUNTS: dict[str, dict[str, str]] = {
    "paid_out": PAID_OUT_ACCOUNTS,
    "paid_in": PAID_IN_ACCOUNTS,
}
# The org setting (a decimal string) beyond which over/short needs a reason, and its value
# when the org set none; and the setting that makes the close blind.
OVER_SHORT_THRESHOLD_SETTING = "over_short_threshold"
DEFAULT_OVER_SHORT_THRESHOLD = Decimal("5.00")
BLIND_CLOSE_SETTING = "blind_close"
MAX_REASON = 200


def signed_movement(kind: str, amount: Decimal) -> Decimal:
    """A paid in or out as it moves the drawer: paid outs negative. ``amount`` positive."""
    if kind not in CASH_ACCOUNTS:
        raise CashError(f"{kind!r} is neither a paid in nor a paid out")
    return amount if kind == "paid_in" else -amount


def check_movement(kind: str, amount: Decimal, account: str, reason: str, currency: str) -> str:
    """A paid in or out the till accepts (``amount`` as the manager typed it, positive):
    returns the reason, trimmed. Raises ``CashError`` with a message for the manager."""
    accounts = CASH_ACCOUNTS.get(kind)
    if accounts is None:
        raise CashError(f"{kind!r} is neither a paid in nor a paid out")
    what = "amount paid in" if kind == "paid_in" else "amount paid out"
    check_cash(amount, currency, what)
    if amount == 0:
        raise CashError(f"The {what} must be more than zero")
    if account not in accounts:
        raise CashError(f"Choose what the cash is for from the list, not {account!r}")
    reason = (reason or "").strip()
    if not reason:
        raise CashError("Say what the cash is for")
    if len(reason) > MAX_REASON:
        raise CashError(f"Keep the reason under {MAX_REASON} characters")
    return reason


def needs_reason(over_short_amount: Decimal, threshold: Decimal) -> bool:
    """An over/short beyond the threshold (either way) needs the manager's reason."""
    return abs(over_short_amount) > threshold


def over_short(counted: Decimal, expected: Decimal) -> Decimal:
    """Positive: more in the drawer than there should be; negative: money is missing."""
    return counted - expected


def count_rows(pieces: Mapping[Decimal, int]) -> list[list[Any]] | None:
    """A count as stored and carried: ``[[face as a string, pieces], ...]``, largest first,
    the faces with no pieces left out; None when nothing was counted piece by piece."""
    rows = [[wire_decimal(face), n] for face, n in sorted(pieces.items(), reverse=True) if n]
    return rows or None


def count_pieces(rows: Iterable[Sequence[Any]] | None) -> tuple[tuple[Decimal, int], ...]:
    """The stored ``[[face, pieces], ...]`` back as (Decimal face, pieces), largest first."""
    return tuple(sorted(((Decimal(str(f)), int(n)) for f, n in rows or ()), reverse=True))


def count_total(pieces: Mapping[Decimal, int], currency: str) -> Decimal:
    """Σ face value * pieces for a count by denomination; only this currency's faces."""
    known = set(DENOMINATIONS.get(currency, ()))
    total = ZERO
    for face, n in pieces.items():
        if face not in known:
            raise CashError(f"{face} is not a {currency} note or coin")
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise CashError(f"The number of {face} must be a whole number, not negative")
        total += face * n
    return total
