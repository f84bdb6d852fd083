"""The till's audit log: who did what, and who approved it, in the caller's transaction
(``record_audit``) or in one of its own (``audit``). Voided cart lines are audited here too:
the X/Z report counts a shift's voids from these rows.

Every entry goes to HQ: ``record_audit`` stages its ``audit.recorded`` op in the same
transaction as the entry, so the log HQ keeps is the till's, entry for entry (a failed PIN
as much as an approval). This module imports nothing that imports it back (``staff`` writes
its sign-in entries through ``record_audit``), hence the type-only imports below.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import AuditEntry, Setting
from arcoiris_desktop.outbox import enqueue
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import Shift
from arcoiris_shared.ops import AuditRecordedPayload, AuditRow

if TYPE_CHECKING:
    from arcoiris_desktop.approvals import Approval
    from arcoiris_desktop.config import TerminalConfig
    from arcoiris_desktop.db.database import Database
    from arcoiris_desktop.staff import Staff

AUDIT_OP = "audit.recorded"


def _terminal(session: Session) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(org, terminal) from the till's settings; None before the till is set up."""
    org = session.get(Setting, "org_id")
    terminal = session.get(Setting, "terminal_id")
    if org is None or terminal is None:
        return None
    return uuid.UUID(str(org.value)), uuid.UUID(str(terminal.value))


def _open_shift_id(session: Session, org_id: uuid.UUID, terminal_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalars(
        select(Shift.id)
        .where(Shift.org_id == org_id, Shift.terminal_id == terminal_id, Shift.status == "open")
        .order_by(Shift.opened_at.desc())
        .limit(1)
    ).first()


def record_audit(
    session: Session,
    *,
    action: str,
    actor_id: uuid.UUID | None,
    approver_id: uuid.UUID | None = None,
    sale_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    shift_id: uuid.UUID | None = None,
    occurred_at: dt.datetime | None = None,
) -> None:
    """One audit entry and its ``audit.recorded`` op, in the caller's write transaction.
    ``shift_id`` defaults to the shift open on the till (a close passes the shift it is
    closing, no longer "open" by then)."""
    now = occurred_at if occurred_at is not None else utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    details = details or {}
    terminal = _terminal(session)
    if shift_id is None and terminal is not None:
        shift_id = _open_shift_id(session, *terminal)
    entry = AuditEntry(
        occurred_at=now,
        action=action,
        actor_id=actor_id,
        approver_id=approver_id,
        sale_id=sale_id,
        details=details,
        shift_id=shift_id,
        event_id=uuid.uuid4(),
    )
    session.add(entry)
    if terminal is None:
        return  # not set up yet: there is no HQ to tell
    row = AuditRow.of(entry, id=str(entry.event_id), terminal_id=str(terminal[1]))
    enqueue(session, kind=AUDIT_OP, payload=AuditRecordedPayload(entry=row).wire(), occurred_at=now)


def audit(db: Database, **kwargs: Any) -> None:
    with db.write() as session:
        record_audit(session, **kwargs)


VOID_ACTION = "line.voided"


def record_void(
    db: Database,
    *,
    config: TerminalConfig,
    cashier: Staff,
    sku: str,
    name: str,
    quantity: Decimal,
    amount: Decimal,
    approval: Approval | None = None,
) -> None:
    """A cart line voided at the till, audited at once: who, what, how many, worth what, and
    the shift it happened in (the X/Z report counts a shift's voids by it)."""
    with db.write() as session:
        shift_id = _open_shift_id(session, config.org_id, config.terminal_id)
        record_audit(
            session,
            action=VOID_ACTION,
            actor_id=cashier.user_id,
            approver_id=approval.approver_id if approval is not None else None,
            details={
                "cashier": cashier.full_name,
                "sku": sku,
                "name": name,
                "quantity": str(quantity),
                "amount": str(amount),
                "shift_id": str(shift_id) if shift_id is not None else None,
                **({"approved_by": approval.approver_name} if approval is not None else {}),
            },
        )


def record_approval(db: Database, *, approval: Approval, cashier: Staff) -> None:
    """An approval is audited when it is given, whether or not the sale completes."""
    audit(
        db,
        action=approval.action,
        actor_id=cashier.user_id,
        approver_id=approval.approver_id,
        details=approval.details,
    )
