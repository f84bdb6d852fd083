"""``arcoiris-desktop --demo``: seed, once, a demo store that sells offline at once.

A few thousand items from the shared demo catalog (valid EAN-13s, weighed produce and deli
on scale labels), two tax rates with tax-inclusive prices, opening stock, and a cashier and
a manager whose PINs the sign-in screen shows.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from arcoiris_desktop.config import put_settings
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import Setting, StaffMember
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax, Location, StockLevel
from arcoiris_shared.db.pos import Customer, TaxRate, Terminal
from arcoiris_shared.demo import (
    DEMO_CURRENCY,
    DEMO_LOCALE,
    DEMO_ORG_NAME,
    DEMO_STAFF,
    DEMO_TAX_RATES,
    DEMO_TIMEZONE,
    demo_catalog,
)
from arcoiris_shared.passwords import hash_secret

logger = logging.getLogger(__name__)

DEMO_SETTING = "demo_seeded"
# The staff whose PINs the sign-in screen shows in demo mode.
DEMO_TILL_STAFF = tuple(s for s in DEMO_STAFF if s.role in ("manager", "cashier"))
_BATCH = 10_000
# A few regulars for the customer picker (a demo till is not enrolled, so HQ never sees
# them; they stay on this till).
DEMO_CUSTOMERS = (
    ("Ana García López", "+34 600 123 456", "ana.garcia@example.com"),
    ("Anabel Ruiz", "+34 611 987 654", None),
    ("Bruno Díaz", "+34 622 555 010", "bruno@example.com"),
    ("Carmen Ortega", None, "carmen.ortega@example.com"),
    ("Restaurante El Olivo S.L.", "+34 913 000 111", "compras@elolivo.example"),
)


def is_seeded(db: Database) -> bool:
    with db.read() as session:
        return session.get(Setting, DEMO_SETTING) is not None


def seed_demo(db: Database, *, items: int = 4_000, progress: Any = None) -> bool:
    """Seed the demo store unless it is there. True if this call seeded it."""
    if is_seeded(db):
        return False
    org_id, location_id, terminal_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with db.write() as session:
        _seed_identity(session, org_id, location_id, terminal_id)
        rates = {}
        for code, name, rate in DEMO_TAX_RATES:
            row = TaxRate(org_id=org_id, id=uuid.uuid4(), code=code, name=name, rate=rate)
            session.add(row)
            rates[code] = row.id
        for s in DEMO_STAFF:
            session.add(
                StaffMember(
                    user_id=uuid.uuid5(org_id, s.email),
                    full_name=s.full_name,
                    role=s.role,
                    pin_hash=hash_secret(s.pin),
                )
            )
        session.flush()
        now = utcnow()
        for name, phone, email in DEMO_CUSTOMERS:
            session.add(
                Customer(
                    org_id=org_id,
                    id=uuid.uuid4(),
                    name=name,
                    phone=phone,
                    email=email,
                    is_active=True,
                    created_at=now,
                    updated_at=now,
                )
            )
        _seed_items(session, org_id, location_id, rates, items, progress)
        put_settings(session, {DEMO_SETTING: True})
    logger.info("demo store seeded with %d items", items)
    return True


def _seed_identity(
    session: Session, org_id: uuid.UUID, location_id: uuid.UUID, terminal_id: uuid.UUID
) -> None:
    session.add(
        Location(
            org_id=org_id,
            id=location_id,
            code="MAIN",
            name="Arcoiris Market - Centro",
            kind="store",
            address="Calle Mayor 1, 28013 Madrid",
        )
    )
    session.flush()
    session.add(
        Terminal(org_id=org_id, id=terminal_id, code="T01", name="Till 1", location_id=location_id)
    )
    put_settings(
        session,
        {
            "org_id": str(org_id),
            "org_name": DEMO_ORG_NAME,
            "terminal_id": str(terminal_id),
            "terminal_code": "T01",
            "terminal_name": "Till 1",
            "location_id": str(location_id),
            "store_name": "Arcoiris Market - Centro",
            "store_address": "Calle Mayor 1, 28013 Madrid",
            "currency": DEMO_CURRENCY,
            "locale": DEMO_LOCALE,
            "timezone": DEMO_TIMEZONE,
            "prices_include_tax": True,
            "tax_rounding": "per_line",
            "discount_limit_percent": "10",
            "idle_lock_seconds": 300,
            "receipt_header": "NIF B-12345678",
            "receipt_footer": "Thank you! Returns within 30 days with this receipt.",
        },
    )


def _seed_items(
    session: Session,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    rates: dict[str, uuid.UUID],
    count: int,
    progress: Any,
) -> None:
    now = utcnow()
    items: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    taxes: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []

    def flush() -> None:
        if items:
            session.execute(insert(Item), items)
            session.execute(insert(ItemBarcode), codes)
            session.execute(insert(ItemTax), taxes)
            session.execute(insert(StockLevel), levels)
        for batch in (items, codes, taxes, levels):
            batch.clear()

    for n, d in enumerate(demo_catalog(count), start=1):
        item_id = uuid.uuid4()
        items.append(d.row(org_id, item_id, now))
        codes.append({"org_id": org_id, "item_id": item_id, "barcode": d.barcode})
        taxes.append({"org_id": org_id, "item_id": item_id, "tax_rate_id": rates[d.tax_code]})
        levels.append(
            {
                "org_id": org_id,
                "item_id": item_id,
                "location_id": location_id,
                "quantity": Decimal("12.500") if d.weighed else Decimal(24),
                "updated_at": now,
            }
        )
        if len(items) >= _BATCH:
            flush()
            if progress is not None:
                progress(n, count)
    flush()
