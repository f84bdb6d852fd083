"""``sale.completed`` and ``sale.refunded``: the sale with its lines, tax summary, payments
and stock movements; its journal is posted by accounting (``accounting.posting``) once the
rows are written.

A sale whose own sums do not hold (``check_sale``) is rejected. One whose sums hold but
whose amounts the shared calculator does not give (``recompute_problem``) happened all the
same: it is recorded, and flagged for a person to look at."""

from __future__ import annotations

from decimal import Decimal

import orjson

from arcoiris_shared.ops import SalePayload, check_sale, dec
from arcoiris_shared.sale_check import recompute_problem
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.posting import accounts_needed
from sync_server.sync.kinds.base import ZERO, Context, Needs, Rejected

KINDS = {"sale.completed": "sale", "sale.refunded": "refund"}
Model = SalePayload


def needs(p: SalePayload, n: Needs) -> None:
    n.items.update(ln.item_id for ln in p.lines)
    n.items.update(m.item_id for m in p.movements)
    n.sales.add(p.sale.id)
    if p.sale.refund_of_sale_id:
        n.sales.add(p.sale.refund_of_sale_id)
        n.refunded_sales.add(p.sale.refund_of_sale_id)
    if p.sale.customer_id:
        n.customers.add(p.sale.customer_id)
    if p.sale.shift_id:
        n.shifts.add(p.sale.shift_id)


def check_and_stage(ctx: Context, op: Op, p: SalePayload) -> None:
    _check(ctx, op.kind, p)
    # Every sale is recomputed (~55 µs a 3-line one): no memory of verdicts, which real
    # traffic, where few sales share all their figures, would rarely hit. A refund with a
    # receipt is recomputed as its share of the lines it returns, after what earlier
    # refunds returned of them (so returning more than was sold is flagged too).
    refund_of = p.sale.refund_of_sale_id
    if refund_of is None:
        problem = recompute_problem(p, rounding=ctx.rounding)
    else:
        problem = recompute_problem(
            p,
            rounding=ctx.rounding,
            original_lines=ctx.refs.sold_lines.get(refund_of, {}),
            already_refunded=ctx.refs.returned.get(refund_of, {}),
        )
    line_taxes = [orjson.dumps(ln.taxes) for ln in p.lines]
    _stage(ctx, p, line_taxes)
    if problem:
        ctx.flag("sale", p.sale.id, problem)


def _check(ctx: Context, kind: str, p: SalePayload) -> None:
    s, refs = p.sale, ctx.refs
    ctx.check_owner(s.org_id, s.terminal_id)
    if KINDS[kind] != s.kind:
        raise Rejected(f"a {kind} op carries a {s.kind}")
    if s.currency != ctx.currency:
        raise Rejected(f"the sale is in {s.currency}; this organization sells in {ctx.currency}")
    if s.location_id not in refs.locations:
        raise Rejected("the sale's store is unknown")
    if s.id in refs.sales:
        raise Rejected(f"sale {s.id} is already recorded (by another op)")
    if s.customer_id is not None and s.customer_id not in refs.customers:
        raise Rejected("the sale names a customer HQ does not have")
    if s.shift_id is not None:
        shift = refs.shifts.get(s.shift_id)
        if shift is None:
            raise Rejected("the sale names a shift HQ does not have")
        if shift.terminal_id != ctx.terminal_id:
            raise Rejected("the sale names another terminal's shift")
    refund_of = s.refund_of_sale_id
    if s.kind == "refund" and refund_of is not None and refs.sales.get(refund_of) != "sale":
        raise Rejected("the refund points at a sale HQ does not have")
    missing = {ln.item_id for ln in p.lines} - refs.items
    missing |= {m.item_id for m in p.movements} - refs.items
    if missing:
        raise Rejected(f"unknown item(s): {', '.join(sorted(missing))}")
    if any(m.location_id not in refs.locations for m in p.movements):
        raise Rejected("a stock movement names an unknown location")
    problem = check_sale(p)
    if problem:
        raise Rejected(problem)
    for key in accounts_needed(p):
        ctx.account(key)  # rejected here, not by a failed statement for the whole push


def _stage(ctx: Context, p: SalePayload, line_taxes: list[bytes]) -> None:
    # A row model's fields are its table's columns (arcoiris_shared.ops), so its values
    # (``__dict__``: the validated fields, nothing else) are the row, plus what HQ stamps.
    org, s, now, rows = ctx.org_id, p.sale, ctx.now, ctx.batch.rows
    rows["pos.sales"].append({**s.__dict__, "org_id": org, "created_at": now})
    rows["pos.sale_lines"].extend(
        {**ln.__dict__, "org_id": org, "taxes": taxes.decode()}
        for ln, taxes in zip(p.lines, line_taxes, strict=True)
    )
    rows["pos.sale_taxes"].extend({**t.__dict__, "org_id": org} for t in p.taxes)
    rows["pos.payments"].extend({**x.__dict__, "org_id": org} for x in p.payments)
    batch = ctx.batch
    movements = rows["inv.stock_movements"]
    for m in p.movements:
        movements.append(
            {
                **m.__dict__,
                "org_id": org,
                "source_type": "sale",
                "terminal_id": ctx.terminal_id,
                "note": None,
                "created_at": now,
            }
        )
        batch.move_stock(m.item_id, m.location_id, dec(m.quantity))
    if s.shift_id is not None:
        cash = sum((Decimal(x.amount) for x in p.payments if x.method == "cash"), ZERO)
        batch.shift_cash[s.shift_id] = batch.shift_cash.get(s.shift_id, ZERO) + cash
    batch.sales_to_book.append(s.id)
    refs = ctx.refs
    refs.sales[s.id] = s.kind
    if s.id in refs.sold_lines:  # refunded later in this same push
        refs.sold_lines[s.id] = {ln.line_no: ln for ln in p.lines}
    if s.refund_of_sale_id is not None:
        returned = refs.returned.setdefault(s.refund_of_sale_id, {})
        for ln in p.lines:
            if ln.refund_of_line_no is not None:
                of = ln.refund_of_line_no
                returned[of] = returned.get(of, ZERO) - Decimal(ln.quantity)
