"""Books balance: every journal posted has Σ debits = Σ credits, and the trial balance agrees."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from sync_server.accounting import repository
from sync_server.accounting.models import Balance, Journal, JournalLine
from sync_server.accounting.service import Posting, UnbalancedJournal, post_journal
from tests.server.conftest import OrgWorld, rolled_back

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


def _accounts(db, org_id):
    return repository.accounts_by_system_key(db, org_id=org_id)


def test_new_org_gets_the_default_chart(client, world_a: OrgWorld):
    accounts = client.get("/api/accounting/accounts", headers=world_a.owner.headers).json()
    keys = {a["system_key"] for a in accounts}
    assert {
        "cash",
        "card_clearing",
        "sales_revenue",
        "tax_payable",
        "inventory",
        "cogs",
        "cash_over_short",
        "bank",
    } <= keys


@settings(max_examples=25)
@given(
    st.lists(st.tuples(st.integers(0, 7), amounts), min_size=1, max_size=6),
    st.integers(0, 7),
    st.booleans(),
)
def test_posting_balances_or_writes_nothing(engine, world_a: OrgWorld, debits, credit_to, skew):
    with rolled_back(engine) as factory, factory() as db:
        accounts = sorted(_accounts(db, world_a.org_id).values(), key=lambda a: a.code)
        before = db.scalar(
            select(func.count()).select_from(Journal).where(Journal.org_id == world_a.org_id)
        )
        postings = [Posting(accounts[i].id, debit=amt) for i, amt in debits]
        total = sum((amt for _, amt in debits), Decimal(0))
        postings.append(
            Posting(accounts[credit_to].id, credit=total + (Decimal("0.01") if skew else 0))
        )
        source = uuid.uuid4()
        try:
            post_journal(
                db_session=db,
                org_id=world_a.org_id,
                entry_date=dt.date(2026, 11, 3),
                memo="prop",
                source_type="test",
                source_id=source,
                postings=postings,
            )
            db.flush()
            posted = True
        except UnbalancedJournal:
            db.rollback()
            posted = False
        assert posted is not skew
        lines = db.scalars(
            select(JournalLine)
            .join(
                Journal,
                (Journal.org_id == JournalLine.org_id) & (Journal.id == JournalLine.journal_id),
            )
            .where(Journal.source_id == source)
        ).all()
        if posted:
            assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines) == total
        else:
            assert lines == []
            after = db.scalar(
                select(func.count()).select_from(Journal).where(Journal.org_id == world_a.org_id)
            )
            assert after == before


def test_balances_track_journal_lines(client, db, world_a: OrgWorld):
    acc = _accounts(db, world_a.org_id)
    for amt in ("10.00", "2.50"):
        post_journal(
            db_session=db,
            org_id=world_a.org_id,
            entry_date=dt.date(2026, 11, 5),
            memo="cash sale",
            source_type="test",
            source_id=uuid.uuid4(),
            postings=[
                Posting(acc["cash"].id, debit=Decimal(amt)),
                Posting(acc["sales_revenue"].id, credit=Decimal(amt)),
            ],
        )
    db.commit()
    bal = db.get(Balance, (world_a.org_id, acc["cash"].id, dt.date(2026, 11, 1)))
    assert bal is not None and bal.debit == Decimal("12.50") and bal.credit == 0
    tb = client.get("/api/accounting/trial-balance", headers=world_a.owner.headers).json()
    assert tb["balanced"] is True
    assert tb["total_debit"] == tb["total_credit"]
    rows = {r["code"]: r for r in tb["rows"]}
    assert Decimal(rows["1000"]["debit"]) == Decimal("12.50")
    assert Decimal(rows["4000"]["balance"]) == Decimal("-12.50")


def test_trial_balance_as_of_excludes_later_entries(client, world_a: OrgWorld):
    h = world_a.owner.headers
    early = client.get("/api/accounting/trial-balance?as_of=2026-10-31", headers=h).json()
    assert early["rows"] == [] and early["balanced"] is True
    later = client.get("/api/accounting/trial-balance?as_of=2026-11-30", headers=h).json()
    assert Decimal(later["total_debit"]) == Decimal("100.00")


def test_same_source_cannot_post_twice(db, world_a: OrgWorld):
    from sqlalchemy.exc import IntegrityError

    acc = _accounts(db, world_a.org_id)
    source = uuid.uuid4()
    args = dict(
        db_session=db,
        org_id=world_a.org_id,
        entry_date=dt.date(2026, 11, 5),
        memo="once",
        source_type="sale",
        source_id=source,
        postings=[
            Posting(acc["cash"].id, debit=Decimal(1)),
            Posting(acc["sales_revenue"].id, credit=Decimal(1)),
        ],
    )
    post_journal(**args)
    with pytest.raises(IntegrityError):
        post_journal(**args)


def test_journals_list_pages_and_filters(client, world_a: OrgWorld):
    h = world_a.owner.headers
    page = client.get("/api/accounting/journals?limit=1", headers=h).json()
    assert page["limit"] == 1 and len(page["items"]) == 1
    j = page["items"][0]
    assert j["source_type"] == "manual"
    assert sum(Decimal(ln["debit"]) for ln in j["lines"]) == Decimal(j["total"])
    none = client.get("/api/accounting/journals?source_type=sale", headers=h).json()
    assert none["items"] == [] and none["next_offset"] is None
