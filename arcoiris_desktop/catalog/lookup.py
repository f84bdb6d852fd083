"""Catalog reads for the till. The catalog stays in SQLite; only hits become Python objects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.orm import Session

from arcoiris_shared.barcodes import (
    InvalidBarcode,
    VariableMeasureRule,
    is_gtin_shaped,
    parse_variable_measure,
)
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax
from arcoiris_shared.db.pos import TaxRate as TaxRateRow
from arcoiris_shared.tax import TaxRate


@dataclass(frozen=True, slots=True)
class CatalogItem:
    item_id: uuid.UUID
    sku: str
    name: str
    unit: str
    price: Decimal
    cost: Decimal | None
    weighed: bool
    tracked: bool
    is_active: bool
    rates: tuple[TaxRate, ...]


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan means: the item, and for a scale label the embedded weight or price."""

    item: CatalogItem
    barcode: str
    weight: Decimal | None = None
    label_price: Decimal | None = None


class UnknownBarcode(LookupError):
    pass


def _rates(
    session: Session, org_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[TaxRate, ...]]:
    out: dict[uuid.UUID, list[TaxRate]] = {i: [] for i in item_ids}
    rows = session.execute(
        select(ItemTax.item_id, TaxRateRow.code, TaxRateRow.name, TaxRateRow.rate)
        .join(
            TaxRateRow,
            (TaxRateRow.org_id == ItemTax.org_id) & (TaxRateRow.id == ItemTax.tax_rate_id),
        )
        .where(ItemTax.org_id == org_id, ItemTax.item_id.in_(item_ids))
    )
    for item_id, code, name, rate in rows:
        out[item_id].append(TaxRate(code=code, name=name, rate=rate))
    return {k: tuple(sorted(v, key=lambda r: r.code)) for k, v in out.items()}


def _to_catalog(
    items: Sequence[Item], rates: dict[uuid.UUID, tuple[TaxRate, ...]]
) -> list[CatalogItem]:
    return [
        CatalogItem(
            item_id=i.id,
            sku=i.sku,
            name=i.name,
            unit=i.unit,
            price=i.price,
            cost=i.cost,
            weighed=i.weighed,
            tracked=i.tracked,
            is_active=i.is_active,
            rates=rates.get(i.id, ()),
        )
        for i in items
    ]


def get_items(
    session: Session, org_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> list[CatalogItem]:
    items = session.scalars(select(Item).where(Item.org_id == org_id, Item.id.in_(item_ids))).all()
    by_id = {i.id: i for i in items}
    ordered = [by_id[i] for i in item_ids if i in by_id]
    return _to_catalog(ordered, _rates(session, org_id, [i.id for i in ordered]))


_ITEM_COLUMNS = (
    Item.id,
    Item.sku,
    Item.name,
    Item.unit,
    Item.price,
    Item.cost,
    Item.weighed,
    Item.tracked,
    Item.is_active,
    TaxRateRow.code,
    TaxRateRow.name,
    TaxRateRow.rate,
)


def _one_item(
    session: Session, org_id: uuid.UUID, where: ColumnElement[bool], *joins: Any
) -> CatalogItem | None:
    """One item and its tax rates in a single round trip (a row per rate). This is the
    scanner's path: no ORM objects, one indexed lookup."""
    stmt = select(*_ITEM_COLUMNS).select_from(Item)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = (
        stmt.outerjoin(ItemTax, (ItemTax.org_id == Item.org_id) & (ItemTax.item_id == Item.id))
        .outerjoin(
            TaxRateRow,
            (TaxRateRow.org_id == ItemTax.org_id) & (TaxRateRow.id == ItemTax.tax_rate_id),
        )
        .where(Item.org_id == org_id, where)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return None
    first = rows[0]
    rates = tuple(
        sorted(
            (TaxRate(code=r[9], name=r[10], rate=r[11]) for r in rows if r[9] is not None),
            key=lambda t: t.code,
        )
    )
    return CatalogItem(
        item_id=first[0],
        sku=first[1],
        name=first[2],
        unit=first[3],
        price=first[4],
        cost=first[5],
        weighed=first[6],
        tracked=first[7],
        is_active=first[8],
        rates=rates,
    )


def item_by_barcode(session: Session, org_id: uuid.UUID, barcode: str) -> CatalogItem | None:
    return _one_item(
        session,
        org_id,
        ItemBarcode.barcode == barcode,
        (ItemBarcode, (ItemBarcode.org_id == Item.org_id) & (ItemBarcode.item_id == Item.id)),
    )


def item_by_sku(session: Session, org_id: uuid.UUID, sku: str) -> CatalogItem | None:
    return _one_item(session, org_id, Item.sku == sku)


def scan(
    session: Session,
    org_id: uuid.UUID,
    code: str,
    rules: Sequence[VariableMeasureRule],
) -> ScanResult:
    """Resolve what the scanner (or the cashier) typed: barcode, scale label, or SKU.

    Raises ``UnknownBarcode`` (nothing matches) or ``InvalidBarcode`` (a misread).
    """
    code = code.strip()
    if not code:
        raise UnknownBarcode("nothing was scanned")
    item = item_by_barcode(session, org_id, code)
    if item is not None:
        return ScanResult(item=item, barcode=code)
    measure = parse_variable_measure(code, rules)
    if measure is not None:
        item = item_by_barcode(session, org_id, measure.base_barcode)
        if item is None:
            raise UnknownBarcode(f"no item for scale label {code}")
        if measure.value == "weight":
            return ScanResult(item=item, barcode=code, weight=measure.amount)
        return ScanResult(item=item, barcode=code, label_price=measure.amount)
    if is_gtin_shaped(code):
        from stdnum import ean

        if not ean.is_valid(code):
            raise InvalidBarcode(f"{code} fails the check digit: scan it again")
    item = item_by_sku(session, org_id, code)
    if item is not None:
        return ScanResult(item=item, barcode=code)
    raise UnknownBarcode(f"unknown barcode {code}")


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(typed: str) -> str | None:
    """Turn what the cashier typed into an FTS5 query: every word, the last as a prefix."""
    words = _TOKEN.findall(typed.lower())
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(
    session: Session, org_id: uuid.UUID, typed: str, *, limit: int = 50
) -> list[CatalogItem]:
    """Items matching every typed word (name, SKU, barcode), active ones, best-known first.

    The FTS index answers first; only the hits are loaded. Matches are taken in index order
    (no ranking pass over every match) so the first keystrokes stay fast on a million
    items, then shown sorted by name.
    """
    typed = typed.strip()
    if typed.isdigit():
        return _by_barcode_prefix(session, org_id, typed, limit)
    query = fts_query(typed)
    if query is None:
        return []
    # The MATCH runs first, alone, with its LIMIT; only its hits are joined. (Written as one
    # join, SQLite may walk every key and probe the index per row: seconds on a big catalog.)
    ids = session.execute(
        text(
            "SELECT k.item_id FROM (SELECT rowid AS r FROM item_search "
            "WHERE item_search MATCH :q LIMIT :limit) AS m "
            "JOIN search_keys k ON k.id = m.r WHERE k.org_id = :org"
        ),
        {"q": query, "org": org_id.hex, "limit": limit * 2},
    ).scalars()
    item_ids = [uuid.UUID(str(i)) for i in ids]
    items = [i for i in get_items(session, org_id, item_ids) if i.is_active]
    return sorted(items, key=lambda i: (i.name.lower(), i.sku))[:limit]


__all__ = [
    "CatalogItem",
    "InvalidBarcode",
    "ScanResult",
    "UnknownBarcode",
    "fts_query",
    "get_items",
    "item_by_barcode",
    "scan",
    "search",
]


def _by_barcode_prefix(
    session: Session, org_id: uuid.UUID, digits: str, limit: int
) -> list[CatalogItem]:
    """Digits typed by hand: barcodes that start with them, straight off the barcode index
    (an FTS prefix over a million distinct barcodes would expand every one of them)."""
    upper = digits[:-1] + chr(ord(digits[-1]) + 1)
    ids = session.scalars(
        select(ItemBarcode.item_id)
        .where(
            ItemBarcode.org_id == org_id,
            ItemBarcode.barcode >= digits,
            ItemBarcode.barcode < upper,
        )
        .order_by(ItemBarcode.barcode)
        .limit(limit)
    ).all()
    return [i for i in get_items(session, org_id, list(ids)) if i.is_active]
