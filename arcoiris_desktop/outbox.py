"""The outbox and the gapless counters it is numbered by.

Every fact a till records goes out as one outbox row, staged in the same SQLite transaction
as the fact (``enqueue``), numbered by the gapless ``outbox_seq`` counter: HQ applies the
ops in that order, exactly once. Receipt numbers come from the same kind of counter.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import Counter, OutboxOp


def next_number(session: Session, name: str) -> int:
    """The next gapless number of a counter, inside the caller's write transaction."""
    counter = session.get(Counter, name)
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
        session.flush()
    session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    value = session.scalar(select(Counter.value).where(Counter.name == name))
    assert value is not None
    return int(value)


def raise_counter(session: Session, name: str, floor: int) -> None:
    """Make sure the counter's next number comes after ``floor`` (never lowers it)."""
    counter = session.get(Counter, name)
    if counter is None:
        session.add(Counter(name=name, value=floor))
    elif counter.value < floor:
        counter.value = floor


def enqueue(
    session: Session, *, kind: str, payload: dict[str, Any], occurred_at: dt.datetime
) -> int:
    """Stage an outbox row with the next gapless seq, in the caller's transaction."""
    seq = next_number(session, "outbox_seq")
    session.add(
        OutboxOp(seq=seq, op_id=uuid.uuid4(), kind=kind, payload=payload, occurred_at=occurred_at)
    )
    return seq
