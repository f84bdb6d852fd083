"""HQ-only: facts recorded but flagged (``pos.flags``), written by ingest with the push
that brought them (docs/sync-ops.md) and listed by the pos routes.

It sits with the pos domain, below sync: sync writes it, pos reads it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from sqlalchemy import Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import POS, Base, one_of, utcnow


class Flag(Base):
    """A fact HQ recorded but whose figures its own arithmetic does not give: a sale the
    shared calculator prices otherwise, a shift close whose expected cash HQ makes
    different. Recorded (never dropped) and listed for a person to look at."""

    __tablename__ = "flags"
    __table_args__ = (
        one_of("source_type", ("sale", "shift")),
        Index("ix_flags_org_id_flagged_at", "org_id", "flagged_at"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


FLAG_COLUMNS = tuple(c.key for c in cast(Table, Flag.__table__).columns)
