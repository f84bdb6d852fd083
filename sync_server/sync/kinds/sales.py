"""``sale.completed`` and ``sale.refunded``: the sale with its lines, tax summary, payments
and stock movements, and the journal that books it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import orjson

from arcoiris_shared.money import currency_exponent
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.service import JournalEntry, signed_postings
from sync_server.sync.kinds.base import ZERO, Context, Needs, Rejected
from sync_server.sync.payloads import SalePayload, check_sale, dec, instant

KINDS = {"sale.completed": "sale", "sale.refunded": "refund"}
# Which ledger account a tender lands in.
TENDER_ACCOUNTS = {
    "cash": "cash",
    "card": "card_clearing",
    "voucher": "card_clearing",
    "other": "card_clearing",
}
Model = SalePayload


def needs(p: SalePayload, n: Needs) -> None:
    n.items.update(ln.item_id for ln in p.lines)
    n.items.update(m.item_id for m in p.movements)
    n.sales.add(p.sale.id)
    if p.sale.refund_of_sale_id:
        n.sales.add(p.sale.refund_of_sale_id)
    if p.sale.customer_id:
        n.customers.add(p.sale.customer_id)
    if p.sale.shift_id:
        n.shifts.add(p.sale.shift_id)


def apply(ctx: Context, op: Op, p: SalePayload) -> None:
    _check(ctx, op.kind, p)
    _stage(ctx, p)


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


def _stage(ctx: Context, p: SalePayload) -> None:
    org, s, now, rows = ctx.org_id, p.sale, ctx.now, ctx.batch.rows
    rows["pos.sales"].append(
        (
            org, s.id, s.kind, s.terminal_id, s.location_id, s.shift_id, s.receipt_no,
            s.receipt_code, s.refund_of_sale_id, s.cashier_id, s.approved_by, s.customer_id,
            s.currency, s.prices_include_tax, s.tax_rounding, s.gross, s.discount_total, s.net,
            s.tax_total, s.total, s.cash_rounding, s.occurred_at, now,
        )
    )  # fmt: skip
    rows["pos.sale_lines"].extend(
        (
            org, ln.sale_id, ln.line_no, ln.item_id, ln.sku, ln.name, ln.quantity,
            ln.unit_price, ln.gross, ln.line_discount, ln.sale_discount, ln.net, ln.tax,
            ln.total, ln.unit_cost, orjson.dumps(ln.taxes).decode(), ln.price_overridden,
            ln.refund_of_line_no,
        )
        for ln in p.lines
    )  # fmt: skip
    rows["pos.sale_taxes"].extend(
        (org, t.sale_id, t.tax_code, t.tax_name, t.rate, t.base, t.amount) for t in p.taxes
    )
    rows["pos.payments"].extend(
        (
            org, x.sale_id, x.payment_no, x.method, x.amount, x.tendered, x.change,
            x.reference, x.occurred_at,
        )
        for x in p.payments
    )  # fmt: skip
    batch = ctx.batch
    for m in p.movements:
        rows["inv.stock_movements"].append(
            (
                org, m.id, m.item_id, m.location_id, m.quantity, m.unit_cost, m.reason,
                "sale", m.source_id, ctx.terminal_id, None, m.occurred_at, now,
            )
        )  # fmt: skip
        batch.move_stock(m.item_id, m.location_id, dec(m.quantity))
    batch.journals.append(_journal(ctx, p))
    ctx.refs.sales[s.id] = s.kind


def _journal(ctx: Context, p: SalePayload) -> JournalEntry:
    """Dr tenders, Cr revenue (or Dr refunds) and tax payable; cash rounding to over/short;
    cost of goods out of inventory where a line has a cost. Debit-positive, so a refund is
    the same arithmetic with the signs the sale's numbers already carry."""
    s = p.sale
    grid = Decimal(1).scaleb(-currency_exponent(s.currency))
    by_key: dict[str, Decimal] = {}
    for x in p.payments:
        key = TENDER_ACCOUNTS[x.method]
        by_key[key] = by_key.get(key, ZERO) + dec(x.amount)
    by_key["sales_revenue" if s.kind == "sale" else "sales_refunds"] = -dec(s.net)
    by_key["tax_payable"] = -dec(s.tax_total)
    by_key["cash_over_short"] = -dec(s.cash_rounding)
    cost = sum(
        (
            (dec(ln.quantity) * dec(ln.unit_cost)).quantize(grid)
            for ln in p.lines
            if ln.unit_cost is not None
        ),
        ZERO,
    )
    by_key["cogs"] = cost
    by_key["inventory"] = -cost
    amounts: dict[uuid.UUID, Decimal] = {}
    for key, amount in by_key.items():
        if amount:
            account = ctx.account(key)
            amounts[account] = amounts.get(account, ZERO) + amount
    return JournalEntry(
        entry_date=ctx.local_date(instant(s.occurred_at)),
        memo=f"{'Sale' if s.kind == 'sale' else 'Refund'} {s.receipt_code}",
        source_type=s.kind,
        source_id=uuid.UUID(s.id),
        postings=signed_postings(amounts),
    )
