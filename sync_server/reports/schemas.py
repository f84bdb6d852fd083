"""Report schemas: takings grouped by day, store, terminal or tender."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

GroupBy = Literal["day", "store", "terminal", "tender"]


class TakingsRow(BaseModel):
    key: str
    label: str
    sales: int
    refunds: int
    sold: Decimal
    refunded: Decimal
    takings: Decimal
    tax: Decimal


class Takings(BaseModel):
    group_by: GroupBy
    since: dt.datetime | None
    until: dt.datetime | None
    rows: list[TakingsRow]
    total: Decimal
