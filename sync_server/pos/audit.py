"""HQ-only: the tills' audit logs (``pos.audit_events``), written by ingest as
``audit.recorded`` ops arrive (docs/sync-ops.md): who did what at which till, who approved
it, in which sale and shift. A record to read back, never a fact that moves money or stock.

It sits with the pos domain, below sync: sync writes it, pos reads it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, cast

from sqlalchemy import Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import POS, Base, utcnow
from arcoiris_shared.db.types import JsonDoc


class AuditEvent(Base):
    """One entry of a till's audit log (an approval, a void, a no-sale, a failed PIN ...),
    as the till recorded it; ``received_at`` is when HQ heard of it."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_org_id_occurred_at", "org_id", "occurred_at"),
        Index("ix_audit_events_org_id_shift_id", "org_id", "shift_id"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[uuid.UUID | None]
    approver_id: Mapped[uuid.UUID | None]
    sale_id: Mapped[uuid.UUID | None]
    shift_id: Mapped[uuid.UUID | None]
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc())
    occurred_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


AUDIT_COLUMNS = tuple(c.key for c in cast(Table, AuditEvent.__table__).columns)
