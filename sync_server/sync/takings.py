"""The whole store's takings for a till: ``GET /api/sync/takings``.

A till knows only its own sales; the manager's takings screen wants the store's (every till
of it) and the same days a week or more before, to compare. HQ sums them with the one
definition of the figures (``arcoiris_shared.takings``) over what the store's tills sent,
for the asking terminal's own store only, and says how fresh that is (``as_of``: the
newest push HQ received from any of them), so the till can show "HQ, as of 10:42".

Here in ``sync`` rather than ``reports`` because it is a terminal endpoint: it is
authenticated by the device credential, which ``sync`` owns (and ``reports`` sits beside
``sync``, not above it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_shared import takings
from arcoiris_shared.db.inv import Location
from arcoiris_shared.db.pos import Terminal
from arcoiris_shared.takings_wire import (
    MAX_DAYS,
    StoreTakingsWire,
    TillSeen,
    compared_range,
    figures_wire,
)
from sync_server.errors import Unprocessable
from sync_server.org.models import Organization, User
from sync_server.sync.devices import DeviceContext
from sync_server.sync.models import SyncOp


def _tills(db_session: Session, *, org_id: uuid.UUID, location_id: uuid.UUID) -> Sequence[Any]:
    """The store's terminals with the time HQ received their newest op (their last op
    by seq: a walk back along the primary key, not a scan of their history)."""
    last_push = (
        select(SyncOp.received_at)
        .where(SyncOp.org_id == Terminal.org_id, SyncOp.terminal_id == Terminal.id)
        .order_by(SyncOp.seq.desc())
        .limit(1)
        .correlate(Terminal)
        .scalar_subquery()
    )
    return db_session.execute(
        select(Terminal.id, Terminal.code, Terminal.name, last_push)
        .where(Terminal.org_id == org_id, Terminal.location_id == location_id)
        .order_by(Terminal.code)
    ).all()


def _names(db_session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        uid: name
        for uid, name in db_session.execute(
            select(User.id, User.full_name).where(User.id.in_(wanted))
        )
    }


def store_takings(
    *, db_session: Session, device: DeviceContext, first: dt.date, last: dt.date
) -> StoreTakingsWire:
    """The asking terminal's store's figures from ``first`` to ``last`` (local dates in the
    org's time zone, both included), and the same dates whole weeks earlier."""
    if last < first:
        raise Unprocessable(
            "The last day comes before the first", code="bad_range", details={"first": str(first)}
        )
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise Unprocessable(
            f"At most {MAX_DAYS} days at a time", code="range_too_long", details={"days": days}
        )
    org_id = device.org_id
    location_id = device.terminal.location_id
    org = db_session.get(Organization, org_id)
    zone = org.timezone if org is not None else "UTC"
    location = db_session.get(Location, (org_id, location_id))

    def over(day: dt.date) -> takings.Figures:
        start, end = takings.day_range(day, zone, days)
        scope = takings.Scope(org_id=org_id, location_id=location_id, start=start, end=end)
        return takings.figures(db_session, scope)

    c_first, c_last = compared_range(first, last)
    figs, compared = over(first), over(c_first)
    tills = [
        TillSeen(terminal_id=tid, code=code, name=name, last_push_at=at)
        for tid, code, name, at in _tills(db_session, org_id=org_id, location_id=location_id)
    ]
    pushes = [t.last_push_at for t in tills if t.last_push_at is not None]
    return StoreTakingsWire(
        location_id=location_id,
        location_name=location.name if location is not None else "",
        timezone=zone,
        first=first,
        last=last,
        figures=figures_wire(figs),
        compared_first=c_first,
        compared_last=c_last,
        compared=figures_wire(compared),
        as_of=max(pushes, default=None),
        tills=tuple(tills),
        names=_names(db_session, (c.cashier_id for f in (figs, compared) for c in f.by_cashier)),
    )
