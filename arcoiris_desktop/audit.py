"""The till's audit log: who did what, and who approved it, in the caller's transaction
(``record_audit``) or in one of its own (``audit``). Voided cart lines are audited here too:
the X/Z report counts a shift's voids from these rows.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AuditEntry
from arcoiris_desktop.shifts.current import open_shift_row
from arcoiris_desktop.staff import Staff


def record_audit(
    session: Session,
    *,
    action: str,
    actor_id: uuid.UUID | None,
    approver_id: uuid.UUID | None = None,
    sale_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            action=action,
            actor_id=actor_id,
            approver_id=approver_id,
            sale_id=sale_id,
            details=details or {},
        )
    )


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
        shift = open_shift_row(session, config)
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
                "shift_id": str(shift.id) if shift is not None else None,
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
