"""Queries on the ``acct`` tables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from sync_server.accounting.models import Account, Journal, JournalLine


def accounts(db_session: Session, *, org_id: uuid.UUID) -> Sequence[Account]:
    return db_session.scalars(
        select(Account).where(Account.org_id == org_id).order_by(Account.code)
    ).all()


def accounts_by_system_key(db_session: Session, *, org_id: uuid.UUID) -> dict[str, Account]:
    rows = db_session.scalars(
        select(Account).where(Account.org_id == org_id, Account.system_key.is_not(None))
    )
    return {a.system_key: a for a in rows if a.system_key}


def account(db_session: Session, *, org_id: uuid.UUID, account_id: uuid.UUID) -> Account | None:
    return db_session.get(Account, (org_id, account_id))


def account_code_taken(db_session: Session, *, org_id: uuid.UUID, code: str) -> bool:
    found = db_session.scalar(
        select(Account.id).where(Account.org_id == org_id, Account.code == code)
    )
    return found is not None


_ADD_TO_BALANCES = text(
    """
    INSERT INTO acct.balances AS b (org_id, account_id, period, debit, credit)
    SELECT :org_id, m.account_id, :period, m.debit, m.credit
    FROM unnest(CAST(:accounts AS uuid[]), CAST(:debits AS numeric[]),
                CAST(:credits AS numeric[])) AS m(account_id, debit, credit)
    ON CONFLICT (org_id, account_id, period)
    DO UPDATE SET debit = b.debit + EXCLUDED.debit, credit = b.credit + EXCLUDED.credit
    """
)


def add_to_balances(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    period: dt.date,
    moves: dict[uuid.UUID, tuple[Decimal, Decimal]],
) -> None:
    """Move each account's monthly debit/credit totals in one statement (concurrency-safe:
    rows are locked in account order). One statement text whatever the number of accounts,
    so it is parsed and planned once per connection, not once a push."""
    if not moves:
        return
    ordered = sorted(moves.items())
    db_session.execute(
        _ADD_TO_BALANCES,
        {
            "org_id": org_id,
            "period": period,
            "accounts": [acc for acc, _ in ordered],
            "debits": [str(d) for _, (d, _c) in ordered],
            "credits": [str(c) for _, (_d, c) in ordered],
        },
    )


def journals(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    date_from: dt.date | None,
    date_to: dt.date | None,
    source_type: str | None,
    limit: int,
    offset: int,
) -> Sequence[Journal]:
    q = select(Journal).where(Journal.org_id == org_id)
    if date_from is not None:
        q = q.where(Journal.entry_date >= date_from)
    if date_to is not None:
        q = q.where(Journal.entry_date <= date_to)
    if source_type is not None:
        q = q.where(Journal.source_type == source_type)
    q = q.order_by(Journal.entry_date.desc(), Journal.posted_at.desc(), Journal.id)
    return db_session.scalars(q.limit(limit).offset(offset)).all()


def journal(db_session: Session, *, org_id: uuid.UUID, journal_id: uuid.UUID) -> Journal | None:
    return db_session.get(Journal, (org_id, journal_id))


def lines_of(
    db_session: Session, *, org_id: uuid.UUID, journal_ids: Sequence[uuid.UUID]
) -> Sequence[JournalLine]:
    if not journal_ids:
        return []
    return db_session.scalars(
        select(JournalLine)
        .where(JournalLine.org_id == org_id, JournalLine.journal_id.in_(journal_ids))
        .order_by(JournalLine.journal_id, JournalLine.line_no)
    ).all()


def trial_balance(
    db_session: Session, *, org_id: uuid.UUID, as_of: dt.date | None
) -> Sequence[tuple[Account, Decimal, Decimal]]:
    """Σ debits and Σ credits per account from the journal lines up to ``as_of``."""
    sums = (
        select(
            JournalLine.account_id,
            func.coalesce(func.sum(JournalLine.debit), 0).label("debit"),
            func.coalesce(func.sum(JournalLine.credit), 0).label("credit"),
        )
        .join(
            Journal,
            (Journal.org_id == JournalLine.org_id) & (Journal.id == JournalLine.journal_id),
        )
        .where(JournalLine.org_id == org_id)
        .group_by(JournalLine.account_id)
    )
    if as_of is not None:
        sums = sums.where(Journal.entry_date <= as_of)
    sub = sums.subquery()
    rows = db_session.execute(
        select(Account, sub.c.debit, sub.c.credit)
        .join(sub, sub.c.account_id == Account.id)
        .where(Account.org_id == org_id)
        .order_by(Account.code)
    ).all()
    return [(a, Decimal(d), Decimal(c)) for a, d, c in rows]
