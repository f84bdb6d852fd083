"""Taking payment: cash with change, card with its approval reference, split across methods,
cash rounding when the org sets an increment. Pure Python, no I/O.

The numbers obey the invariant the server checks: Σ payment amounts = total + cash rounding,
and for cash, tendered - change = amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from arcoiris_shared.cash import banknotes, largest_note, payable
from arcoiris_shared.money import RoundingPolicy, currency_exponent, quantize

ZERO = Decimal(0)
MAX_TENDER = Decimal("1000000")

# How many of the largest note a customer may hand over beyond what is due. One is what
# paying with the biggest note takes (EUR 2.09 with a EUR 500 note); the second is slack.
# Beyond that it is a scanned barcode or a missed decimal point (2000 typed for 20.00).
CASH_OVER_NOTES = Decimal(2)


def max_cash_received(
    due: Decimal, currency: str, notes_over: Decimal = CASH_OVER_NOTES
) -> Decimal:
    """The most cash the till takes for ``due``: the amount due plus ``notes_over`` of the
    currency's largest note (EUR 2.09 due: at most EUR 1,002.09)."""
    return max(due, ZERO) + largest_note(currency) * notes_over


# Quick-cash buttons beside the exact amount: what fits the payment dialog in one row.
QUICK_CASH_NOTES = 4


def quick_cash(due: Decimal, currency: str, count: int = QUICK_CASH_NOTES) -> list[Decimal]:
    """The cash amounts a cashier offers as one-touch buttons for ``due``: the exact amount,
    then the next round amounts above it in the currency's notes, smallest first: ``due``
    rounded up to each note (EUR 23.45: 23.45, 25, 30, 40, 50; JPY 1,280: 1,280, 1,300,
    1,400, 1,500, 2,000). ``count`` amounts at most beside the exact one; none when
    nothing is due."""
    if due <= 0:
        return []
    above: set[Decimal] = set()
    for note in banknotes(currency):
        # due rounded up to a whole number of this note
        amount = (due / note).to_integral_value(ROUND_CEILING) * note
        if amount > due:
            above.add(quantize(amount, currency))
    return [due, *sorted(above)[:count]]


class TenderError(ValueError):
    """A payment the till refuses; the message is for the cashier."""


@dataclass(frozen=True, slots=True)
class Payment:
    method: str  # "cash" | "card" | "voucher" | "other"
    amount: Decimal  # what it pays towards the sale
    tendered: Decimal | None = None  # cash handed over
    change: Decimal = ZERO
    reference: str | None = None  # card approval code


@dataclass
class Tender:
    """The payments for one sale, as the cashier takes them."""

    total: Decimal
    currency: str
    policy: RoundingPolicy = field(default_factory=RoundingPolicy)
    payments: list[Payment] = field(default_factory=list)
    cash_rounding: Decimal = ZERO
    # The bound on cash received, in largest notes over what is due (max_cash_received).
    cash_over_notes: Decimal = CASH_OVER_NOTES

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)

    @property
    def remaining(self) -> Decimal:
        """What is still owed, before any cash rounding."""
        return payable(self.total, self.cash_rounding) - self.paid

    @property
    def cash_due(self) -> Decimal:
        """What the cashier asks for if the rest is paid in cash (rounded to the increment)."""
        due, _ = self.policy.cash_due(self.remaining, self.currency)
        return due

    @property
    def owed(self) -> Decimal:
        """What is still to pay, never below zero (the payment dialog's "Still to pay")."""
        return max(self.remaining, ZERO)

    @property
    def cash_owed(self) -> Decimal:
        """What the rest costs in cash (rounded to the increment); zero once it is paid."""
        return self.cash_due if self.remaining > 0 else ZERO

    def quick_cash_amounts(self) -> list[Decimal]:
        """The one-touch cash amounts for what is left: exact, then the next notes up."""
        return quick_cash(self.cash_owed, self.currency)

    @property
    def max_cash(self) -> Decimal:
        """The most cash the till takes now, for what is left to pay in cash."""
        return max_cash_received(self.cash_due, self.currency, self.cash_over_notes)

    @property
    def is_complete(self) -> bool:
        return self.remaining == 0 and bool(self.payments or self.total == 0)

    @property
    def change(self) -> Decimal:
        return sum((p.change for p in self.payments), ZERO)

    def _amount(self, value: Decimal, what: str) -> Decimal:
        if not isinstance(value, Decimal) or not value.is_finite():
            raise TenderError(f"The {what} must be an amount")
        if value <= 0:
            raise TenderError(f"The {what} must be more than zero")
        if value >= MAX_TENDER:
            raise TenderError(f"{value} is surely a mistake")
        if quantize(value, self.currency) != value:
            places = currency_exponent(self.currency)
            raise TenderError(f"The {what} has more than {places} decimals")
        return value

    def add_cash(self, tendered: Decimal) -> Payment:
        """Cash handed over. Pays the (rounded) rest or part of it; anything over is change."""
        if self.total < 0:
            raise TenderError("This is a refund: the refund screen pays it out")
        if self.remaining <= 0:
            raise TenderError("Nothing is left to pay")
        due, adjustment = self.policy.cash_due(self.remaining, self.currency)
        if not (due == 0 and tendered == 0):
            # A few cents that cash rounding takes to nothing are settled by no cash at all.
            tendered = self._amount(tendered, "cash amount")
        limit = max_cash_received(due, self.currency, self.cash_over_notes)
        if tendered > limit:
            raise TenderError(
                f"{tendered} in cash for {due} due is surely a mistake (at most {limit})"
            )
        if tendered >= due:
            # This cash settles the sale: the rounding is now real.
            self.cash_rounding += adjustment
            payment = Payment("cash", amount=due, tendered=tendered, change=tendered - due)
        else:
            payment = Payment("cash", amount=tendered, tendered=tendered)
        self.payments.append(payment)
        return payment

    def add_card(self, amount: Decimal | None, reference: str) -> Payment:
        """A card payment approved on the card terminal. Never more than what is owed."""
        if self.total < 0:
            raise TenderError("This is a refund: the refund screen pays it out")
        reference = (reference or "").strip()
        if not reference:
            raise TenderError("Type or scan the card terminal's approval code")
        if len(reference) > 64:
            raise TenderError("That approval code is too long")
        if self.remaining <= 0:
            raise TenderError("Nothing is left to pay")
        amount = self.remaining if amount is None else self._amount(amount, "card amount")
        if amount > self.remaining:
            raise TenderError("A card pays at most what is owed (no cash back)")
        payment = Payment("card", amount=amount, reference=reference)
        self.payments.append(payment)
        return payment

    def remove_last(self) -> Payment | None:
        """Undo the last payment (a declined card typed by mistake). Rounding goes with it."""
        if not self.payments:
            return None
        payment = self.payments.pop()
        if payment.method == "cash":
            self.cash_rounding = ZERO
        return payment
