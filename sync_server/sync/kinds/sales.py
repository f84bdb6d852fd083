"""``sale.completed`` and ``sale.refunded``: the sale with its lines, tax summary, payments
and stock movements, and the journal that books it.

The journals are made by PostgreSQL from the rows just written (``book``), one statement
for a whole push: built in Python they were a quarter of ingest's time, and the numbers
they need are all in the sale, its payments and its lines already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from arcoiris_shared.money import currency_exponent
from arcoiris_shared.ops import SalePayload, check_sale, dec
from arcoiris_shared.sync_protocol import Op
from sync_server.accounting.service import BalanceMoves
from sync_server.sync.kinds.base import Context, Needs, Rejected

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
    for key in _accounts_needed(s.kind, p):
        ctx.account(key)  # rejected here, not by a failed statement for the whole push


def _accounts_needed(kind: str, p: SalePayload) -> set[str]:
    """The accounts ``book`` posts this sale to (those with an amount)."""
    keys = {TENDER_ACCOUNTS[x.method] for x in p.payments}
    keys.add("sales_revenue" if kind == "sale" else "sales_refunds")
    if dec(p.sale.tax_total):
        keys.add("tax_payable")
    if dec(p.sale.cash_rounding):
        keys.add("cash_over_short")
    if any(ln.unit_cost is not None for ln in p.lines):
        keys.update(("cogs", "inventory"))
    return keys


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
    batch.sales_to_book.append(s.id)
    ctx.refs.sales[s.id] = s.kind


# One journal per sale, debit-positive amounts per account, in this order: tenders in the
# order they were paid (cash, or card clearing for every other method, as TENDER_ACCOUNTS
# says), revenue (or refunds) and tax payable credited, cash rounding to over/short, and
# where a line has a cost, cost of goods out of inventory (each line's cost rounded to the
# currency's unit, halves away from zero, as arcoiris_shared.money rounds). A refund
# carries the signs of its own numbers, so it is the same arithmetic. Amounts that cancel
# or are zero make no line; a sale that moves no money and no cost makes no journal. The
# postings balance because ``check_sale`` held: payments = total + rounding, and
# total = net + tax.
_BOOK = text(
    """
    WITH s AS MATERIALIZED (
        SELECT s.id, s.kind, s.receipt_code, s.net, s.tax_total, s.cash_rounding,
               (s.occurred_at AT TIME ZONE :zone)::date AS entry_date,
               gen_random_uuid() AS journal_id
          FROM unnest(CAST(:ids AS uuid[])) AS k(id)
          JOIN pos.sales s ON s.org_id = :org AND s.id = k.id
    ),
    postings AS (
        SELECT s.journal_id, x.ord, x.account_id, x.amount
          FROM s CROSS JOIN LATERAL (
                SELECT p.payment_no AS ord,
                       CASE WHEN p.method = 'cash' THEN CAST(:cash AS uuid)
                            ELSE CAST(:card_clearing AS uuid) END AS account_id,
                       p.amount
                  FROM pos.payments p WHERE p.org_id = :org AND p.sale_id = s.id
                UNION ALL
                SELECT 1001, CASE WHEN s.kind = 'sale' THEN CAST(:sales_revenue AS uuid)
                               ELSE CAST(:sales_refunds AS uuid) END, -s.net
                UNION ALL SELECT 1002, CAST(:tax_payable AS uuid), -s.tax_total
                UNION ALL SELECT 1003, CAST(:cash_over_short AS uuid), -s.cash_rounding
                UNION ALL
                SELECT 1004 + side, CASE side WHEN 0 THEN CAST(:cogs AS uuid)
                                           ELSE CAST(:inventory AS uuid) END,
                       CASE side WHEN 0 THEN cost ELSE -cost END
                  FROM (SELECT sum(round(l.quantity * l.unit_cost, :places)) AS cost
                          FROM pos.sale_lines l
                         WHERE l.org_id = :org AND l.sale_id = s.id
                           AND l.unit_cost IS NOT NULL
                        HAVING count(*) > 0) c
                 CROSS JOIN (VALUES (0), (1)) AS sides(side)
          ) x
    ),
    merged AS (
        SELECT journal_id, account_id, min(ord) AS ord, sum(amount) AS amount
          FROM postings
         GROUP BY journal_id, account_id
        HAVING sum(amount) <> 0
    ),
    journals AS (
        INSERT INTO acct.journals (org_id, id, entry_date, memo, source_type, source_id, posted_at)
        SELECT :org, s.journal_id, s.entry_date,
               CASE s.kind WHEN 'sale' THEN 'Sale ' ELSE 'Refund ' END || s.receipt_code,
               s.kind, s.id, :posted_at
          FROM s
         WHERE EXISTS (SELECT 1 FROM merged m WHERE m.journal_id = s.journal_id)
    ),
    lines AS (
        INSERT INTO acct.journal_lines (org_id, journal_id, line_no, account_id, debit, credit)
        SELECT :org, journal_id,
               row_number() OVER (PARTITION BY journal_id ORDER BY ord),
               account_id, greatest(amount, 0), greatest(-amount, 0)
          FROM merged
        RETURNING journal_id, account_id, debit, credit
    )
    SELECT CAST(date_trunc('month', s.entry_date) AS date), l.account_id,
           sum(l.debit), sum(l.credit)
      FROM lines l JOIN s ON s.journal_id = l.journal_id
     GROUP BY 1, 2
    """
)
_BOOKED_ACCOUNTS = (
    "cash", "card_clearing", "sales_revenue", "sales_refunds", "tax_payable",
    "cash_over_short", "cogs", "inventory",
)  # fmt: skip


def book(
    db_session: Session, ctx: Context, sale_ids: Sequence[str], posted_at: dt.datetime
) -> BalanceMoves:
    """Post the journals of the sales (and refunds) just written, and return the balance
    moves they make (for ``accounting.service.move_balances``, run last)."""
    if not sale_ids:
        return {}
    params: dict[str, object] = {
        key: ctx.accounts.get(key) for key in _BOOKED_ACCOUNTS
    }  # an account a sale needs was checked when it was staged
    rows = db_session.execute(
        _BOOK,
        {
            **params,
            "org": ctx.org_id,
            "ids": list(sale_ids),
            "zone": getattr(ctx.zone, "key", "UTC"),
            "places": currency_exponent(ctx.currency),
            "posted_at": posted_at,
        },
    )
    return {(period, account): (debit, credit) for period, account, debit, credit in rows}
