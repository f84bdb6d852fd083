"""Queries on the sync tables (devices, the op log, dead letters) for the routes that read
them: a terminal's own state, and HQ's view of its terminals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arcoiris_shared.db.pos import Terminal
from sync_server.sync.models import DeadLetter, SyncOp, TerminalDevice


def last_seq(db_session: Session, *, org_id: uuid.UUID, terminal_id: uuid.UUID) -> int | None:
    """The last ``seq`` HQ applied from the terminal (None before it is enrolled)."""
    return db_session.scalar(
        select(TerminalDevice.last_seq).where(
            TerminalDevice.org_id == org_id, TerminalDevice.terminal_id == terminal_id
        )
    )


def dead_letters(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> Sequence[DeadLetter]:
    """Newest first."""
    stmt = select(DeadLetter).where(DeadLetter.org_id == org_id)
    if terminal_id is not None:
        stmt = stmt.where(DeadLetter.terminal_id == terminal_id)
    return db_session.scalars(
        stmt.order_by(DeadLetter.received_at.desc(), DeadLetter.id).limit(limit).offset(offset)
    ).all()


def rejected_counts(db_session: Session, *, org_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Per terminal, how many of its ops HQ rejected (terminals with none are absent)."""
    return {
        terminal_id: int(count)
        for terminal_id, count in db_session.execute(
            select(SyncOp.terminal_id, func.count())
            .where(SyncOp.org_id == org_id, SyncOp.status == "rejected")
            .group_by(SyncOp.terminal_id)
        )
    }


def terminals_with_devices(
    db_session: Session, *, org_id: uuid.UUID
) -> Sequence[tuple[Terminal, TerminalDevice | None]]:
    """Every terminal of the org by code, with its device row if it was ever enrolled."""
    rows = db_session.execute(
        select(Terminal, TerminalDevice)
        .outerjoin(
            TerminalDevice,
            (TerminalDevice.org_id == Terminal.org_id)
            & (TerminalDevice.terminal_id == Terminal.id),
        )
        .where(Terminal.org_id == org_id)
        .order_by(Terminal.code)
    ).all()
    return [(t, d) for t, d in rows]
