"""Catalog rows as HQ sends them in a snapshot pull, written to a till's database page by
page, and the check that the search index agrees with the items after."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from arcoiris_desktop.db.database import Database
from arcoiris_desktop.sync import mirror

ORG = uuid.UUID("6f1c0a52-0000-4000-8000-000000000001")
STORE = uuid.UUID("6f1c0a52-0000-4000-8000-000000000002")
VAT = uuid.UUID("6f1c0a52-0000-4000-8000-000000000003")


def index_disagreements(db: Database) -> set[Any]:
    """Rows where the FTS index and the items (names, SKUs, barcodes) differ; empty: agree."""
    with db.read() as s:
        codes: dict[tuple[str, str], list[str]] = {}
        for org, item, code in s.execute(
            text("SELECT org_id, item_id, barcode FROM item_barcodes")
        ):
            codes.setdefault((org, item), []).append(code)
        expected = {
            (key, name, sku, tuple(sorted(codes.get((org, item), []))))
            for org, item, name, sku, key in s.execute(
                text(
                    "SELECT i.org_id, i.id, i.name, i.sku, k.id FROM items i "
                    "LEFT JOIN search_keys k ON k.org_id = i.org_id AND k.item_id = i.id"
                )
            )
        }
        indexed = {
            (rowid, name, sku, tuple(sorted(codes_text.split())))
            for rowid, name, sku, codes_text in s.execute(
                text("SELECT rowid, name, sku, codes FROM item_search")
            )
        }
    return expected ^ indexed


def item_row(n: int, **changes: Any) -> dict[str, Any]:
    """Item number ``n`` as a snapshot row (VAT21, one barcode), with ``changes`` applied."""
    row = {
        "id": str(uuid.UUID(int=(0x5EED << 96) + n)),
        "sku": f"PULL-{n:05d}",
        "name": f"Pulled thing {n}",
        "category": "Tests",
        "unit": "each",
        "price": "2.4900",
        "cost": "1.1000",
        "tracked": True,
        "weighed": False,
        "is_active": True,
        "barcodes": [f"99{n:06d}"],
        "tax_rate_ids": [str(VAT)],
    }
    row.update(changes)
    return row


def apply_page(
    db: Database, rows: list[dict[str, Any]], after: str | None, upto: str | None
) -> None:
    """Write one page of item ``rows`` (those after ``after``, up to ``upto``) in one commit."""
    with db.write() as s:
        mirror.apply_snapshot_page(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=rows,
            after=after,
            next_after=upto,
        )
