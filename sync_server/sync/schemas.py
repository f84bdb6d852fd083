"""HQ's view of its terminals' sync: dead letters and per-terminal health. (What the
terminals themselves send and receive is the protocol, in ``arcoiris_shared.sync_protocol``.)"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from sync_server.schemas import OutModel


class DeadLetterRead(OutModel):
    id: uuid.UUID
    terminal_id: uuid.UUID
    seq: int
    op_id: uuid.UUID
    kind: str
    reason: str
    received_at: dt.datetime
    payload: dict[str, object]


class TerminalHealth(BaseModel):
    terminal_id: uuid.UUID
    code: str
    name: str
    status: str
    enrolled: bool
    last_seen_at: dt.datetime | None
    last_seq: int
    rejected_ops: int
