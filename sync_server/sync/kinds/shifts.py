"""``shift.opened`` and ``shift.closed``: a cash drawer session, and the cash over/short
its count found, booked against cash on hand.

HQ works out a closing shift's expected cash itself (``arcoiris_shared.cash.expected_cash``:
the opening float plus the cash payments of the shift's sales and refunds, plus its paid
ins and outs, those it holds and those staged before the close in the same push), as the
till did; a close that says otherwise is recorded as the till counted it, and flagged. So
is a close over or short by more than the org's threshold with no reason given
(``cash.needs_reason``), and one whose Z number the terminal already used: its Z number is
then stored empty (the unique index never fails the push) and the flag says which it was.
The counts by denomination and the reason are kept with the shift."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import orjson

from arcoiris_shared.cash import expected_cash, needs_reason
from arcoiris_shared.ops import (
    ShiftClosedPayload,
    ShiftOpenedPayload,
    check_closed_shift,
    dec,
    instant,
)
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.service import JournalEntry, signed_postings
from sync_server.sync.kinds.base import ZERO, Context, Needs, Rejected, ShiftState

OpenedModel = ShiftOpenedPayload
ClosedModel = ShiftClosedPayload


def needs(p: ShiftOpenedPayload | ShiftClosedPayload, n: Needs) -> None:
    n.shifts.add(p.shift.id)
    if isinstance(p, ShiftClosedPayload):
        n.closing_shifts.add(p.shift.id)
        if p.shift.z_number is not None:
            n.z_numbers.add((p.shift.terminal_id, p.shift.z_number))


def _count(rows: Any) -> str | None:
    """A count by denomination as COPY hands it to JSONB (None: a total only)."""
    return None if rows is None else orjson.dumps(rows).decode()


def check_and_stage_opened(ctx: Context, op: Op, p: ShiftOpenedPayload) -> None:
    s = p.shift
    ctx.check_owner(s.org_id, s.terminal_id)
    if s.currency != ctx.currency:
        raise Rejected(f"the shift counts {s.currency}; this organization uses {ctx.currency}")
    if s.id in ctx.refs.shifts:
        raise Rejected(f"shift {s.id} is already recorded")
    if dec(s.opening_float) < 0:
        raise Rejected("the opening float is negative")
    ctx.batch.rows["pos.shifts"].append(
        {
            **s.__dict__,
            "org_id": ctx.org_id,
            "status": "open",
            "closed_by": None,
            "closed_at": None,
            "expected_cash": None,
            "counted_cash": None,
            "over_short": None,
            "z_number": None,
            "over_short_reason": None,
            "opening_count": _count(s.opening_count),
            "closing_count": None,
        }
    )
    ctx.refs.shifts[s.id] = ShiftState(s.terminal_id, "open", s.currency)


def check_and_stage_closed(ctx: Context, op: Op, p: ShiftClosedPayload) -> None:
    s = p.shift
    ctx.check_owner(s.org_id, s.terminal_id)
    known = ctx.refs.shifts.get(s.id)
    if known is None:
        raise Rejected("the shift was never opened at HQ")
    if known.terminal_id != ctx.terminal_id:
        raise Rejected("the shift belongs to another terminal")
    if known.status != "open":
        raise Rejected("the shift is already closed")
    problem = check_closed_shift(s)
    if problem:
        raise Rejected(problem)
    over_short = dec(s.over_short)
    for key in ("cash", "cash_over_short") if over_short else ():
        ctx.account(key)  # rejected here, before anything of the close is staged
    problems = []
    z_number = s.z_number
    if z_number is not None:
        if (ctx.terminal_id, z_number) in ctx.refs.z_numbers:
            problems.append(f"the terminal already used Z number {z_number}; stored without one")
            z_number = None
        else:
            ctx.refs.z_numbers.add((ctx.terminal_id, z_number))
    reason = (s.over_short_reason or "").strip() or None
    closing = {
        "closed_by": s.closed_by,
        "closed_at": s.closed_at,
        "expected_cash": s.expected_cash,
        "counted_cash": s.counted_cash,
        "over_short": s.over_short,
        "z_number": z_number,
        "over_short_reason": reason,
        "closing_count": _count(p.closing_count),
    }
    for row in ctx.batch.rows["pos.shifts"]:
        if row["id"] == s.id:  # opened in this same push: close the staged row
            row.update(closing, status="closed")
            break
    else:
        ctx.batch.shift_closes.append({"id": s.id, **closing})
    known.status = "closed"
    cash = ctx.refs.shift_cash.get(s.id, ZERO) + ctx.batch.shift_cash.get(s.id, ZERO)
    expected = expected_cash(dec(s.opening_float), (cash,))
    if expected != dec(s.expected_cash):
        problems.insert(
            0,
            f"the close expects {s.expected_cash} in the drawer; the opening float, the "
            f"cash of the shift's sales and refunds and its paid ins and outs HQ holds "
            f"make {expected}",
        )
    if reason is None and needs_reason(over_short, ctx.over_short_threshold):
        problems.append(
            f"the drawer was {'over' if over_short > 0 else 'short'} by {abs(over_short)}, "
            f"more than the {ctx.over_short_threshold} allowed, and no reason was given"
        )
    if problems:  # one flag a shift: its reasons together
        ctx.flag("shift", s.id, "; ".join(problems))
    if over_short:
        ctx.batch.journals.append(_journal(ctx, s.id, instant(s.closed_at), over_short))


def _journal(
    ctx: Context, shift_id: str, closed_at: dt.datetime, over_short: Decimal
) -> JournalEntry:
    """More cash than expected: Dr cash, Cr over/short. Less: the other way round."""
    cash, over = ctx.account("cash"), ctx.account("cash_over_short")
    return JournalEntry(
        entry_date=ctx.local_date(closed_at),
        memo=f"Cash {'over' if over_short > 0 else 'short'} at shift close",
        source_type="shift",
        source_id=uuid.UUID(shift_id),
        postings=signed_postings({cash: over_short, over: -over_short}),
    )
