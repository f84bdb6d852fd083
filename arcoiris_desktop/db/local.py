"""Tables only the terminal has: the outbox, sync state, settings, staff, audit, parking.

They live on their own metadata so the server's schema never sees them. The mirrored
``inv``/``pos`` tables come from ``arcoiris_shared.db``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, Integer, MetaData, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from arcoiris_shared.db.base import NAMING_CONVENTION, utcnow
from arcoiris_shared.db.types import JsonDoc, Money, Quantity, UTCDateTime


class LocalBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: Uuid(), dt.datetime: UTCDateTime()}


class OutboxOp(LocalBase):
    """A fact waiting for the server. Leaves only when an acknowledgement names its seq."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    op_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc())
    occurred_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AckedMovement(LocalBase):
    """A stock movement HQ has acknowledged but the till may not yet see in HQ's levels.

    The till shows HQ's level + the movements HQ has not acknowledged + these. They go in
    the transaction that records HQ's ack, and leave in the transaction that writes a page
    of levels counting their op (the page's ``includes_seq``: their item's level, now HQ's)
    or ends a pass of them: between the ack and that pull a movement is never missing, and
    never counted twice."""

    __tablename__ = "acked_movements"
    __table_args__ = (Index("ix_acked_movements_item_id", "item_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_id: Mapped[uuid.UUID]
    location_id: Mapped[uuid.UUID]
    quantity: Mapped[Decimal] = mapped_column(Quantity())


class Counter(LocalBase):
    """Gapless numbers (receipt numbers, outbox seq), moved inside the writing transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class Setting(LocalBase):
    """Terminal configuration and the org's settings as last pulled, one JSON value per key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDoc())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncState(LocalBase):
    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StaffMember(LocalBase):
    """Who may unlock this till, with their PIN hash (argon2) and role, as pulled from HQ."""

    __tablename__ = "staff"

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(server_default=text("1"))


class AuditEntry(LocalBase):
    """Who did what that needed watching: overrides, big discounts, refunds, voids, log-ins."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_occurred_at", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[uuid.UUID | None]
    approver_id: Mapped[uuid.UUID | None]
    sale_id: Mapped[uuid.UUID | None]
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc())
    # The shift open when it happened (None: none was); the entry's id in its
    # ``audit.recorded`` op, which carries it to HQ (None: recorded before audits synced).
    shift_id: Mapped[uuid.UUID | None]
    event_id: Mapped[uuid.UUID | None]


class ParkedSale(LocalBase):
    """A cart put aside to serve the next customer; resumed later, then removed."""

    __tablename__ = "parked_sales"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    parked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cashier_id: Mapped[uuid.UUID]
    label: Mapped[str] = mapped_column(String(80))
    cart: Mapped[dict[str, Any]] = mapped_column(JsonDoc())


class SearchKey(LocalBase):
    """A stable integer key per item for the FTS5 search index.

    FTS5 rows are addressed by integer rowid. The items table's own rowid is not stable
    (its primary key is (org_id, id), and VACUUM may renumber an implicit rowid), so the
    index uses this INTEGER PRIMARY KEY instead, which SQLite never renumbers.
    """

    __tablename__ = "search_keys"
    __table_args__ = (UniqueConstraint("org_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[uuid.UUID]
    item_id: Mapped[uuid.UUID]


class SyncRejection(LocalBase):
    """An op HQ acknowledged as rejected: out of the queue, kept here (and in HQ's dead
    letters) so a manager can see what and why."""

    __tablename__ = "sync_rejections"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    op_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDoc())
    occurred_at: Mapped[dt.datetime]
    rejected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SnapshotSeen(LocalBase):
    """Keys a catalog snapshot delivered, so what it did not deliver can be retired after.
    Filled page by page (each page with its progress, in one transaction), emptied after."""

    __tablename__ = "sync_snapshot_seen"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class TakingsRollup(LocalBase):
    """The till's takings summed per local day, kept in the transaction that writes each
    sale or refund (``arcoiris_desktop.sales.rollup``), so the manager's takings screen
    reads a month from a few thousand rows instead of half a million lines. One row per
    (day, section, key): ``sales`` by kind|cashier|UTC quarter (n; v1..v6 gross, discount,
    net, tax, total, cash rounding), ``pay`` by method|kind (n; v1 amount), ``tax`` by code
    (label the name; v1 base, v2 amount, v3 rate), ``item`` by item id (v1 quantity sold,
    v2 quantity net of refunds, v3 total). Rebuilt from the facts by migration t0008 (and
    ``rollup.rebuild``); a test holds it equal to the figures read from the facts."""

    __tablename__ = "takings_rollup"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    section: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    label: Mapped[str | None] = mapped_column(String(120))
    n: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    v1: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
    v2: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
    v3: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
    v4: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
    v5: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
    v6: Mapped[Decimal] = mapped_column(Money(), server_default=text("0"))
