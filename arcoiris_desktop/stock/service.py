"""Stock levels as the till shows them, and a manager's stock moves.

The level shown is HQ's (as last pulled) plus this till's movements HQ's pulled level does
not count yet: those inside ops still in the outbox (sales, refunds and ``stock.moved``),
and those of ops HQ acknowledged after the levels were pulled (``AckedMovement``, dropped by
the stock pull that brings levels counting them). A movement travels in exactly one op and
sits in exactly one of those places, so none is missing and none is counted twice.

A move writes its ``inv.stock_movements`` rows and one ``stock.moved`` op in one
transaction. Receiving, adjusting and counting are a manager's (or a cashier with a
manager's PIN).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.audit import record_audit
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AckedMovement
from arcoiris_desktop.outbox import enqueue
from arcoiris_desktop.staff import Staff
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, StockLevel, StockMovement
from arcoiris_shared.money import quantize
from arcoiris_shared.ops import StockMovedPayload, StockMoveRow
from arcoiris_shared.sync_protocol import MOVING_KINDS

ZERO = Decimal(0)
MAX_QUANTITY = Decimal("1000000")
QUANTITY_STEP = Decimal("0.001")
# Ops whose payload carries movements at this till's store.
StockReason = Literal["receipt", "adjustment", "count"]
# Why stock is adjusted, and which way it moves.
ADJUSTMENTS: dict[str, int] = {"damage": -1, "loss": -1, "found": 1}


class StockError(ValueError):
    """A stock move the till refuses; nothing was written. The message is for the manager."""


class ManagerRequired(StockError):
    def __init__(self, message: str, action: str) -> None:
        super().__init__(message)
        self.action = action


@dataclass(frozen=True, slots=True)
class MoveLine:
    item_id: uuid.UUID
    quantity: Decimal  # signed delta
    unit_cost: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StockMove:
    """What a move wrote: its op's seq and each item's delta with its name."""

    reason: str
    outbox_seq: int
    lines: tuple[tuple[str, Decimal], ...]  # (item name, delta)


_PENDING_MOVES = text(
    """
    SELECT json_extract(m.value, '$.quantity')
      FROM outbox AS o, json_each(o.payload, '$.movements') AS m
     WHERE o.kind IN (SELECT value FROM json_each(:kinds))
       AND json_extract(m.value, '$.item_id') = :item
       AND json_extract(m.value, '$.location_id') = :here
    """
)
_MOVING_KINDS_JSON = json.dumps(list(MOVING_KINDS))


def level(session: Session, config: TerminalConfig, item_id: uuid.UUID) -> Decimal:
    """The level this till shows for an item (see the module's docstring)."""
    hq = session.scalar(
        select(StockLevel.quantity).where(
            StockLevel.org_id == config.org_id,
            StockLevel.item_id == item_id,
            StockLevel.location_id == config.location_id,
        )
    ) or Decimal(0)
    # The outbox's movements of this item, picked out by SQLite's own JSON reader: a week
    # offline is ten thousand ops, each of which was decoded in Python for every lookup
    # (inside a count's write transaction, too). The quantities come back as the exact
    # strings the ops carry and are summed as Decimals here, never as SQL floats.
    pending = session.execute(
        _PENDING_MOVES,
        {"kinds": _MOVING_KINDS_JSON, "item": str(item_id), "here": str(config.location_id)},
    ).scalars()
    moved = sum((Decimal(q) for q in pending), ZERO)
    acked = session.scalars(
        select(AckedMovement.quantity).where(
            AckedMovement.item_id == item_id, AckedMovement.location_id == config.location_id
        )
    ).all()
    return hq + moved + sum(acked, ZERO)


APPROVAL_ACTION = "stock.move"


def _authorise(actor: Staff, approval: Approval | None) -> uuid.UUID | None:
    """The approver's id when a cashier had a manager's PIN; None when a manager acts."""
    if actor.can_approve:
        return None
    if approval is not None and approval.action == APPROVAL_ACTION:
        return approval.approver_id
    raise ManagerRequired("Stock moves need a manager", APPROVAL_ACTION)


def _item(session: Session, config: TerminalConfig, item_id: uuid.UUID) -> Item:
    item = session.get(Item, (config.org_id, item_id))
    if item is None:
        raise StockError("That item is not in this till's catalog")
    if not item.tracked:
        raise StockError(f"{item.name} is not stock-tracked")
    return item


def _check_quantity(item: Item, quantity: Decimal) -> Decimal:
    if not isinstance(quantity, Decimal) or not quantity.is_finite():
        raise StockError("The quantity must be a number")
    if quantity == 0:
        raise StockError("A stock move of nothing: enter a quantity")
    if abs(quantity) >= MAX_QUANTITY:
        raise StockError(f"{quantity} is surely a mistake")
    if item.unit == "each" and quantity != quantity.to_integral_value():
        raise StockError(f"{item.name} is counted in whole units")
    if quantity.quantize(QUANTITY_STEP) != quantity:
        raise StockError("At most three decimals for a quantity")
    return quantity


def _write(
    session: Session,
    *,
    config: TerminalConfig,
    actor: Staff,
    approver: uuid.UUID | None,
    reason: StockReason,
    lines: Sequence[tuple[Item, Decimal, Decimal | None]],
    note: str | None,
) -> StockMove:
    now = utcnow()
    move_id = uuid.uuid4()
    movements = [
        StockMovement(
            org_id=config.org_id,
            id=uuid.uuid4(),
            item_id=item.id,
            location_id=config.location_id,
            quantity=qty,
            unit_cost=cost,
            reason=reason,
            source_type="stock_move",
            source_id=move_id,
            terminal_id=config.terminal_id,
            note=note,
            occurred_at=now,
        )
        for item, qty, cost in lines
    ]
    session.add_all(movements)

    payload = StockMovedPayload(
        movements=[StockMoveRow.of(m, note=m.note or None) for m in movements],
        by=str(actor.user_id),
        approved_by=None if approver is None else str(approver),
    ).wire()
    record_audit(
        session,
        action=f"stock.{reason}",
        actor_id=actor.user_id,
        approver_id=approver,
        details={
            "items": [[item.sku, str(qty)] for item, qty, _ in lines],
            "note": note or "",
        },
    )
    seq = enqueue(session, kind="stock.moved", payload=payload, occurred_at=now)
    return StockMove(reason, seq, tuple((item.name, qty) for item, qty, _ in lines))


NOTE_MAX = 480  # HQ keeps 500; an adjustment's note is prefixed with why ("damage: ")


def _note(note: str | None) -> str | None:
    text = " ".join((note or "").split())
    if len(text) > NOTE_MAX:
        raise StockError(f"The note is too long ({NOTE_MAX} characters at most)")
    return text or None


def receive(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    lines: Sequence[MoveLine],
    note: str | None = None,
    approval: Approval | None = None,
) -> StockMove:
    """Goods in: positive quantities, optionally at a unit cost."""
    approver = _authorise(actor, approval)
    if not lines:
        raise StockError("Add what arrived first")
    note = _note(note)
    with db.write() as session:
        checked = []
        for ln in lines:
            item = _item(session, config, ln.item_id)
            qty = _check_quantity(item, ln.quantity)
            if qty < 0:
                raise StockError("Goods received are positive quantities")
            cost = ln.unit_cost
            if cost is not None and (cost < 0 or quantize(cost, config.currency) != cost):
                raise StockError(f"The unit cost of {item.name} is not an amount")
            checked.append((item, qty, cost))
        return _write(
            session,
            config=config,
            actor=actor,
            approver=approver,
            reason="receipt",
            lines=checked,
            note=note,
        )


def adjust(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    item_id: uuid.UUID,
    quantity: Decimal,
    why: str,
    note: str | None = None,
    approval: Approval | None = None,
) -> StockMove:
    """Damage, loss (stock goes down) or found (stock goes up), with a note saying what
    happened; ``quantity`` is how many, always positive."""
    approver = _authorise(actor, approval)
    sign = ADJUSTMENTS.get(why)
    if sign is None:
        raise StockError("Say why: damage, loss or found")
    text = _note(note)
    if text is None:
        raise StockError("An adjustment needs a note saying what happened")
    with db.write() as session:
        item = _item(session, config, item_id)
        qty = _check_quantity(item, quantity)
        if qty < 0:
            raise StockError("Enter how many, without a sign")
        return _write(
            session,
            config=config,
            actor=actor,
            approver=approver,
            reason="adjustment",
            # At the item's cost, so HQ's books write the loss (or the find) off inventory.
            lines=[(item, sign * qty, item.cost)],
            note=f"{why}: {text}",
        )


def count(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    item_id: uuid.UUID,
    counted: Decimal,
    note: str | None = None,
    approval: Approval | None = None,
) -> StockMove | None:
    """A stock count: the delta between what was counted and what the till shows, read in
    the same transaction. None when they agree (nothing to record)."""
    approver = _authorise(actor, approval)
    if not isinstance(counted, Decimal) or not counted.is_finite() or counted < 0:
        raise StockError("The count must be zero or more")
    text = _note(note)
    with db.write() as session:
        item = _item(session, config, item_id)
        if counted:
            _check_quantity(item, counted)
        delta = counted - level(session, config, item_id)
        if delta == 0:
            return None
        return _write(
            session,
            config=config,
            actor=actor,
            approver=approver,
            reason="count",
            lines=[(item, delta, item.cost)],
            note=text or f"counted {counted.normalize():f}",
        )
