"""Cash in and out of the drawer that is not a sale: a paid in (change from the bank), a
paid out (the window cleaner, stamps) and a no-sale (the drawer opened for nothing bought).

Each is a manager's, or a cashier's with a manager's PIN (an ``Approval``), and each is
audited. A paid in or out is a fact, like a sale: the ``pos.cash_movements`` row, its audit
entry and its ``cash.moved`` op land in one write transaction, and the shift's expected
cash counts it (``cash.expected_cash``). Amounts are typed positive; the row keeps them
signed as they move the drawer (``cash.signed_movement``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.audit import record_audit
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.outbox import enqueue
from arcoiris_desktop.shifts.current import open_shift_row
from arcoiris_desktop.shifts.service import NO_SALE_ACTION, NO_SALE_EVENT, ShiftError, authorise
from arcoiris_desktop.staff import Staff
from arcoiris_shared.cash import CASH_ACCOUNTS, CashError, check_movement, signed_movement
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import CashMovement
from arcoiris_shared.money import quantize
from arcoiris_shared.ops import CashMovedPayload, CashMovementRow
from arcoiris_shared.sync_protocol import wire_decimal

CashKind = Literal["paid_in", "paid_out"]
WHAT = {"paid_in": "A paid in", "paid_out": "A paid out"}


class CashMovementError(ShiftError):
    """A paid in or out the till refuses (the message is for the manager); nothing written."""


@dataclass(frozen=True, slots=True)
class CashMovementInfo:
    id: uuid.UUID
    shift_id: uuid.UUID
    kind: str
    amount: Decimal  # signed: paid outs negative
    account: str
    account_label: str
    reason: str
    staff_id: uuid.UUID
    approved_by: uuid.UUID | None
    occurred_at: dt.datetime


def accounts(kind: str) -> dict[str, str]:
    """The accounts a paid in or out may name, key -> label, in the order to list them."""
    return dict(CASH_ACCOUNTS.get(kind, {}))


def _info(row: CashMovement) -> CashMovementInfo:
    return CashMovementInfo(
        id=row.id,
        shift_id=row.shift_id,
        kind=row.kind,
        amount=row.amount,
        account=row.account,
        account_label=CASH_ACCOUNTS.get(row.kind, {}).get(row.account, row.account),
        reason=row.reason,
        staff_id=row.staff_id,
        approved_by=row.approved_by,
        occurred_at=row.occurred_at,
    )


def pay(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    kind: CashKind,
    amount: Decimal,
    account: str,
    reason: str,
    approval: Approval | None = None,
) -> CashMovementInfo:
    """Pay cash into or out of the drawer of the open shift, for ``account``, saying why."""
    what = WHAT.get(kind)
    if what is None:
        raise CashMovementError(f"{kind!r} is neither a paid in nor a paid out")
    approver = authorise(actor, approval, f"cash.{kind}", what)
    try:
        reason = check_movement(kind, amount, account, reason, config.currency)
    except CashError as exc:
        raise CashMovementError(str(exc)) from exc
    signed = signed_movement(kind, amount)
    now = utcnow()
    with db.write() as session:
        shift = open_shift_row(session, config)
        if shift is None:
            raise CashMovementError("Open a shift first: cash moves in a shift's drawer")
        row = CashMovement(
            org_id=config.org_id,
            id=uuid.uuid4(),
            terminal_id=config.terminal_id,
            location_id=config.location_id,
            shift_id=shift.id,
            kind=kind,
            amount=signed,
            account=account,
            reason=reason,
            staff_id=actor.user_id,
            approved_by=approver if approver != actor.user_id else None,
            occurred_at=now,
        )
        session.add(row)
        record_audit(
            session,
            # The movement's own entry ("paid_out"), not its approval's ("cash.paid_out").
            action=kind,
            actor_id=actor.user_id,
            approver_id=row.approved_by,
            shift_id=shift.id,
            details={
                "movement_id": str(row.id),
                "amount": str(signed),
                "account": account,
                "reason": reason,
                **({"approved_by": approval.approver_name} if approval is not None else {}),
            },
            occurred_at=now,
        )
        movement = CashMovementRow.of(row, amount=wire_decimal(quantize(signed, config.currency)))
        enqueue(
            session,
            kind="cash.moved",
            payload=CashMovedPayload(movement=movement).wire(),
            occurred_at=now,
        )
        session.flush()
        return _info(row)


def no_sale(
    db: Database, *, config: TerminalConfig, actor: Staff, approval: Approval | None = None
) -> None:
    """The drawer opened with nothing sold: audited (the X/Z counts them); the caller
    kicks the drawer. Needs an open shift, so the no-sale is counted in one."""
    approver = authorise(actor, approval, NO_SALE_ACTION, "Opening the drawer without a sale")
    with db.write() as session:
        shift = open_shift_row(session, config)
        if shift is None:
            raise ShiftError("Open a shift first")
        record_audit(
            session,
            action=NO_SALE_EVENT,
            actor_id=actor.user_id,
            approver_id=approver if approver != actor.user_id else None,
            shift_id=shift.id,
            details={"approved_by": approval.approver_name} if approval is not None else {},
        )


def cash_movements(
    session: Session, config: TerminalConfig, shift_id: uuid.UUID
) -> list[CashMovementInfo]:
    """A shift's paid ins and outs, oldest first."""
    rows = session.scalars(
        select(CashMovement)
        .where(CashMovement.org_id == config.org_id, CashMovement.shift_id == shift_id)
        .order_by(CashMovement.occurred_at, CashMovement.created_at)
    ).all()
    return [_info(r) for r in rows]
