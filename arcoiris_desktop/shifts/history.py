"""Past Z reports: the shifts this till has closed, newest first, and any one of them drawn
again exactly as it was at its close (a manager's reprint for the books or an inspector).

A Z report is not stored: it is the close's own figures, drawn again from the sales, refunds
and payments the shift holds, which never change after it closed, and from the shift's
counted cash, count by note and coin, Z number and over/short reason (all kept on the shift).
A shift closed before Z numbers has none, and shows its id instead."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.shifts.service import (
    ShiftError,
    ShiftReport,
    closed_report,
    shift_figures,
    staff_names,
)
from arcoiris_shared.db.pos import Shift


@dataclass(frozen=True, slots=True)
class ClosedShift:
    shift_id: uuid.UUID
    opened_at: dt.datetime
    closed_at: dt.datetime
    closed_by_name: str
    counted_cash: Decimal | None
    over_short: Decimal | None
    z_number: int | None = None


def closed_shifts(db: Database, config: TerminalConfig, *, limit: int = 60) -> list[ClosedShift]:
    """This till's closed shifts, the latest close first."""
    with db.read() as session:
        rows = session.scalars(
            select(Shift)
            .where(
                Shift.org_id == config.org_id,
                Shift.terminal_id == config.terminal_id,
                Shift.status == "closed",
            )
            .order_by(Shift.closed_at.desc())
            .limit(limit)
        ).all()
        names = staff_names(session, {r.closed_by for r in rows if r.closed_by is not None})
        return [
            ClosedShift(
                shift_id=r.id,
                opened_at=r.opened_at,
                closed_at=r.closed_at or r.opened_at,
                closed_by_name=names.get(r.closed_by, "") if r.closed_by else "",
                counted_cash=r.counted_cash,
                over_short=r.over_short,
                z_number=r.z_number,
            )
            for r in rows
        ]


def past_z_report(db: Database, config: TerminalConfig, shift_id: uuid.UUID) -> ShiftReport:
    """The Z report of a closed shift of this till, as it was at the close."""
    with db.read() as session:
        shift = session.get(Shift, (config.org_id, shift_id))
        if shift is None or shift.terminal_id != config.terminal_id:
            raise ShiftError("No such shift on this till")
        if shift.status != "closed" or shift.closed_at is None:
            raise ShiftError("That shift is still open: its X report shows it so far")
        figures = shift_figures(session, config, shift, kind="Z", made_at=shift.closed_at)
        names = staff_names(session, {shift.closed_by} if shift.closed_by else set())
        closed_by = names.get(shift.closed_by, "") if shift.closed_by else ""
        return closed_report(figures, shift, closed_by, ())
