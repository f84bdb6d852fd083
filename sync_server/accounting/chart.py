"""The default chart of accounts every new org starts with.

``system_key`` is how postings find an account whatever the org renamed or renumbered it to.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class DefaultAccount(NamedTuple):
    code: str
    name: str
    type: str
    system_key: str | None


DEFAULT_CHART: Final = (
    DefaultAccount("1000", "Cash on hand", "asset", "cash"),
    DefaultAccount("1010", "Bank", "asset", "bank"),
    DefaultAccount("1100", "Card clearing", "asset", "card_clearing"),
    DefaultAccount("1200", "Inventory", "asset", "inventory"),
    DefaultAccount("2050", "Goods received not invoiced", "liability", "goods_received"),
    DefaultAccount("2100", "Tax payable", "liability", "tax_payable"),
    DefaultAccount("3000", "Owner's equity", "equity", "equity"),
    DefaultAccount("4000", "Sales revenue", "revenue", "sales_revenue"),
    DefaultAccount("4800", "Other income", "revenue", "other_income"),
    DefaultAccount("4900", "Sales refunds", "revenue", "sales_refunds"),
    DefaultAccount("5000", "Cost of goods sold", "expense", "cogs"),
    DefaultAccount("5100", "Stock adjustments", "expense", "stock_adjustments"),
    DefaultAccount("5900", "Cash over/short", "expense", "cash_over_short"),
    # What a paid out from the drawer may be booked to (``arcoiris_shared.cash.CASH_ACCOUNTS``;
    # cash taken to the bank goes to "bank", change from it comes from there).
    DefaultAccount("6100", "Petty cash expenses", "expense", "petty_cash"),
    DefaultAccount("6110", "Shop supplies", "expense", "supplies"),
    DefaultAccount("6120", "Postage and delivery", "expense", "postage"),
)

SYSTEM_KEYS: Final = frozenset(a.system_key for a in DEFAULT_CHART if a.system_key)
