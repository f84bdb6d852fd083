"""``cash.moved``: cash paid into or out of the drawer for something not a sale, and its
journal.

A movement is a fact of an open shift of the terminal that sends it (opened at HQ or
earlier in the same push), signed as it moves the drawer (a paid out negative), on the
currency's grid, booked to one of the accounts the manager may pick for its kind
(``arcoiris_shared.cash.CASH_ACCOUNTS``). A paid out: Dr that account, Cr cash. A paid in:
Dr cash, Cr that account. Its amount counts towards the shift's expected cash at close."""

from __future__ import annotations

import uuid

from arcoiris_shared.cash import CASH_ACCOUNTS, MAX_CASH, PAID_IN_ACCOUNTS, PAID_OUT_ACCOUNTS
from arcoiris_shared.money import currency_exponent, quantize
from arcoiris_shared.ops import CashMovedPayload, dec, instant
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.service import JournalEntry, signed_postings
from sync_server.sync.kinds.base import Context, Needs, Rejected

Model = CashMovedPayload


def needs(p: CashMovedPayload, n: Needs) -> None:
    n.shifts.add(p.movement.shift_id)
    n.cash_movements.add(p.movement.id)


def check_and_stage(ctx: Context, op: Op, p: CashMovedPayload) -> None:
    m, refs = p.movement, ctx.refs
    ctx.check_owner(m.org_id, m.terminal_id)
    if m.id in refs.cash_movements:
        raise Rejected(f"cash movement {m.id} is already recorded (by another op)")
    if m.location_id not in refs.locations:
        raise Rejected("the cash movement's store is unknown")
    shift = refs.shifts.get(m.shift_id)
    if shift is None:
        raise Rejected("the cash movement names a shift HQ does not have")
    if shift.terminal_id != ctx.terminal_id:
        raise Rejected("the cash movement names another terminal's shift")
    if shift.status != "open":
        raise Rejected("the cash movement names a shift already closed")
    amount = dec(m.amount)
    what = "paid in" if m.kind == "paid_in" else "paid out"
    if m.kind == "paid_in" and amount <= 0:
        raise Rejected(f"a paid in must add cash to the drawer; it says {m.amount}")
    if m.kind == "paid_out" and amount >= 0:
        raise Rejected(f"a paid out must take cash from the drawer (negative); it says {m.amount}")
    if abs(amount) >= MAX_CASH:
        raise Rejected(f"{m.amount} is surely a mistake for a {what}")
    if quantize(amount, ctx.currency) != amount:
        places = currency_exponent(ctx.currency)
        raise Rejected(f"the {what} of {m.amount} has more than {places} decimals")
    if m.account not in CASH_ACCOUNTS[m.kind]:
        allowed = ", ".join(PAID_IN_ACCOUNTS if m.kind == "paid_in" else PAID_OUT_ACCOUNTS)
        raise Rejected(f"a {what} cannot be booked to {m.account!r}; only to {allowed}")
    cash, other = ctx.account("cash"), ctx.account(m.account)
    ctx.batch.rows["pos.cash_movements"].append(
        {**m.__dict__, "org_id": ctx.org_id, "created_at": ctx.now}
    )
    ctx.batch.add_shift_cash(m.shift_id, amount)
    refs.cash_movements.add(m.id)
    # Signed as it moves the drawer: a paid in is a debit to cash, a paid out a credit.
    ctx.batch.journals.append(
        JournalEntry(
            entry_date=ctx.local_date(instant(m.occurred_at)),
            memo=f"Cash {what}: {m.reason}"[:200],
            source_type="cash_movement",
            source_id=uuid.UUID(m.id),
            postings=signed_postings({cash: amount, other: -amount}),
        )
    )
