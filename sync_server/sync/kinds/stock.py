"""``stock.moved``: goods received, adjusted or counted at the till's store.

Movements are appended and stock levels move by their deltas with the rest of the push.
Where a movement carries a unit cost the books follow the goods: a receipt is Dr inventory,
Cr goods received (awaiting the supplier's invoice); an adjustment or a count is Dr or Cr
inventory against stock adjustments.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from arcoiris_shared.money import currency_exponent
from arcoiris_shared.ops import StockMovedPayload, dec, instant
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.service import JournalEntry, signed_postings
from sync_server.sync.kinds.base import ZERO, Context, Needs, Rejected

Model = StockMovedPayload
OFFSET_ACCOUNT = {"receipt": "goods_received", "adjustment": "stock_adjustments"}


def needs(p: StockMovedPayload, n: Needs) -> None:
    n.items.update(m.item_id for m in p.movements)


def check_and_stage(ctx: Context, op: Op, p: StockMovedPayload) -> None:
    op_id = str(op.op_id)
    missing = {m.item_id for m in p.movements} - ctx.refs.items
    if missing:
        raise Rejected(f"unknown item(s): {', '.join(sorted(missing))}")
    if any(m.location_id != ctx.terminal_location_id for m in p.movements):
        raise Rejected("a till moves stock at its own store only")
    if len({m.id for m in p.movements}) != len(p.movements):
        raise Rejected("two movements share an id")
    grid = Decimal(1).scaleb(-currency_exponent(ctx.currency))
    values: dict[str, Decimal] = {}
    rows = ctx.batch.rows["inv.stock_movements"]
    for m in p.movements:
        quantity = dec(m.quantity)
        if quantity == 0:
            raise Rejected("a stock movement of zero")
        if m.unit_cost is not None:
            cost = dec(m.unit_cost)
            if cost < 0:
                raise Rejected("a negative unit cost")
            offset = OFFSET_ACCOUNT.get(m.reason, "stock_adjustments")
            values[offset] = values.get(offset, ZERO) + (quantity * cost).quantize(grid)
    for m in p.movements:
        rows.append(
            {
                **m.__dict__,
                "org_id": ctx.org_id,
                "source_type": "stock.moved",
                "source_id": op_id,
                "terminal_id": ctx.terminal_id,
                "created_at": ctx.now,
            }
        )
        ctx.batch.move_stock(m.item_id, m.location_id, dec(m.quantity))
    if any(values.values()):
        ctx.batch.journals.append(_journal(ctx, p, op_id, values))


def _journal(
    ctx: Context, p: StockMovedPayload, op_id: str, values: dict[str, Decimal]
) -> JournalEntry:
    amounts: dict[uuid.UUID, Decimal] = {ctx.account("inventory"): sum(values.values(), ZERO)}
    for key, value in values.items():
        account = ctx.account(key)
        amounts[account] = amounts.get(account, ZERO) - value
    reasons = sorted({m.reason for m in p.movements})
    return JournalEntry(
        entry_date=ctx.local_date(instant(p.movements[0].occurred_at)),
        memo=f"Stock {' and '.join(reasons)} at the store",
        source_type="stock",
        source_id=uuid.UUID(op_id),
        postings=signed_postings(amounts),
    )
