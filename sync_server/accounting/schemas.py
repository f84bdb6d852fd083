"""Accounts, journals and the trial balance as the API shows them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from arcoiris_shared.enums import AccountType
from sync_server.schemas import Code, InModel, MoneyIn, Name, OutModel


class AccountCreate(InModel):
    code: Code
    name: Name
    type: AccountType
    parent_id: uuid.UUID | None = None


class AccountRead(OutModel):
    id: uuid.UUID
    code: str
    name: str
    type: str
    system_key: str | None
    parent_id: uuid.UUID | None
    is_active: bool


class JournalLineIn(InModel):
    account_id: uuid.UUID
    debit: MoneyIn = Decimal(0)
    credit: MoneyIn = Decimal(0)
    memo: Annotated[str, StringConstraints(max_length=200)] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> JournalLineIn:
        if (self.debit == 0) == (self.credit == 0):
            raise ValueError("a journal line has either a debit or a credit, not both or neither")
        return self


class JournalCreate(InModel):
    entry_date: dt.date
    memo: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    lines: Annotated[list[JournalLineIn], Field(min_length=2, max_length=500)]


class JournalLineRead(OutModel):
    line_no: int
    account_id: uuid.UUID
    debit: Decimal
    credit: Decimal
    memo: str | None


class JournalRead(OutModel):
    id: uuid.UUID
    entry_date: dt.date
    memo: str
    source_type: str
    source_id: uuid.UUID | None
    posted_at: dt.datetime
    lines: list[JournalLineRead]
    total: Decimal


class TrialBalanceRow(OutModel):
    account_id: uuid.UUID
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = Field(description="debit - credit")


class TrialBalance(OutModel):
    as_of: dt.date | None
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal
    balanced: bool
