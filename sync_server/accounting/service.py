"""Posting journals (they always balance) and reading the books.

``post_journal`` stages a journal inside the caller's transaction, so a sale and its journal
commit together; the route-level functions here commit their own work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.orm import Session

from arcoiris_shared.db.base import utcnow
from sync_server.accounting import repository
from sync_server.accounting.chart import DEFAULT_CHART
from sync_server.accounting.models import Account, Journal, JournalLine
from sync_server.accounting.schemas import (
    AccountCreate,
    AccountRead,
    JournalCreate,
    JournalLineRead,
    JournalRead,
    TrialBalance,
    TrialBalanceRow,
)
from sync_server.bulk import copy_tuples
from sync_server.errors import Conflict, NotFound, Unprocessable

ZERO = Decimal(0)


JOURNAL_COLUMNS = (
    "org_id",
    "id",
    "entry_date",
    "memo",
    "source_type",
    "source_id",
    "created_by",
    "posted_at",
)
LINE_COLUMNS = ("org_id", "journal_id", "line_no", "account_id", "debit", "credit", "memo")


class UnbalancedJournal(Unprocessable):
    code = "journal_unbalanced"


class Posting(NamedTuple):
    # A named tuple, not a frozen dataclass: ingest makes six of these a sale, and a frozen
    # dataclass's __init__ cost several times as much.
    account_id: uuid.UUID
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    memo: str | None = None


def seed_default_chart(*, db_session: Session, org_id: uuid.UUID) -> None:
    for acc in DEFAULT_CHART:
        db_session.add(
            Account(
                org_id=org_id,
                code=acc.code,
                name=acc.name,
                type=acc.type,
                system_key=acc.system_key,
            )
        )
    db_session.flush()


class JournalEntry(NamedTuple):
    """A journal to post: its postings must balance (zero postings are dropped)."""

    entry_date: dt.date
    memo: str
    source_type: str
    source_id: uuid.UUID | None
    postings: Sequence[Posting]
    created_by: uuid.UUID | None = None


def _checked(entry: JournalEntry) -> list[Posting]:
    lines = [p for p in entry.postings if p.debit != 0 or p.credit != 0]
    for p in lines:
        if p.debit < 0 or p.credit < 0 or (p.debit != 0 and p.credit != 0):
            raise UnbalancedJournal("Each journal line is a positive debit or a positive credit")
    debit = sum((p.debit for p in lines), ZERO)
    credit = sum((p.credit for p in lines), ZERO)
    if debit != credit or not lines:
        raise UnbalancedJournal(
            f"Debits ({debit}) must equal credits ({credit}) and not be zero",
            details={"debit": str(debit), "credit": str(credit)},
        )
    return lines


BalanceMoves = dict[tuple[dt.date, uuid.UUID], tuple[Decimal, Decimal]]


def post_journals(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    entries: Sequence[JournalEntry],
    known_accounts: set[uuid.UUID] | None = None,
) -> list[uuid.UUID]:
    """Stage many balanced journals in a few multi-row statements and move the monthly
    balances once per account and month. Never commits; all or nothing.

    Every entry is checked before anything is written: one unbalanced entry and none is.
    ``known_accounts``: the org's account ids, when the caller has read them already.
    """
    ids, moves = write_journals(
        db_session=db_session, org_id=org_id, entries=entries, known_accounts=known_accounts
    )
    move_balances(db_session=db_session, org_id=org_id, moves=moves)
    return ids


def write_journals(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    entries: Sequence[JournalEntry],
    known_accounts: set[uuid.UUID] | None = None,
) -> tuple[list[uuid.UUID], BalanceMoves]:
    """The journals and their lines, checked and written; the balance moves they make are
    returned for ``move_balances``, which a caller runs last, just before its commit: the
    balance rows are the org's hottest, and every concurrent poster waits on them."""
    checked = [(entry, _checked(entry)) for entry in entries]
    if not checked:
        return [], {}
    # The caller may already hold the org's accounts (read in this transaction).
    known = known_accounts or {a.id for a in repository.accounts(db_session, org_id=org_id)}
    unknown = sorted(
        {str(p.account_id) for _, lines in checked for p in lines if p.account_id not in known}
    )
    if unknown:
        raise NotFound("Unknown account in journal", code="account_not_found", details=unknown)
    journals: list[tuple[object, ...]] = []
    journal_lines: list[tuple[object, ...]] = []
    moves: BalanceMoves = {}
    ids = []
    posted_at = utcnow()
    for entry, lines in checked:
        journal_id = uuid.uuid4()
        ids.append(journal_id)
        journals.append(
            (
                org_id,
                journal_id,
                entry.entry_date,
                entry.memo,
                entry.source_type,
                entry.source_id,
                entry.created_by,
                posted_at,
            )
        )
        period = entry.entry_date.replace(day=1)
        for n, p in enumerate(lines, start=1):
            journal_lines.append((org_id, journal_id, n, p.account_id, p.debit, p.credit, p.memo))
            d, c = moves.get((period, p.account_id), (ZERO, ZERO))
            moves[(period, p.account_id)] = (d + p.debit, c + p.credit)
    copy_tuples(db_session, "acct.journals", JOURNAL_COLUMNS, journals)
    copy_tuples(db_session, "acct.journal_lines", LINE_COLUMNS, journal_lines)
    return ids, moves


def add_moves(*parts: BalanceMoves) -> BalanceMoves:
    """Balance moves of several writes, added up per month and account."""
    total: BalanceMoves = {}
    for part in parts:
        for key, (debit, credit) in part.items():
            d, c = total.get(key, (ZERO, ZERO))
            total[key] = (d + debit, c + credit)
    return total


def move_balances(*, db_session: Session, org_id: uuid.UUID, moves: BalanceMoves) -> None:
    for period in sorted({period for period, _ in moves}):
        repository.add_to_balances(
            db_session,
            org_id=org_id,
            period=period,
            moves={acc: dc for (p, acc), dc in moves.items() if p == period},
        )


def post_journal(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    entry_date: dt.date,
    memo: str,
    source_type: str,
    source_id: uuid.UUID | None,
    postings: Sequence[Posting],
    created_by: uuid.UUID | None = None,
) -> uuid.UUID:
    """Stage one balanced journal (see ``post_journals``). Returns its id; never commits."""
    return post_journals(
        db_session=db_session,
        org_id=org_id,
        entries=[JournalEntry(entry_date, memo, source_type, source_id, postings, created_by)],
    )[0]


def signed_postings(amounts: dict[uuid.UUID, Decimal], memo: str | None = None) -> list[Posting]:
    """Postings from debit-positive amounts per account (negative = credit), zeros dropped,
    in the order the amounts were added."""
    out = []
    for account_id, amount in amounts.items():
        if amount > 0:
            out.append(Posting(account_id, debit=amount, memo=memo))
        elif amount < 0:
            out.append(Posting(account_id, credit=-amount, memo=memo))
    return out


def list_accounts(*, db_session: Session, org_id: uuid.UUID) -> list[AccountRead]:
    return [AccountRead.model_validate(a) for a in repository.accounts(db_session, org_id=org_id)]


def create_account(*, db_session: Session, org_id: uuid.UUID, data: AccountCreate) -> AccountRead:
    if repository.account_code_taken(db_session, org_id=org_id, code=data.code):
        raise Conflict(f"Account code {data.code} is already used", code="account_code_taken")
    if data.parent_id is not None and not repository.account(
        db_session, org_id=org_id, account_id=data.parent_id
    ):
        raise NotFound("Parent account not found", code="account_not_found")
    acc = Account(org_id=org_id, **data.model_dump())
    db_session.add(acc)
    db_session.commit()
    return AccountRead.model_validate(acc)


def _read(journal: Journal, lines: Sequence[JournalLine]) -> JournalRead:
    return JournalRead(
        id=journal.id,
        entry_date=journal.entry_date,
        memo=journal.memo,
        source_type=journal.source_type,
        source_id=journal.source_id,
        posted_at=journal.posted_at,
        lines=[JournalLineRead.model_validate(line) for line in lines],
        total=sum((line.debit for line in lines), ZERO),
    )


def create_manual_journal(
    *, db_session: Session, org_id: uuid.UUID, user_id: uuid.UUID, data: JournalCreate
) -> JournalRead:
    journal_id = post_journal(
        db_session=db_session,
        org_id=org_id,
        entry_date=data.entry_date,
        memo=data.memo,
        source_type="manual",
        source_id=None,
        created_by=user_id,
        postings=[Posting(ln.account_id, ln.debit, ln.credit, ln.memo) for ln in data.lines],
    )
    db_session.commit()
    return get_journal(db_session=db_session, org_id=org_id, journal_id=journal_id)


def get_journal(*, db_session: Session, org_id: uuid.UUID, journal_id: uuid.UUID) -> JournalRead:
    journal = repository.journal(db_session, org_id=org_id, journal_id=journal_id)
    if journal is None:
        raise NotFound("Journal not found")
    return _read(journal, repository.lines_of(db_session, org_id=org_id, journal_ids=[journal.id]))


def list_journals(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    date_from: dt.date | None,
    date_to: dt.date | None,
    source_type: str | None,
    limit: int,
    offset: int,
) -> list[JournalRead]:
    journals = repository.journals(
        db_session,
        org_id=org_id,
        date_from=date_from,
        date_to=date_to,
        source_type=source_type,
        limit=limit,
        offset=offset,
    )
    lines = repository.lines_of(db_session, org_id=org_id, journal_ids=[j.id for j in journals])
    by_journal: dict[uuid.UUID, list[JournalLine]] = {}
    for line in lines:
        by_journal.setdefault(line.journal_id, []).append(line)
    return [_read(j, by_journal.get(j.id, [])) for j in journals]


def trial_balance(*, db_session: Session, org_id: uuid.UUID, as_of: dt.date | None) -> TrialBalance:
    rows = [
        TrialBalanceRow(
            account_id=a.id,
            code=a.code,
            name=a.name,
            type=a.type,
            debit=d,
            credit=c,
            balance=d - c,
        )
        for a, d, c in repository.trial_balance(db_session, org_id=org_id, as_of=as_of)
    ]
    total_debit = sum((r.debit for r in rows), ZERO)
    total_credit = sum((r.credit for r in rows), ZERO)
    return TrialBalance(
        as_of=as_of,
        rows=rows,
        total_debit=total_debit,
        total_credit=total_credit,
        balanced=total_debit == total_credit,
    )
