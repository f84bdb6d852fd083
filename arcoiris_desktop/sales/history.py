"""The till's own recent sales, newest first: what the Returns screen offers to pick from.

Only this terminal's sales (``kind='sale'``): a refund is never returned again, and another
till's receipts are scanned, not browsed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_shared.db.pos import Sale

RECENT_SALES = 20


@dataclass(frozen=True, slots=True)
class RecentSale:
    sale_id: uuid.UUID
    receipt_code: str
    occurred_at: dt.datetime  # as stored (UTC); the screen shows it in the store's zone
    total: Decimal


def recent_sales(
    db: Database, config: TerminalConfig, limit: int = RECENT_SALES
) -> list[RecentSale]:
    """This till's last ``limit`` sales, newest first."""
    with db.read() as session:
        rows = session.execute(
            select(Sale.id, Sale.receipt_code, Sale.occurred_at, Sale.total)
            .where(
                Sale.org_id == config.org_id,
                Sale.terminal_id == config.terminal_id,
                Sale.kind == "sale",
            )
            .order_by(Sale.receipt_no.desc())
            .limit(limit)
        ).all()
        return [RecentSale(sid, code, when, total) for sid, code, when, total in rows]
