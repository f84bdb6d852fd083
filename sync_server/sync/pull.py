"""Pull: the catalog flowing down. Deltas since a cursor from the change log, whole
versions at a time; snapshots by entity in key order for a first start or a cursor too old.

Every row is sent as the terminal's mirror stores it; a delete is a tombstone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, select, text, tuple_
from sqlalchemy.orm import Session

from arcoiris_shared.db.inv import Location, StockLevel
from arcoiris_shared.db.pos import Customer, TaxRate
from arcoiris_shared.sync_protocol import (
    CATALOG_SCHEMA,
    ENTITIES,
    Change,
    PullResponse,
    SnapshotPage,
    StockPage,
)
from sync_server.changelog import service as changelog
from sync_server.changelog.models import CatalogChange
from sync_server.errors import BadRequest
from sync_server.org import synced
from sync_server.org.models import Organization, OrgSetting, User, UserOrgRole
from sync_server.sync.models import TerminalDevice


def _s(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | list | dict):
        return value
    return str(value)


def _page(stmt: Any, key: Any, keys: Sequence[str] | None, after: str | None, limit: int) -> Any:
    """Narrow a catalog query to some keys (a delta) or to the page after a key (a snapshot),
    in key order."""
    if keys is not None:
        stmt = stmt.where(key.in_([uuid.UUID(k) for k in keys]))
    if after is not None:
        stmt = stmt.where(key > uuid.UUID(after))
    return stmt.order_by(key).limit(limit)


# One statement per page: each item with its barcodes and tax rates as arrays, every value
# already in the text form the till reads (ids and money as PostgreSQL prints them, which is
# what str() of the loaded value gives). Arrays in byte order, as Python's sorted() orders.
# One text per way of narrowing (WHERE below), never "(:after IS NULL OR id > :after)":
# psycopg prepares a statement it runs often, and PostgreSQL's generic plan for such an OR
# cannot seek the index, so it walked every item before the page: a 1,000,000-item
# snapshot's last pages took ~0.9 s each instead of ~50 ms.
_ITEMS_SELECT = """
SELECT i.id::text AS id, i.sku, i.name, i.category, i.unit, i.price::text AS price,
       i.cost::text AS cost, i.tracked, i.weighed, i.is_active,
       i.reorder_point::text AS reorder_point,
       ARRAY(SELECT b.barcode FROM inv.item_barcodes b
              WHERE b.org_id = i.org_id AND b.item_id = i.id
              ORDER BY b.barcode COLLATE "C") AS barcodes,
       ARRAY(SELECT t.tax_rate_id::text FROM inv.item_taxes t
              WHERE t.org_id = i.org_id AND t.item_id = i.id
              ORDER BY t.tax_rate_id::text COLLATE "C") AS tax_rate_ids
  FROM ITEMS
 WHERE i.org_id = :org WHERE
 ORDER BY i.id
 LIMIT :limit
"""
# (A delta's keys are joined, not tested with "= ANY(:keys)": a generic plan of that is a
# filter over every item of the org, as in sync.ingest's look-ups.)
_NARROWED = {
    "all": ("inv.items i", ""),
    "keys": ("unnest(CAST(:keys AS uuid[])) AS k(id) JOIN inv.items i ON i.id = k.id", ""),
    "after": ("inv.items i", "AND i.id > CAST(:after AS uuid)"),
}
_ITEMS_SQL = {
    way: text(_ITEMS_SELECT.replace("ITEMS", source).replace("WHERE\n", f"{where}\n"))
    for way, (source, where) in _NARROWED.items()
}
# A snapshot page as the JSON of its rows, made by PostgreSQL (the same rows, keys and text
# forms as above): the server only wraps it. Building a million dicts and serialising them
# again was most of HQ's share of a first pull. Ids compare as text in byte order, as
# UUIDs order.
_ITEMS_JSON = """
SELECT coalesce(string_agg(row_to_json(p)::text, ',' ORDER BY p.id COLLATE "C"), ''),
       count(*), max(p.id COLLATE "C")
  FROM (PAGE) AS p
"""
_ITEMS_JSON_SQL = {
    way: text(_ITEMS_JSON.replace("PAGE", str(stmt))) for way, stmt in _ITEMS_SQL.items()
}


def _items_query(keys: Sequence[str] | None, after: str | None) -> tuple[str, dict[str, Any]]:
    """Which statement narrows the items as asked, and its parameters (no limit yet)."""
    if keys is not None:
        return "keys", {"keys": [str(uuid.UUID(k)) for k in keys]}
    if after is not None:
        return "after", {"after": str(uuid.UUID(after))}
    return "all", {}


_ITEM_FIELDS = (
    "id",
    "sku",
    "name",
    "category",
    "unit",
    "price",
    "cost",
    "tracked",
    "weighed",
    "is_active",
    "reorder_point",
    "barcodes",
    "tax_rate_ids",
)


def _rows_items(
    db_session: Session,
    org_id: uuid.UUID,
    keys: Sequence[str] | None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    way, params = _items_query(keys, after)
    result = db_session.execute(_ITEMS_SQL[way], {"org": org_id, "limit": limit, **params})
    return [dict(zip(_ITEM_FIELDS, row, strict=True)) for row in result]


def _simple(model: Any, fields: Sequence[str]) -> Callable[..., list[dict[str, Any]]]:
    def rows(
        db_session: Session,
        org_id: uuid.UUID,
        keys: Sequence[str] | None,
        after: str | None,
        limit: int,
    ) -> list[dict[str, Any]]:
        stmt = _page(select(model).where(model.org_id == org_id), model.id, keys, after, limit)
        return [{f: _s(getattr(r, f)) for f in fields} for r in db_session.scalars(stmt)]

    return rows


def _rows_staff(
    db_session: Session,
    org_id: uuid.UUID,
    keys: Sequence[str] | None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    stmt = _page(
        select(UserOrgRole, User)
        .join(User, User.id == UserOrgRole.user_id)
        .where(UserOrgRole.org_id == org_id),
        UserOrgRole.user_id,
        keys,
        after,
        limit,
    )
    return [
        {
            "id": str(u.id),
            "full_name": u.full_name,
            "role": m.role,
            "pin_hash": m.pin_hash,
            "is_active": bool(m.is_active and u.is_active),
        }
        for m, u in db_session.execute(stmt)
    ]


def _rows_settings(
    db_session: Session,
    org_id: uuid.UUID,
    keys: Sequence[str] | None,
    after: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    org = db_session.get(Organization, org_id)
    assert org is not None
    values = synced.as_settings(org)
    values.update(
        {
            s.key: s.value
            for s in db_session.scalars(select(OrgSetting).where(OrgSetting.org_id == org_id))
        }
    )
    wanted = sorted(
        k for k in values if (keys is None or k in keys) and (after is None or k > after)
    )
    return [{"id": k, "value": values[k]} for k in wanted[:limit]]


LOADERS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "setting": _rows_settings,
    "tax_rate": _simple(TaxRate, ("id", "code", "name", "rate", "is_active")),
    "location": _simple(Location, ("id", "code", "name", "kind", "address", "is_active")),
    "staff": _rows_staff,
    "customer": _simple(Customer, ("id", "name", "email", "phone", "tax_id", "is_active")),
    "item": _rows_items,
}
assert tuple(LOADERS) == ENTITIES


def _take_a_snapshot(cursor: int, top: int) -> PullResponse:
    return PullResponse(
        changes=[],
        cursor=cursor,
        has_more=False,
        catalog_version=top,
        snapshot_required=True,
        catalog_schema=CATALOG_SCHEMA,
    )


def pull(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    cursor: int,
    limit: int,
    schema: int | None = None,
) -> PullResponse:
    state = changelog.current(db_session, org_id=org_id)
    top = state.version  # every version at or below this is committed
    # No cursor yet, one older than the log keeps, one from a future this server never
    # reached (a restored HQ database), or rows loaded when they had another shape (a till
    # that does not say is taken to have today's): only a snapshot is safe.
    reshaped = schema is not None and schema != CATALOG_SCHEMA
    if cursor <= 0 or cursor < state.floor or cursor > top or reshaped:
        return _take_a_snapshot(cursor, top)
    rows = db_session.execute(
        select(
            CatalogChange.version,
            CatalogChange.entity,
            CatalogChange.entity_key,
            CatalogChange.deleted,
        )
        .where(
            CatalogChange.org_id == org_id,
            CatalogChange.version > cursor,
            CatalogChange.version <= top,
        )
        .order_by(CatalogChange.version, CatalogChange.entity, CatalogChange.entity_key)
        .limit(limit + 1)
    ).all()
    has_more = len(rows) > limit
    if has_more:
        # A page ends on a whole version: the cursor must never stand inside one.
        cut = rows[limit - 1][0]
        rows = [r for r in rows if r[0] < cut] or db_session.execute(
            select(
                CatalogChange.version,
                CatalogChange.entity,
                CatalogChange.entity_key,
                CatalogChange.deleted,
            ).where(CatalogChange.org_id == org_id, CatalogChange.version == cut)
        ).all()
        new_cursor = rows[-1][0]
    else:
        new_cursor = top
    if cursor < changelog.floor_now(db_session, org_id=org_id):
        # The log was pruned past this cursor while the changes were read: some may be
        # missing from them, so only a snapshot is safe.
        return _take_a_snapshot(cursor, top)
    latest: dict[tuple[str, str], tuple[int, bool]] = {}
    for version, entity, key, deleted in rows:
        latest[(entity, key)] = (version, deleted)
    changes: list[Change] = []
    for entity in ENTITIES:
        keys = [k for (e, k), (_, deleted) in latest.items() if e == entity and not deleted]
        data = {
            str(r["id"]): r
            for r in (LOADERS[entity](db_session, org_id, keys, None, len(keys)) if keys else [])
        }
        for (e, k), (version, deleted) in sorted(latest.items(), key=lambda kv: kv[1][0]):
            if e != entity:
                continue
            row = data.get(k)
            changes.append(
                Change(entity=e, key=k, version=version, deleted=deleted or row is None, data=row)
            )
    return PullResponse(
        changes=changes,
        cursor=new_cursor,
        has_more=has_more,
        catalog_version=top,
        catalog_schema=CATALOG_SCHEMA,
    )


def _check_snapshot(entity: str, after: str | None) -> None:
    if entity not in LOADERS:
        raise BadRequest(f"Unknown entity {entity!r}", details={"entities": list(ENTITIES)})
    if after is not None and entity != "setting":
        try:
            uuid.UUID(after)
        except ValueError as exc:
            raise BadRequest("'after' must be the last key of the previous page") from exc


def snapshot(
    *, db_session: Session, org_id: uuid.UUID, entity: str, after: str | None, limit: int
) -> SnapshotPage:
    _check_snapshot(entity, after)
    version = changelog.current(db_session, org_id=org_id).version
    rows = LOADERS[entity](db_session, org_id, None, after, limit)
    # The rows are plain JSON values made here: no second validation pass over thousands.
    return SnapshotPage.model_construct(
        entity=entity,
        rows=rows,
        next_after=str(rows[-1]["id"]) if len(rows) == limit else None,
        catalog_version=version,
    )


def snapshot_json(
    *, db_session: Session, org_id: uuid.UUID, entity: str, after: str | None, limit: int
) -> bytes:
    """A snapshot page as the JSON of a ``SnapshotPage``; an item page's rows come as JSON
    from PostgreSQL (see ``_ITEMS_JSON_SQL``), the other entities' pages are small."""
    if entity != "item":
        page = snapshot(
            db_session=db_session, org_id=org_id, entity=entity, after=after, limit=limit
        )
        return page.model_dump_json().encode()
    _check_snapshot(entity, after)
    version = changelog.current(db_session, org_id=org_id).version
    way, params = _items_query(None, after)
    rows, count, last = db_session.execute(
        _ITEMS_JSON_SQL[way], {"org": org_id, "limit": limit, **params}
    ).one()
    next_after = last if count == limit else None
    return b"".join(
        (
            b'{"entity":"item","rows":[',
            rows.encode(),
            b'],"next_after":',
            orjson.dumps(next_after),
            b',"catalog_version":',
            str(version).encode(),
            b"}",
        )
    )


# Levels written this long before the newest one seen are read again on the next pull: a
# transaction that stamped its rows earlier may commit later than the one read first.
STOCK_OVERLAP = dt.timedelta(seconds=10)
# A till's first pull reads every level in key order (the primary key serves it; a whole
# store's levels by time would sort them all for every page), then continues by time from
# the newest stamp there was when the pass began: "full|<that stamp>|<last key>".
_FULL = "full|"


# A level as the till reads it, in PostgreSQL's text (what str() of the loaded UUID and
# Decimal gives): a page of thousands is neither loaded into objects nor validated again.
_LEVEL_TEXT = (
    cast(StockLevel.item_id, Text).label("item_id"),
    cast(StockLevel.quantity, Text).label("quantity"),
)


def _levels(rows: Sequence[Any], next_since: str, limit: int) -> StockPage:
    return StockPage.model_construct(
        levels=[{"item_id": r.item_id, "quantity": r.quantity} for r in rows],
        next_since=next_since,
        has_more=len(rows) == limit,
        includes_seq=None,
    )


def _stock_full_pass(
    db_session: Session, org_id: uuid.UUID, location_id: uuid.UUID, since: str | None, limit: int
) -> StockPage:
    here = (StockLevel.org_id == org_id) & (StockLevel.location_id == location_id)
    if since:
        try:
            stamp, _, key = since.removeprefix(_FULL).partition("|")
            newest = dt.datetime.fromisoformat(stamp) if stamp else None
            after: uuid.UUID | None = uuid.UUID(key)
        except ValueError as exc:
            raise BadRequest("'since' must be a cursor this server gave") from exc
    else:
        newest = db_session.scalar(select(func.max(StockLevel.updated_at)).where(here))
        after = None
    stmt = select(*_LEVEL_TEXT).where(here)
    if after is not None:
        stmt = stmt.where(StockLevel.item_id > after)
    rows = db_session.execute(stmt.order_by(StockLevel.item_id).limit(limit)).all()
    stamp = newest.isoformat() if newest else ""
    if len(rows) == limit:
        next_since = f"{_FULL}{stamp}|{rows[-1].item_id}"
    elif newest is None:
        next_since = ""
    else:
        next_since = f"{(newest - STOCK_OVERLAP).isoformat()}|{uuid.UUID(int=0)}"
    return _levels(rows, next_since, limit)


def levels_since(
    org_id: uuid.UUID, location_id: uuid.UUID, moment: dt.datetime, after: uuid.UUID, limit: int
) -> Any:
    """A store's levels changed after (moment, item), in that order. A row comparison, so
    the index on (org, store, updated_at, item) is sought whatever the plan (an OR of the
    two cases is a filter over every level of the org in a generic plan)."""
    return (
        select(*_LEVEL_TEXT, StockLevel.updated_at)
        .where(
            StockLevel.org_id == org_id,
            StockLevel.location_id == location_id,
            tuple_(StockLevel.updated_at, StockLevel.item_id) > tuple_(moment, after),
        )
        .order_by(StockLevel.updated_at, StockLevel.item_id)
        .limit(limit)
    )


def stock(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    since: str | None,
    limit: int,
    terminal_id: uuid.UUID | None = None,
) -> StockPage:
    """A page of levels, with the terminal's last acknowledged seq read first (in its own
    statement, so every op up to it committed before the levels are read)."""
    includes = (
        db_session.scalar(
            select(TerminalDevice.last_seq).where(
                TerminalDevice.org_id == org_id, TerminalDevice.terminal_id == terminal_id
            )
        )
        if terminal_id is not None
        else None
    )
    page = _stock_page(db_session, org_id, location_id, since, limit)
    page.includes_seq = includes
    return page


def _stock_page(
    db_session: Session,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    since: str | None,
    limit: int,
) -> StockPage:
    if not since or since.startswith(_FULL):
        return _stock_full_pass(db_session, org_id, location_id, since, limit)
    try:
        stamp, _, key = since.partition("|")
        moment = dt.datetime.fromisoformat(stamp)
        after = uuid.UUID(key)
    except ValueError as exc:
        raise BadRequest("'since' must be a cursor this server gave") from exc
    rows = db_session.execute(levels_since(org_id, location_id, moment, after, limit)).all()
    if len(rows) == limit:
        last = rows[-1]
        next_since = f"{last.updated_at.isoformat()}|{last.item_id}"
    else:
        newest = max((r.updated_at for r in rows), default=None)
        start = (newest - STOCK_OVERLAP) if newest else None
        if start is None and since:
            next_since = since
        elif start is None:
            next_since = ""
        else:
            next_since = f"{start.isoformat()}|{uuid.UUID(int=0)}"
    return _levels(rows, next_since, limit)
