"""``acct`` schema. A journal's lines always balance: Σ debit = Σ credit (checked on post)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import Base, new_id, one_of, org_fk, utcnow
from arcoiris_shared.enums import ACCOUNT_TYPES

ACCT = "acct"
_ORG_FK = "core.organizations.id"


class Account(Base):
    """A ledger account. ``system_key`` marks the accounts postings look up by role."""

    __tablename__ = "chart_of_accounts"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        UniqueConstraint("org_id", "system_key"),
        one_of("type", ACCOUNT_TYPES),
        org_fk(["parent_id"], f"{ACCT}.chart_of_accounts"),
        {"schema": ACCT},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(_ORG_FK, ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(16))
    system_key: Mapped[str | None] = mapped_column(String(32))
    parent_id: Mapped[uuid.UUID | None]
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Journal(Base):
    """A posted journal entry. ``(source_type, source_id)`` makes posting a fact idempotent."""

    __tablename__ = "journals"
    __table_args__ = (
        UniqueConstraint("org_id", "source_type", "source_id"),
        Index("ix_journals_org_id_entry_date", "org_id", "entry_date"),
        {"schema": ACCT},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(_ORG_FK, ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    entry_date: Mapped[dt.date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(String(200))
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[uuid.UUID | None]
    created_by: Mapped[uuid.UUID | None]
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JournalLine(Base):
    __tablename__ = "journal_lines"
    # Written only by post_journals, with their journal and after checking every account;
    # no per-row FK checks (ingest posts a journal per sale, thousands a second).
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="amounts_not_negative"),
        CheckConstraint("(debit = 0) <> (credit = 0)", name="one_side_only"),
        Index("ix_journal_lines_org_id_account_id", "org_id", "account_id"),
        {"schema": ACCT},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    journal_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[uuid.UUID]
    debit: Mapped[Decimal] = mapped_column(server_default=text("0"))
    credit: Mapped[Decimal] = mapped_column(server_default=text("0"))
    memo: Mapped[str | None] = mapped_column(String(200))


class Balance(Base):
    """Debit and credit totals per account per month, moved by every posting."""

    __tablename__ = "balances"
    __table_args__ = (
        org_fk(["account_id"], f"{ACCT}.chart_of_accounts"),
        {"schema": ACCT},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    debit: Mapped[Decimal] = mapped_column(server_default=text("0"))
    credit: Mapped[Decimal] = mapped_column(server_default=text("0"))


class BankAccount(Base):
    """A bank account of the org, mapped onto its ledger account (``gl_account_id``).

    No route or service reads it yet, and it stays all the same: it is part of the seed's
    ``acct`` schema (chart of accounts, journals, balances, bank accounts), created by the
    seed's baseline migration 0001 that tests/server/test_migrations.py checks table by
    table. Dropping it would take a migration off the seed's design for nothing. Until it
    has a use, money at the bank is the default chart's one ``bank`` account (1010), which
    manual journals post to; card takings wait in ``card_clearing``."""

    __tablename__ = "bank_accounts"
    __table_args__ = (
        org_fk(["gl_account_id"], f"{ACCT}.chart_of_accounts"),
        {"schema": ACCT},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(_ORG_FK, ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    bank_name: Mapped[str | None] = mapped_column(String(120))
    # Only the last digits: the full number has no business in a POS database.
    account_last4: Mapped[str | None] = mapped_column(String(4))
    currency: Mapped[str] = mapped_column(String(3))
    gl_account_id: Mapped[uuid.UUID]
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
