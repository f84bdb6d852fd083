"""Posting the journals of synced sales and refunds: the accounting a sale makes.

One journal per sale, made by PostgreSQL from the rows ingest has just written, one
statement for a whole push: built in Python they were a quarter of ingest's time, and the
numbers they need are all in the sale, its payments and its lines already. Which ledger
account a tender lands in is ``TENDER_ACCOUNTS``, the one mapping (the statement gets it as
arrays).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from arcoiris_shared.enums import PAYMENT_METHODS
from arcoiris_shared.money import currency_exponent
from arcoiris_shared.ops import SalePayload, dec
from sync_server.accounting.service import BalanceMoves
from sync_server.bulk import uuid_array

# Which ledger account (by system key) a tender lands in.
TENDER_ACCOUNTS: dict[str, str] = {
    "cash": "cash",
    "card": "card_clearing",
    "voucher": "card_clearing",
    "other": "card_clearing",
}
assert set(TENDER_ACCOUNTS) == set(PAYMENT_METHODS), "every tender lands in an account"
_TENDER_METHODS = list(TENDER_ACCOUNTS)


def accounts_needed(p: SalePayload) -> set[str]:
    """The accounts (system keys) ``book_sales`` posts this sale to: those with an amount."""
    keys = {TENDER_ACCOUNTS[x.method] for x in p.payments}
    keys.add("sales_revenue" if p.sale.kind == "sale" else "sales_refunds")
    if dec(p.sale.tax_total):
        keys.add("tax_payable")
    if dec(p.sale.cash_rounding):
        keys.add("cash_over_short")
    if any(ln.unit_cost is not None for ln in p.lines):
        keys.update(("cogs", "inventory"))
    return keys


# One journal per sale, debit-positive amounts per account, in this order: tenders in the
# order they were paid, each to its account as TENDER_ACCOUNTS says (passed in as two
# arrays, methods and their accounts' ids, so the mapping is written once), revenue (or
# refunds) and tax payable credited, cash rounding to over/short, and where a line has a
# cost, cost of goods out of inventory (each line's cost rounded to the currency's unit,
# halves away from zero, as arcoiris_shared.money rounds). A refund
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
                SELECT p.payment_no AS ord, t.account_id, p.amount
                  FROM pos.payments p
                  JOIN unnest(CAST(:tender_methods AS text[]), CAST(:tender_accounts AS uuid[]))
                       AS t(method, account_id) ON t.method = p.method
                 WHERE p.org_id = :org AND p.sale_id = s.id
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
    "sales_revenue",
    "sales_refunds",
    "tax_payable",
    "cash_over_short",
    "cogs",
    "inventory",
)


def book_sales(
    db_session: Session,
    *,
    org_id: str | uuid.UUID,
    sale_ids: Sequence[str],
    accounts: Mapping[str, uuid.UUID],
    zone: dt.tzinfo,
    currency: str,
    posted_at: dt.datetime,
) -> BalanceMoves:
    """Post the journals of the sales (and refunds) just written, and return the balance
    moves they make (for ``service.move_balances``, run last). Every account a sale needs
    (``accounts_needed``) must be in ``accounts``: the caller checks before writing."""
    if not sale_ids:
        return {}
    rows = db_session.execute(
        _BOOK,
        {
            **{key: accounts.get(key) for key in _BOOKED_ACCOUNTS},
            "tender_methods": _TENDER_METHODS,
            "tender_accounts": [accounts.get(TENDER_ACCOUNTS[m]) for m in _TENDER_METHODS],
            "org": org_id,
            "ids": uuid_array(sale_ids),
            "zone": getattr(zone, "key", "UTC"),
            "places": currency_exponent(currency),
            "posted_at": posted_at,
        },
    )
    return {(period, account): (debit, credit) for period, account, debit, credit in rows}
