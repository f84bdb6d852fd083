"""One handler per op kind a terminal pushes (docs/sync-ops.md): the payload's model, the
keys it points at, and how it is checked and staged (``ingest`` writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sync_server.sync.kinds import audit, cash, customers, sales, shifts, stock


@dataclass(frozen=True)
class Handler:
    model: type[BaseModel]
    needs: Callable[[Any, Any], None]
    # Checks the op against HQ and the ops before it, then stages its rows; never writes.
    check_and_stage: Callable[[Any, Any, Any], None]


HANDLERS: dict[str, Handler] = {
    "sale.completed": Handler(sales.Model, sales.needs, sales.check_and_stage),
    "sale.refunded": Handler(sales.Model, sales.needs, sales.check_and_stage),
    "shift.opened": Handler(shifts.OpenedModel, shifts.needs, shifts.check_and_stage_opened),
    "shift.closed": Handler(shifts.ClosedModel, shifts.needs, shifts.check_and_stage_closed),
    "stock.moved": Handler(stock.Model, stock.needs, stock.check_and_stage),
    "customer.upserted": Handler(customers.Model, customers.needs, customers.check_and_stage),
    "cash.moved": Handler(cash.Model, cash.needs, cash.check_and_stage),
    "audit.recorded": Handler(audit.Model, audit.needs, audit.check_and_stage),
}
