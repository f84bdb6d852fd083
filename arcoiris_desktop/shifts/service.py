"""Opening a shift, the X report (mid-shift), closing with a count and the Z report.

Opening writes the shift row and a ``shift.opened`` op in one transaction; closing writes
the closed shift and a ``shift.closed`` op in one transaction (the outbox helper of
``sales.service``: one gapless seq for every fact of the till). Only one shift is open
per terminal: the check and the insert share a ``BEGIN IMMEDIATE`` transaction, so two
openings cannot both pass. Opening, closing and the X report are a manager's: a cashier
needs a manager's PIN (an ``Approval``), as for any override.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.audit import VOID_ACTION, record_audit
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AuditEntry, StaffMember
from arcoiris_desktop.outbox import enqueue, next_number
from arcoiris_desktop.shifts.current import open_shift_row
from arcoiris_desktop.staff import Staff
from arcoiris_shared.cash import (
    CASH_ACCOUNTS,
    MAX_REASON,
    check_cash,
    count_pieces,
    count_rows,
    count_total,
    expected_cash,
    needs_reason,
    over_short,
)
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import CashMovement, Payment, Sale, SaleLine, Shift
from arcoiris_shared.money import quantize
from arcoiris_shared.ops import (
    ClosedShiftRow,
    ShiftClosedPayload,
    ShiftOpenedPayload,
    ShiftRow,
)
from arcoiris_shared.sync_protocol import wire_decimal

ZERO = Decimal(0)
TOP_ITEMS = 10
# A no-sale as the audit log records it, and the approval a cashier needs for one. Distinct
# names: a cashier's approval is audited on its own (``Till.approve``) and must not count
# as a second no-sale.
NO_SALE_EVENT = "no_sale"
NO_SALE_ACTION = "drawer.no_sale"
# The counter the Z numbers come from: gapless per till, as receipt numbers are.
Z_COUNTER = "z_number"


class ShiftError(ValueError):
    """The shift cannot do that as things are; nothing was written."""


class ManagerRequired(ShiftError):
    """Only a manager may do this: a cashier asks for a manager's PIN, then tries again."""

    def __init__(self, message: str, action: str) -> None:
        super().__init__(message)
        self.action = action


class ReasonRequired(ShiftError):
    """Over/short is beyond the org's threshold: the manager says why, then closes again
    with the reason (the count is kept by the caller; nothing was written)."""

    def __init__(self, over_short: Decimal, expected: Decimal, counted: Decimal) -> None:
        word = "over" if over_short > 0 else "short"
        super().__init__(f"The drawer is {abs(over_short)} {word}: say why to close the shift")
        self.over_short = over_short
        self.expected = expected
        self.counted = counted


@dataclass(frozen=True, slots=True)
class ShiftInfo:
    id: uuid.UUID
    opened_by: uuid.UUID
    opened_by_name: str
    opened_at: dt.datetime
    opening_float: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class TenderTotal:
    method: str
    count: int  # payments
    amount: Decimal  # sales' payments plus refunds' (negative) payouts


@dataclass(frozen=True, slots=True)
class CashierTotal:
    name: str
    sales: int
    refunds: int
    amount: Decimal  # Σ totals, refunds taken off


@dataclass(frozen=True, slots=True)
class ItemTotal:
    sku: str
    name: str
    quantity: Decimal
    amount: Decimal


class MovementLine(NamedTuple):
    """A paid in or out as the X/Z report lists it (``amount`` signed: paid outs negative)."""

    time: dt.datetime  # in the store's time zone
    kind: str  # "paid_in" | "paid_out"
    amount: Decimal
    account: str  # the account's label, as the manager picked it
    reason: str
    who: str


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """What an X (mid-shift) or Z (closing) report says. Amounts signed as stored."""

    kind: Literal["X", "Z"]
    shift_id: uuid.UUID
    store_name: str
    terminal_name: str
    currency: str
    locale: str
    opened_by_name: str
    opened_at: dt.datetime  # in the store's time zone
    made_at: dt.datetime  # when the report was drawn (the close, for a Z)
    opening_float: Decimal
    sales_count: int
    refunds_count: int
    sales_total: Decimal
    refunds_total: Decimal  # negative
    discount_total: Decimal
    tax_total: Decimal
    by_tender: tuple[TenderTotal, ...]
    # Σ of what cash rounding added to (or took off) sales' totals: the tenders add up to
    # the net takings plus this, and a report shows it so they visibly do.
    cash_rounding: Decimal
    by_cashier: tuple[CashierTotal, ...]
    top_items: tuple[ItemTotal, ...]
    cash_sales: Decimal  # cash taken by sales
    cash_refunds: Decimal  # cash paid out by refunds (negative)
    expected_cash: Decimal
    voids_count: int = 0  # cart lines voided during the shift (audit log)
    voids_total: Decimal = ZERO  # what the voided lines were worth
    closed_by_name: str | None = None
    counted_cash: Decimal | None = None
    over_short: Decimal | None = None
    denominations: tuple[tuple[Decimal, int], ...] = ()
    z_number: int | None = None  # the close's number (a Z only)
    paid_in_total: Decimal = ZERO
    paid_out_total: Decimal = ZERO  # negative
    cash_movements: tuple[MovementLine, ...] = ()
    no_sales_count: int = 0  # the drawer opened without a sale
    over_short_reason: str | None = None
    opening_denominations: tuple[tuple[Decimal, int], ...] = ()

    @property
    def net_takings(self) -> Decimal:
        return self.sales_total + self.refunds_total


def authorise(actor: Staff, approval: Approval | None, action: str, what: str) -> uuid.UUID:
    """Who answers for it: the manager signed in, or the one whose PIN approved it."""
    if actor.can_approve:
        return actor.user_id
    if approval is not None and approval.action == action:
        return approval.approver_id
    raise ManagerRequired(f"{what} needs a manager", action)


_authorise = authorise


def _pieces(denominations: Mapping[Decimal, int] | None) -> dict[Decimal, int]:
    return {Decimal(k): v for k, v in (denominations or {}).items() if v}


def _local(moment: dt.datetime, timezone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return moment.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def staff_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The full names of these staff members, as the till's mirror holds them."""
    if not ids:
        return {}
    rows = session.execute(
        select(StaffMember.user_id, StaffMember.full_name).where(StaffMember.user_id.in_(ids))
    )
    return {i: n for i, n in rows}


def _info(session: Session, shift: Shift) -> ShiftInfo:
    name = staff_names(session, {shift.opened_by}).get(shift.opened_by, "")
    return ShiftInfo(
        id=shift.id,
        opened_by=shift.opened_by,
        opened_by_name=name,
        opened_at=shift.opened_at,
        opening_float=shift.opening_float,
        currency=shift.currency,
    )


def _shift_row(shift: Shift, closing: bool) -> ShiftRow:
    """The shift as its op carries it (``ShiftRow``, or ``ClosedShiftRow`` at the close)."""

    def money(amount: Decimal | None) -> str:
        # Read back from SQLite an amount carries the column's 4 places; the op says it
        # in the currency's own (exact either way: every amount is on the currency's grid).
        assert amount is not None
        return wire_decimal(quantize(amount, shift.currency))

    if not closing:
        return ShiftRow.of(shift, opening_float=money(shift.opening_float))
    assert shift.closed_by is not None and shift.closed_at is not None
    return ClosedShiftRow.of(
        shift,
        **{
            name: money(getattr(shift, name))
            for name in ("opening_float", "expected_cash", "counted_cash", "over_short")
        },
    )


def current_shift(db: Database, config: TerminalConfig) -> ShiftInfo | None:
    with db.read() as session:
        shift = open_shift_row(session, config)
        return None if shift is None else _info(session, shift)


def open_shift(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    opening_float: Decimal | None = None,
    denominations: Mapping[Decimal, int] | None = None,
    approval: Approval | None = None,
) -> ShiftInfo:
    """Open a shift with the float the manager counted into the drawer (a total, or note
    by note and coin by coin: the pieces are kept on the shift and printed on its Z)."""
    opened_by = _authorise(actor, approval, "shift.open", "Opening a shift")
    pieces = _pieces(denominations)
    if pieces:
        counted = count_total(pieces, config.currency)
        if opening_float is not None and opening_float != counted:
            raise ShiftError("The float and its notes and coins do not agree")
        opening_float = counted
    elif opening_float is None:
        raise ShiftError("Count the float into the drawer first")
    check_cash(opening_float, config.currency, "opening float")
    now = utcnow()
    with db.write() as session:
        if open_shift_row(session, config) is not None:
            raise ShiftError("A shift is already open on this till")
        shift = Shift(
            org_id=config.org_id,
            id=uuid.uuid4(),
            terminal_id=config.terminal_id,
            status="open",
            currency=config.currency,
            opened_by=opened_by,
            opened_at=now,
            opening_float=opening_float,
            opening_count=count_rows(pieces),
        )
        session.add(shift)
        session.flush()
        record_audit(
            session,
            action="shift.opened",
            actor_id=actor.user_id,
            approver_id=opened_by if opened_by != actor.user_id else None,
            details={"shift_id": str(shift.id), "opening_float": str(opening_float)},
        )
        enqueue(
            session,
            kind="shift.opened",
            payload=ShiftOpenedPayload(shift=_shift_row(shift, closing=False)).wire(),
            occurred_at=now,
        )
        session.flush()
        return _info(session, shift)


def _voids(session: Session, shift: Shift) -> list[Decimal]:
    """The amounts of the cart lines voided in ``shift``: audit rows since it opened (and
    before it closed) that name it."""
    query = select(AuditEntry).where(
        AuditEntry.action == VOID_ACTION, AuditEntry.occurred_at >= shift.opened_at
    )
    if shift.closed_at is not None:
        query = query.where(AuditEntry.occurred_at <= shift.closed_at)
    wanted = str(shift.id)
    return [
        Decimal(str(e.details.get("amount", "0")))
        for e in session.scalars(query)
        if e.details.get("shift_id") == wanted
    ]


def shift_figures(
    session: Session,
    config: TerminalConfig,
    shift: Shift,
    *,
    kind: Literal["X", "Z"],
    made_at: dt.datetime,
) -> ShiftReport:
    """A shift's figures from its sales, refunds, payments and audit rows: the X or Z report
    as of ``made_at`` (the closing fields are the caller's, see ``closed_report``)."""
    org = config.org_id
    sales = session.scalars(select(Sale).where(Sale.org_id == org, Sale.shift_id == shift.id)).all()
    kinds = {s.id: s.kind for s in sales}
    payments = (
        session.scalars(
            select(Payment)
            .join(Sale, (Sale.org_id == Payment.org_id) & (Sale.id == Payment.sale_id))
            .where(Sale.org_id == org, Sale.shift_id == shift.id)
        ).all()
        if sales
        else []
    )
    tenders: dict[str, list[Decimal]] = defaultdict(list)
    cash_sales = cash_refunds = ZERO
    for p in payments:
        tenders[p.method].append(p.amount)
        if p.method == "cash":
            if kinds.get(p.sale_id) == "refund":
                cash_refunds += p.amount
            else:
                cash_sales += p.amount
    order = {"cash": 0, "card": 1, "voucher": 2, "other": 3}
    by_tender = tuple(
        TenderTotal(m, len(a), sum(a, ZERO))
        for m, a in sorted(tenders.items(), key=lambda kv: (order.get(kv[0], 9), kv[0]))
    )
    per_cashier: dict[uuid.UUID, list[Sale]] = defaultdict(list)
    for s in sales:
        per_cashier[s.cashier_id].append(s)
    people = {*per_cashier, shift.opened_by}
    if shift.closed_by is not None:
        people.add(shift.closed_by)
    names = staff_names(session, people)
    by_cashier = tuple(
        sorted(
            (
                CashierTotal(
                    name=names.get(cid, str(cid)[:8]),
                    sales=sum(1 for s in rows if s.kind == "sale"),
                    refunds=sum(1 for s in rows if s.kind == "refund"),
                    amount=sum((s.total for s in rows), ZERO),
                )
                for cid, rows in per_cashier.items()
            ),
            key=lambda c: (-c.amount, c.name),
        )
    )
    # Net of refunds: a refund's lines are stored negative (quantity and total), so summing
    # every line of the shift takes what came back off what was sold. An item that only
    # came back (a return without a receipt, a sale from an earlier shift) was not sold.
    items: dict[tuple[str, str], list[Decimal]] = {}
    if sales:
        lines = session.scalars(
            select(SaleLine)
            .join(Sale, (Sale.org_id == SaleLine.org_id) & (Sale.id == SaleLine.sale_id))
            .where(Sale.org_id == org, Sale.shift_id == shift.id)
        ).all()
        for ln in lines:
            acc = items.setdefault((ln.sku, ln.name), [ZERO, ZERO])
            acc[0] += ln.quantity
            acc[1] += ln.total
    top = tuple(
        ItemTotal(sku, name, q, a)
        for (sku, name), (q, a) in sorted(items.items(), key=lambda kv: (-kv[1][1], kv[0][0]))
        if q > 0
    )[:TOP_ITEMS]
    movements = session.scalars(
        select(CashMovement)
        .where(CashMovement.org_id == org, CashMovement.shift_id == shift.id)
        .order_by(CashMovement.occurred_at, CashMovement.created_at)
    ).all()
    names.update(staff_names(session, {m.staff_id for m in movements} - set(names)))
    movement_lines = tuple(
        MovementLine(
            time=_local(m.occurred_at, config.timezone),
            kind=m.kind,
            amount=m.amount,
            account=CASH_ACCOUNTS.get(m.kind, {}).get(m.account, m.account),
            reason=m.reason,
            who=names.get(m.staff_id, str(m.staff_id)[:8]),
        )
        for m in movements
    )
    expected = expected_cash(
        shift.opening_float, (cash_sales, cash_refunds), (m.amount for m in movements)
    )
    voids = _voids(session, shift)
    return ShiftReport(
        kind=kind,
        shift_id=shift.id,
        store_name=config.store_name,
        terminal_name=config.terminal_name,
        currency=shift.currency,
        locale=config.locale,
        opened_by_name=names.get(shift.opened_by, ""),
        opened_at=_local(shift.opened_at, config.timezone),
        made_at=_local(made_at, config.timezone),
        opening_float=shift.opening_float,
        sales_count=sum(1 for s in sales if s.kind == "sale"),
        refunds_count=sum(1 for s in sales if s.kind == "refund"),
        sales_total=sum((s.total for s in sales if s.kind == "sale"), ZERO),
        refunds_total=sum((s.total for s in sales if s.kind == "refund"), ZERO),
        # The discounts given: the sales' (as arcoiris_shared.takings counts them; a refund
        # hands back a discounted price, it gives no discount).
        discount_total=sum((s.discount_total for s in sales if s.kind == "sale"), ZERO),
        tax_total=sum((s.tax_total for s in sales), ZERO),
        by_tender=by_tender,
        cash_rounding=sum((s.cash_rounding for s in sales), ZERO),
        by_cashier=by_cashier,
        top_items=top,
        cash_sales=cash_sales,
        cash_refunds=cash_refunds,
        expected_cash=expected,
        voids_count=len(voids),
        voids_total=sum(voids, ZERO),
        closed_by_name=names.get(shift.closed_by) if shift.closed_by else None,
        counted_cash=shift.counted_cash,
        over_short=shift.over_short,
        paid_in_total=sum((m.amount for m in movements if m.amount > 0), ZERO),
        paid_out_total=sum((m.amount for m in movements if m.amount < 0), ZERO),
        cash_movements=movement_lines,
        no_sales_count=_no_sales(session, shift),
        opening_denominations=count_pieces(shift.opening_count),
    )


def _no_sales(session: Session, shift: Shift) -> int:
    """How often the drawer was opened without a sale in ``shift`` (its audit rows)."""
    return len(
        session.scalars(
            select(AuditEntry.id).where(
                AuditEntry.action == NO_SALE_EVENT, AuditEntry.shift_id == shift.id
            )
        ).all()
    )


def x_report(
    db: Database, *, config: TerminalConfig, actor: Staff, approval: Approval | None = None
) -> ShiftReport:
    """The open shift's figures so far; closes nothing."""
    _authorise(actor, approval, "shift.x_report", "The X report")
    with db.read() as session:
        shift = open_shift_row(session, config)
        if shift is None:
            raise ShiftError("No shift is open on this till")
        return shift_figures(session, config, shift, kind="X", made_at=utcnow())


def close_shift(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    counted_cash: Decimal | None = None,
    denominations: Mapping[Decimal, int] | None = None,
    approval: Approval | None = None,
    reason: str | None = None,
) -> ShiftReport:
    """Close the open shift with the cash counted in the drawer (a total, or note by note
    and coin by coin) and return its Z report, numbered by the till's gapless Z counter.

    Over/short beyond ``config.over_short_threshold`` needs ``reason``: without one this
    raises ``ReasonRequired`` (carrying the over/short) and writes nothing, so the screen
    asks the manager why and closes again with the same count and the reason."""
    closed_by = _authorise(actor, approval, "shift.close", "Closing a shift")
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise ShiftError(f"Keep the reason under {MAX_REASON} characters")
    pieces = _pieces(denominations)
    if pieces:
        counted = count_total(pieces, config.currency)
        if counted_cash is not None and counted_cash != counted:
            raise ShiftError("The counted total and the notes and coins do not agree")
    elif counted_cash is None:
        raise ShiftError("Count the cash in the drawer first")
    else:
        counted = counted_cash
    check_cash(counted, config.currency, "counted cash")
    now = utcnow()
    with db.write() as session:
        shift = open_shift_row(session, config)
        if shift is None:
            raise ShiftError("No shift is open on this till")
        figures = shift_figures(session, config, shift, kind="Z", made_at=now)
        difference = over_short(counted, figures.expected_cash)
        if reason is None and needs_reason(difference, config.over_short_threshold):
            raise ReasonRequired(
                quantize(difference, config.currency),
                quantize(figures.expected_cash, config.currency),
                counted,
            )
        shift.status = "closed"
        shift.closed_by = closed_by
        shift.closed_at = now
        shift.expected_cash = figures.expected_cash
        shift.counted_cash = counted
        shift.over_short = difference
        shift.over_short_reason = reason
        shift.closing_count = count_rows(pieces)
        shift.z_number = next_number(session, Z_COUNTER)
        counted_pieces = tuple(sorted(pieces.items(), reverse=True))
        record_audit(
            session,
            action="shift.closed",
            actor_id=actor.user_id,
            approver_id=closed_by if closed_by != actor.user_id else None,
            shift_id=shift.id,
            details={
                "shift_id": str(shift.id),
                "z_number": shift.z_number,
                "expected_cash": str(shift.expected_cash),
                "counted_cash": str(counted),
                "over_short": str(shift.over_short),
                **({"reason": reason} if reason else {}),
            },
        )
        closed = _shift_row(shift, closing=True)
        assert isinstance(closed, ClosedShiftRow)
        payload = ShiftClosedPayload(shift=closed).wire()
        enqueue(session, kind="shift.closed", payload=payload, occurred_at=now)
        session.flush()
        names = staff_names(session, {closed_by})
    return closed_report(figures, shift, names.get(closed_by, ""), counted_pieces)


def closed_report(
    figures: ShiftReport,
    shift: Shift,
    closed_by_name: str,
    pieces: tuple[tuple[Decimal, int], ...],
) -> ShiftReport:
    """The figures with the close's count, over/short, its reason, its Z number and who
    closed it: the Z report. ``pieces`` empty: the count kept on the shift."""
    return replace(
        figures,
        closed_by_name=closed_by_name,
        counted_cash=shift.counted_cash,
        over_short=shift.over_short,
        denominations=pieces or count_pieces(shift.closing_count),
        z_number=shift.z_number,
        over_short_reason=shift.over_short_reason,
    )
