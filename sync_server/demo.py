"""``arcoiris-admin seed-demo``: a demo org a newcomer can log in to and look around.

Staff with passwords and PINs, two tax rates, a store with two terminals and a warehouse,
a realistic catalog with opening stock, and the opening journals, so the trial balance
already shows something.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax, Location
from arcoiris_shared.db.pos import TaxRate, Terminal
from arcoiris_shared.demo import (
    DEMO_CURRENCY,
    DEMO_LOCALE,
    DEMO_ORG_NAME,
    DEMO_ORG_SLUG,
    DEMO_STAFF,
    DEMO_TAX_RATES,
    DEMO_TIMEZONE,
    demo_catalog,
)
from sync_server.accounting import repository as accounting_repository
from sync_server.accounting import service as accounting_service
from sync_server.auth.security import hash_password
from sync_server.inventory import repository as inventory_repository
from sync_server.org import repository as org_repository
from sync_server.org import service as org_service
from sync_server.org.models import Organization
from sync_server.org.schemas import OrgCreate

logger = logging.getLogger(__name__)

_BATCH = 5_000


@dataclass(frozen=True, slots=True)
class DemoResult:
    org_id: uuid.UUID
    created: bool
    items: int


def seed_demo(*, db_session: Session, items: int = 3_000, opening_qty: int = 24) -> DemoResult:
    """Create the demo org once. Run again, it reports the org that is there."""
    existing = db_session.scalar(select(Organization).where(Organization.slug == DEMO_ORG_SLUG))
    if existing is not None:
        return DemoResult(org_id=existing.id, created=False, items=0)

    users = {}
    for s in DEMO_STAFF:
        user = org_repository.user_by_email(db_session, email=s.email)
        if user is None:
            user = org_service.stage_user(
                db_session=db_session, email=s.email, full_name=s.full_name, password=s.password
            )
        users[s.role] = (user, s)
    owner, owner_staff = users["owner"]
    org = org_service.stage_org(
        db_session=db_session,
        owner=owner,
        data=OrgCreate(
            name=DEMO_ORG_NAME,
            slug=DEMO_ORG_SLUG,
            currency=DEMO_CURRENCY,
            locale=DEMO_LOCALE,
            timezone=DEMO_TIMEZONE,
        ),
    )
    org_id = org.id
    owner_membership = org_repository.membership(db_session, org_id=org_id, user_id=owner.id)
    assert owner_membership is not None
    owner_membership.pin_hash = hash_password(owner_staff.pin)
    for role in ("manager", "cashier"):
        user, staff = users[role]
        org_service.stage_membership(
            db_session=db_session, org_id=org_id, user=user, role=role, pin=staff.pin
        )

    rates = {}
    for code, name, rate in DEMO_TAX_RATES:
        tax = TaxRate(org_id=org_id, code=code, name=name, rate=rate)
        db_session.add(tax)
        rates[code] = tax
    store = Location(
        org_id=org_id,
        code="MAIN",
        name="Arcoiris Market - Centro",
        kind="store",
        address="Calle Mayor 1, Madrid",
    )
    warehouse = Location(org_id=org_id, code="WH1", name="Central warehouse", kind="warehouse")
    db_session.add_all([store, warehouse])
    db_session.flush()
    for code, name in (("T01", "Till 1"), ("T02", "Till 2")):
        db_session.add(Terminal(org_id=org_id, code=code, name=name, location_id=store.id))

    now = utcnow()
    stock_value = Decimal(0)
    batch_items: list[dict[str, Any]] = []
    batch_codes: list[dict[str, Any]] = []
    batch_taxes: list[dict[str, Any]] = []
    batch_moves: list[dict[str, Any]] = []

    def flush_batch() -> None:
        if batch_items:
            db_session.execute(insert(Item), batch_items)
            db_session.execute(insert(ItemBarcode), batch_codes)
            db_session.execute(insert(ItemTax), batch_taxes)
            inventory_repository.append_movements(db_session, movements=batch_moves)
        for batch in (batch_items, batch_codes, batch_taxes, batch_moves):
            batch.clear()

    for d in demo_catalog(items):
        item_id = uuid.uuid4()
        qty = Decimal(opening_qty) if not d.weighed else Decimal("12.500")
        batch_items.append(d.row(org_id, item_id, now))
        batch_codes.append({"org_id": org_id, "item_id": item_id, "barcode": d.barcode})
        batch_taxes.append(
            {"org_id": org_id, "item_id": item_id, "tax_rate_id": rates[d.tax_code].id}
        )
        batch_moves.append(
            {
                "org_id": org_id,
                "id": uuid.uuid4(),
                "item_id": item_id,
                "location_id": store.id,
                "quantity": qty,
                "unit_cost": d.cost,
                "reason": "opening",
                "source_type": "demo",
                "source_id": None,
                "terminal_id": None,
                "note": "Opening stock",
                "occurred_at": now,
                "created_at": now,
            }
        )
        stock_value += (qty * d.cost).quantize(Decimal("0.01"))
        if len(batch_items) >= _BATCH:
            flush_batch()
    flush_batch()

    accounts = accounting_repository.accounts_by_system_key(db_session, org_id=org_id)
    today = dt.date.today()
    capital = Decimal("10000.00")
    accounting_service.post_journal(
        db_session=db_session,
        org_id=org_id,
        entry_date=today,
        memo="Owner's capital",
        source_type="opening",
        source_id=uuid.uuid5(org_id, "capital"),
        postings=[
            accounting_service.Posting(accounts["bank"].id, debit=capital),
            accounting_service.Posting(accounts["equity"].id, credit=capital),
        ],
    )
    accounting_service.post_journal(
        db_session=db_session,
        org_id=org_id,
        entry_date=today,
        memo="Opening stock",
        source_type="opening",
        source_id=uuid.uuid5(org_id, "stock"),
        postings=[
            accounting_service.Posting(accounts["inventory"].id, debit=stock_value),
            accounting_service.Posting(accounts["equity"].id, credit=stock_value),
        ],
    )
    db_session.commit()
    logger.info("demo org %s seeded with %d items", org_id, items)
    return DemoResult(org_id=org_id, created=True, items=items)
