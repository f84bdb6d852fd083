"""The shift open on this terminal, read inside the caller's session (the sale's own
write transaction, so a sale never lands in a shift that has just closed)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.config import TerminalConfig
from arcoiris_shared.db.pos import Shift


def open_shift_row(session: Session, config: TerminalConfig) -> Shift | None:
    return session.scalars(
        select(Shift)
        .where(
            Shift.org_id == config.org_id,
            Shift.terminal_id == config.terminal_id,
            Shift.status == "open",
        )
        .order_by(Shift.opened_at.desc())
        .limit(1)
    ).first()
