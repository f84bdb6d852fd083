"""Server-only sync tables: device credentials and each terminal's position, the ops it has
sent (their results are what a retry gets back), and dead letters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import POS, Base, new_id, one_of, org_fk, utcnow
from arcoiris_shared.db.types import JsonDoc
from sync_server.pos.audit import AuditEvent
from sync_server.pos.flags import FLAG_COLUMNS, Flag

__all__ = ["FLAG_COLUMNS", "AuditEvent", "DeadLetter", "Flag", "SyncOp", "TerminalDevice"]

CORE = "core"


class TerminalDevice(Base):
    """A terminal's device credential (hashed) and how far its ops have been applied.

    Its row is the lock a push takes: one terminal's ops apply one batch at a time.
    """

    __tablename__ = "terminal_devices"
    __table_args__ = (org_fk(["terminal_id"], f"{POS}.terminals"), {"schema": POS})

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    credential_hash: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[uuid.UUID | None]
    revoked_at: Mapped[dt.datetime | None]
    last_seq: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    last_seen_at: Mapped[dt.datetime | None]
    protocol_version: Mapped[int | None] = mapped_column(Integer)


class SyncOp(Base):
    """Every op a terminal sent that got a result. A retry of the same seq gets this back."""

    __tablename__ = "sync_ops"
    __table_args__ = (
        one_of("status", ("applied", "rejected")),
        Index("uq_sync_ops_org_id_op_id", "org_id", "op_id", unique=True),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    terminal_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DeadLetter(Base):
    """An op HQ refused, kept whole with the reason, for someone to look at and fix."""

    __tablename__ = "sync_dead_letters"
    __table_args__ = (
        Index("ix_sync_dead_letters_org_id_received_at", "org_id", "received_at"),
        {"schema": POS},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    terminal_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger)
    op_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc())
    reason: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
