"""Pulled catalog rows into the till's mirrors: batch upserts inside the caller's
transaction (one page, one transaction, with its cursor). Nothing a past sale points at is
ever deleted: a tombstone retires it (``is_active = false``).

Items, the bulk of any catalog, go in through the SQLite connection itself: a few
``executemany`` statements a page, the search index's row-by-row triggers standing aside
(``search_by_page``, migration t0004_pull) while the page's items are reindexed in three
set-based statements, all in the page's one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, event, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from arcoiris_desktop.config import put_settings
from arcoiris_desktop.db.local import (
    AckedMovement,
    Setting,
    SnapshotSeen,
    StaffMember,
    SyncState,
)
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, ItemTax, Location, StockLevel
from arcoiris_shared.db.pos import Customer, TaxRate

# Entities retired by flag, not deleted: past sales point at them.
_RETIRABLE: dict[str, Any] = {
    "item": Item,
    "tax_rate": TaxRate,
    "location": Location,
    "customer": Customer,
}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# -- items in bulk ---------------------------------------------------------------------------

SEARCH_BY_PAGE = "search_by_page"  # see migration t0004_pull

# Plain SQL on the till's own tables (no schemas on SQLite); ``json_each(?)`` carries a
# page's keys in one parameter.
_UPSERT_ITEMS = (
    "INSERT INTO items (org_id, id, sku, name, category, unit, price, cost, tracked, weighed, "
    "is_active, reorder_point, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (org_id, id) DO UPDATE SET sku = excluded.sku, name = excluded.name, "
    "category = excluded.category, unit = excluded.unit, price = excluded.price, "
    "cost = excluded.cost, tracked = excluded.tracked, weighed = excluded.weighed, "
    "is_active = excluded.is_active, reorder_point = excluded.reorder_point, "
    "updated_at = excluded.updated_at"
)
# Each of the page's barcodes looked up by its key (CROSS JOIN keeps SQLite to that order).
_CODE_OWNERS_OUTSIDE = (
    "SELECT DISTINCT b.item_id FROM json_each(?) AS c CROSS JOIN item_barcodes b "
    "ON b.org_id = ? AND b.barcode = c.value "
    "WHERE b.item_id NOT IN (SELECT value FROM json_each(?))"
)
_DELETE_CODES_OF = (
    "DELETE FROM item_barcodes WHERE org_id = ? AND item_id IN (SELECT value FROM json_each(?))"
)
_DELETE_CODES = (
    "DELETE FROM item_barcodes WHERE org_id = ? AND barcode IN (SELECT value FROM json_each(?))"
)
_INSERT_CODES = "INSERT INTO item_barcodes (org_id, barcode, item_id) VALUES (?, ?, ?)"
_DELETE_TAXES_OF = (
    "DELETE FROM item_taxes WHERE org_id = ? AND item_id IN (SELECT value FROM json_each(?))"
)
_INSERT_TAXES = "INSERT INTO item_taxes (org_id, item_id, tax_rate_id) VALUES (?, ?, ?)"
_NEW_KEYS = "INSERT OR IGNORE INTO search_keys (org_id, item_id) SELECT ?, value FROM json_each(?)"
_UNINDEX = (
    "DELETE FROM item_search WHERE rowid IN (SELECT id FROM search_keys "
    "WHERE org_id = ? AND item_id IN (SELECT value FROM json_each(?)))"
)
_INDEX = (
    "INSERT INTO item_search (rowid, name, sku, codes) "
    "SELECT k.id, i.name, i.sku, coalesce((SELECT group_concat(b.barcode, ' ') "
    "FROM item_barcodes b WHERE b.org_id = i.org_id AND b.item_id = i.id), '') "
    "FROM search_keys k JOIN items i ON i.org_id = k.org_id AND i.id = k.item_id "
    "WHERE k.org_id = ? AND k.item_id IN (SELECT value FROM json_each(?))"
)
_TRIGGERS_ASIDE = "INSERT OR REPLACE INTO sync_state (key, value, updated_at) VALUES (?, '1', ?)"
_TRIGGERS_BACK = "DELETE FROM sync_state WHERE key = ?"
_RETIRE_RANGE = (
    "UPDATE items SET is_active = 0 WHERE org_id = ? AND id > ? AND id <= ? AND is_active "
    "AND id NOT IN (SELECT value FROM json_each(?))"
)
# Below and above every stored id (32 lowercase hex digits).
_FIRST, _LAST = "", "~"


def _sqlite(session: Session) -> sqlite3.Connection:
    """The session's own SQLite connection, inside the transaction the session has begun."""
    conn = session.connection().connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


# While a page of items is written: a page cache big enough for the indexes it touches at
# random (SKU, name, barcode), and the WAL folded into the database less often (a page
# rewrites many of the same index pages the last one did). Durability is untouched
# (synchronous stays FULL); both go back to the connection's own once the page ends.
BULK_CACHE_KIB = 256 * 1024
BULK_WAL_PAGES = 20_000


def _bulk_settings(session: Session, conn: sqlite3.Connection) -> None:
    if session.info.get("bulk_settings"):
        return
    cache = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    wal = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_WAL_PAGES}")
    session.info["bulk_settings"] = True

    def restore(*_: Any) -> None:
        conn.execute(f"PRAGMA cache_size = {cache}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {wal}")
        session.info.pop("bulk_settings", None)

    # After the commit (which may fold the WAL in at the raised threshold) or the rollback.
    event.listen(session, "after_commit", restore, once=True)
    event.listen(session, "after_rollback", restore, once=True)


def _binder(session: Session, column: Any) -> Any:
    """How SQLAlchemy stores a value of this column: the one definition of the format."""
    process = column.type.bind_processor(session.get_bind().dialect)
    return process or (lambda value: value)


def _decimal_binder(session: Session, column: Any) -> Callable[[Any], Any]:
    """Stored form of an exact decimal HQ sent as text, remembered by that text: a catalog's
    prices and a store's quantities repeat (2.49, 24.000), so most are converted once."""
    bind = _binder(session, column)
    seen: dict[Any, Any] = {}

    def stored(value: Any) -> Any:
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            if not isinstance(value, str):  # a JSON number is a float on the way: refused
                raise TypeError(f"an exact decimal must travel as text, not {value!r}") from None
            seen[value] = result = bind(_dec(value))
            return result

    return stored


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _id_binder(session: Session, column: Any) -> Callable[[str], Any]:
    """Stored form of a UUID sent as text. HQ sends them canonical (lowercase, hyphenated);
    when the column stores 32 hex digits, that is the text without its hyphens, with no
    UUID object made on the way (a million of them is seconds). Anything else is parsed."""
    uid = _binder(session, column)
    probe = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
    if uid(probe) != probe.hex:
        return lambda text: uid(uuid.UUID(text))

    def stored(text: str) -> Any:
        if _CANONICAL_UUID.fullmatch(text):
            return text.replace("-", "")
        return uuid.UUID(text).hex

    return stored


# Lowercase hex digits, one id a line.
_HEX_LINES = re.compile(r"[0-9a-f\n]*")


def _stored_ids(session: Session, column: Any, texts: list[str]) -> list[Any]:
    """``_id_binder`` over a page of ids at once. When every id is 32 lowercase hex digits
    once its hyphens are gone (as HQ sends them; where the hyphens stand does not change the
    UUID), that is the stored form: a page in a few C calls, not a few calls a row."""
    probe = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
    if texts and _binder(session, column)(probe) == probe.hex:
        try:
            page = "\n".join(texts).replace("-", "")
        except TypeError:  # not all text: each id on its own below says what is wrong
            page = ""
        ids = page.split("\n")
        if len(ids) == len(texts) and set(map(len, ids)) == {32} and _HEX_LINES.fullmatch(page):
            return ids
    stored = _id_binder(session, column)
    return [stored(t) for t in texts]


def _apply_items(session: Session, *, org_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert items with their barcodes and taxes, and reindex them for search."""
    if not rows:
        return
    conn = _sqlite(session)
    _bulk_settings(session, conn)
    uid = _binder(session, Item.__table__.c.id)
    money = _decimal_binder(session, Item.__table__.c.price)
    quantity = _decimal_binder(session, Item.__table__.c.reorder_point)
    org, now = uid(org_id), _binder(session, Item.__table__.c.updated_at)(utcnow())
    conn.execute(_TRIGGERS_ASIDE, (SEARCH_BY_PAGE, now))
    ids = _stored_ids(session, Item.__table__.c.id, [r["id"] for r in rows])
    conn.executemany(
        _UPSERT_ITEMS,
        [
            (
                org,
                i,
                r["sku"],
                r["name"],
                r.get("category"),
                r["unit"],
                money(r["price"]),
                money(r.get("cost")),
                bool(r["tracked"]),
                bool(r["weighed"]),
                bool(r["is_active"]),
                quantity(r.get("reorder_point")),
                now,
                now,
            )
            for i, r in zip(ids, rows, strict=True)
        ],
    )
    page = json.dumps(ids)
    codes = [(org, c, i) for i, r in zip(ids, rows, strict=True) for c in r.get("barcodes", [])]
    code_list = json.dumps([c for _, c, _ in codes])
    # A barcode may have moved here from an item outside the page: that one is reindexed too.
    moved_from = [i for (i,) in conn.execute(_CODE_OWNERS_OUTSIDE, (code_list, org, page))]
    conn.execute(_DELETE_CODES_OF, (org, page))
    conn.execute(_DELETE_CODES, (org, code_list))
    conn.executemany(_INSERT_CODES, codes)
    conn.execute(_DELETE_TAXES_OF, (org, page))
    # The few rates the till knows, by their text (rates it does not know are skipped).
    known = {
        str(t): uid(t) for t in session.scalars(select(TaxRate.id).where(TaxRate.org_id == org_id))
    }
    taxes = [
        (org, i, stored)
        for i, r in zip(ids, rows, strict=True)
        for t in r.get("tax_rate_ids", [])
        if (stored := known.get(t) or known.get(str(uuid.UUID(t)))) is not None
    ]
    conn.executemany(_INSERT_TAXES, taxes)
    reindex = json.dumps(ids + moved_from)
    conn.execute(_NEW_KEYS, (org, reindex))
    conn.execute(_UNINDEX, (org, reindex))
    conn.execute(_INDEX, (org, reindex))
    conn.execute(_TRIGGERS_BACK, (SEARCH_BY_PAGE,))


def retire_items_between(
    session: Session,
    *,
    org_id: uuid.UUID,
    after: str | None,
    upto: str | None,
    delivered: Sequence[dict[str, Any]],
) -> None:
    """A snapshot page covers every key after ``after`` up to ``upto`` (the last page: to
    the end): what it did not deliver in that range no longer exists at HQ. HQ pages in
    UUID order, which is the order of the ids as the till stores them (hex text)."""
    uid = _binder(session, Item.__table__.c.id)
    low = _FIRST if after is None else uid(uuid.UUID(after))
    high = _LAST if upto is None else uid(uuid.UUID(upto))
    delivered_ids = json.dumps(
        _stored_ids(session, Item.__table__.c.id, [r["id"] for r in delivered])
    )
    _sqlite(session).execute(_RETIRE_RANGE, (uid(org_id), low, high, delivered_ids))


# -- a first snapshot into an empty catalog ------------------------------------------------
#
# A till with no items at all (nothing to sell, nothing to search) takes a snapshot's items
# into staging tables with no index, each page appended there in its own transaction with
# its cursor, as every page is; the page is added to the search index too (keys in id order,
# FTS5 segments appended, none merged yet). With the last page, in that page's one
# transaction, the staged items join the catalog set-based (its indexes grown once instead
# of rewritten at random a page at a time), the search index is merged and the staging
# tables go. So the catalog goes from empty to whole in one commit: a lookup sees no items or
# all of them (what the index holds meanwhile resolves to no item), every index is always
# there, and once the flag (``sync_state['catalog_bulk_load']``) is gone the search index
# agrees with the items. The flag and the staged rows commit with the page that made them;
# a till killed at any point resumes the snapshot where its cursor stands and finishes the
# load. A till that already has items takes the per-page path.

BULK_LOAD = "catalog_bulk_load"
STAGING_TABLES = ("pull_staged_items", "pull_staged_codes")

# Values already in their stored form; no index, no constraint: a page only appends.
# ``codes`` (the item's barcodes, space-separated, for the search index) came later: a load
# staged before it gets the column added, and its rows were indexed as they were staged.
_CREATE_STAGED = (
    "CREATE TABLE IF NOT EXISTS pull_staged_items (id TEXT NOT NULL, sku TEXT NOT NULL, "
    "name TEXT NOT NULL, category TEXT, unit TEXT NOT NULL, price, cost, tracked, weighed, "
    "is_active, taxes TEXT NOT NULL, codes TEXT, reorder_point)",
    "CREATE TABLE IF NOT EXISTS pull_staged_codes (item_id TEXT NOT NULL, barcode TEXT NOT NULL)",
)
# A page's rows bound as values: no JSON made here for SQLite to parse again (its JSON
# functions reparse a row's text for every field taken out of it). The thread fetching the
# next page meanwhile only reads the socket and parses with orjson, so the interpreter lock
# each row's step hands over comes straight back.
_STAGE = "INSERT INTO pull_staged_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_STAGE_CODES = "INSERT INTO pull_staged_codes VALUES (?, ?)"
_STAGED_TOP = "SELECT coalesce(max(rowid), 0) FROM pull_staged_items"
_MERGE_ITEMS = (
    "INSERT INTO items (org_id, id, sku, name, category, unit, price, cost, tracked, weighed, "
    "is_active, reorder_point, created_at, updated_at) SELECT ?, id, sku, name, category, "
    "unit, price, cost, tracked, weighed, is_active, reorder_point, ?, ? FROM pull_staged_items "
    "WHERE true ORDER BY rowid "
    "ON CONFLICT (org_id, id) DO UPDATE SET sku = excluded.sku, name = excluded.name, "
    "category = excluded.category, unit = excluded.unit, price = excluded.price, "
    "cost = excluded.cost, tracked = excluded.tracked, weighed = excluded.weighed, "
    "is_active = excluded.is_active, reorder_point = excluded.reorder_point, "
    "updated_at = excluded.updated_at"
)
# A barcode sent twice (it moved between items while the pages were fetched): the later
# page's owner keeps it, as on the per-page path.
_MERGE_CODES = (
    "INSERT OR REPLACE INTO item_barcodes (org_id, barcode, item_id) "
    "SELECT ?, barcode, item_id FROM pull_staged_codes ORDER BY rowid"
)
# Rates the till does not know are skipped, as on the per-page path.
_MERGE_TAXES = (
    "INSERT OR IGNORE INTO item_taxes (org_id, item_id, tax_rate_id) SELECT ?, s.id, t.value "
    "FROM pull_staged_items AS s, json_each(s.taxes) AS t "
    "WHERE EXISTS (SELECT 1 FROM tax_rates r WHERE r.org_id = ? AND r.id = t.value)"
)
# The page's items (staged after rowid ``?``) get their search keys, in id order, and go
# into the search index.
_PAGE_KEYS = (
    "INSERT INTO search_keys (org_id, item_id) SELECT ?, id FROM pull_staged_items "
    "WHERE rowid > ? ORDER BY rowid"
)
_INDEX_PAGE = (
    "INSERT INTO item_search (rowid, name, sku, codes) "
    "SELECT k.id, s.name, s.sku, s.codes FROM pull_staged_items s "
    "CROSS JOIN search_keys k ON k.org_id = ? AND k.item_id = s.id WHERE s.rowid > ?"
)
# Barcodes staged more than once (moved between items while the pages were fetched): whose
# they were, to be reindexed with the codes they ended with.
_CODES_MOVED = (
    "SELECT DISTINCT item_id FROM pull_staged_codes WHERE barcode IN "
    "(SELECT barcode FROM pull_staged_codes GROUP BY barcode HAVING count(*) > 1)"
)
# Secondary indexes built once after the rows are in (sorted, not grown at random); made
# again from their own stored definitions, in the same transaction.
_REBUILT_INDEXES = ("ix_items_org_id_name", "ix_item_barcodes_org_id_item_id")


def bulk_load_pending(session: Session) -> bool:
    """Whether a first snapshot's items are staged, waiting for its last page."""
    return session.get(SyncState, BULK_LOAD) is not None


def _bulk_load(session: Session, *, starting: bool) -> bool:
    """Whether this item page goes to the staging tables. At the snapshot's first item page,
    a till with no items at all starts a bulk load (same transaction as the page)."""
    conn = _sqlite(session)
    pending = conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (BULK_LOAD,)).fetchone()
    if not starting:
        if pending is not None:  # staged by an earlier version of the till: its columns
            have = {name for _, name, *_ in conn.execute("PRAGMA table_info(pull_staged_items)")}
            for column, decl in (("codes", "codes TEXT"), ("reorder_point", "reorder_point")):
                if column not in have:  # in order: the staged rows are bound by position
                    conn.execute(f"ALTER TABLE pull_staged_items ADD COLUMN {decl}")
        return pending is not None
    if conn.execute("SELECT 1 FROM items LIMIT 1").fetchone() is not None:
        if pending is not None:  # cannot be (the flag clears as the items arrive)
            _drop_staging(conn)
        return False
    for sql in _CREATE_STAGED:
        conn.execute(sql)
    for table in STAGING_TABLES:  # a load begun again from its first page
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
    # No items: whatever the search index holds is a load begun before (usually nothing).
    conn.execute("DELETE FROM item_search")
    conn.execute("DELETE FROM search_keys")
    _hold_fts_merges(conn)
    now = _binder(session, SyncState.__table__.c.updated_at)(utcnow())
    conn.execute(_TRIGGERS_ASIDE, (BULK_LOAD, now))
    return True


# While a load is pending, FTS5 merges none of the segments the pages append (each page's
# commit writes only its own); the last page merges them once (a compact index answers the
# first keystrokes fastest) and puts FTS5's defaults back.
_FTS_HELD = {"automerge": 0, "crisismerge": 2000}
_FTS_DEFAULTS = {"automerge": 4, "crisismerge": 16}
_FTS_SET = "INSERT INTO item_search (item_search, rank) VALUES (?, ?)"


def _hold_fts_merges(conn: sqlite3.Connection) -> None:
    for key, value in _FTS_HELD.items():
        conn.execute(_FTS_SET, (key, value))


def _merge_fts(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO item_search (item_search) VALUES ('optimize')")
    for key, value in _FTS_DEFAULTS.items():
        conn.execute(_FTS_SET, (key, value))


def fold_wal_later(session: Session) -> None:
    """This transaction's commit leaves its log unfolded (no checkpoint on this
    connection); the caller folds it in elsewhere (``Database.fold_wal_in_background``).
    The connection's own setting comes back after the commit."""
    conn = _sqlite(session)
    _bulk_settings(session, conn)
    conn.execute("PRAGMA wal_autocheckpoint = 0")


def _drop_staging(conn: sqlite3.Connection) -> None:
    for table in STAGING_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(_TRIGGERS_BACK, (BULK_LOAD,))


def _stage_items(session: Session, org_id: uuid.UUID, rows: Sequence[dict[str, Any]]) -> None:
    """A page into the staging tables, and into the search index already (it only appends
    there: keys in id order, FTS5 segments), so the last page has less to do. Until the
    items join the catalog, what the index finds resolves to no item."""
    if not rows:
        return
    conn = _sqlite(session)
    _bulk_settings(session, conn)
    org = _binder(session, Item.__table__.c.org_id)(org_id)
    money = _decimal_binder(session, Item.__table__.c.price)
    quantity = _decimal_binder(session, Item.__table__.c.reorder_point)
    tax_id = _id_binder(session, ItemTax.__table__.c.tax_rate_id)
    tax_lists: dict[tuple[str, ...], str] = {}  # most items share their rates

    def taxes(ids: Sequence[str]) -> str:
        key = tuple(ids)
        try:
            return tax_lists[key]
        except KeyError:
            tax_lists[key] = text = json.dumps([tax_id(t) for t in key])
            return text

    ids = _stored_ids(session, Item.__table__.c.id, [r["id"] for r in rows])
    top = conn.execute(_STAGED_TOP).fetchone()[0]
    conn.executemany(
        _STAGE,
        [
            (
                i,
                r["sku"],
                r["name"],
                r.get("category"),
                r["unit"],
                money(r["price"]),
                money(r.get("cost")),
                int(bool(r["tracked"])),
                int(bool(r["weighed"])),
                int(bool(r["is_active"])),
                taxes(r.get("tax_rate_ids", ())),
                " ".join(r.get("barcodes", ())),
                quantity(r.get("reorder_point")),
            )
            for i, r in zip(ids, rows, strict=True)
        ],
    )
    conn.executemany(
        _STAGE_CODES,
        [(i, c) for i, r in zip(ids, rows, strict=True) for c in r.get("barcodes", ())],
    )
    conn.execute(_PAGE_KEYS, (org, top))
    conn.execute(_INDEX_PAGE, (org, top))


def _finish_bulk_load(session: Session, *, org_id: uuid.UUID) -> None:
    """The staged items into the catalog and its indexes, set-based, in the transaction of
    the snapshot's last item page. The engine writes that page without SQLite's per-row
    reference checks: every staged barcode names an item staged with it, and taxes are
    joined only to rates the till has (a million lookups of rows just written, seconds)."""
    conn = _sqlite(session)
    _bulk_settings(session, conn)
    org = _binder(session, Item.__table__.c.org_id)(org_id)
    now = _binder(session, Item.__table__.c.updated_at)(utcnow())
    conn.execute(_TRIGGERS_ASIDE, (SEARCH_BY_PAGE, now))
    indexes = [
        (name, sql)
        for name in _REBUILT_INDEXES
        for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        )
    ]
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    conn.execute(_MERGE_ITEMS, (org, now, now))
    conn.execute(_MERGE_CODES, (org,))
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute(_MERGE_TAXES, (org, org))
    (staged,) = conn.execute("SELECT count(*) FROM pull_staged_codes").fetchone()
    (kept,) = conn.execute("SELECT count(*) FROM item_barcodes").fetchone()
    if kept != staged:  # some barcode moved between pages: its items indexed anew
        moved = json.dumps([i for (i,) in conn.execute(_CODES_MOVED)])
        conn.execute(_UNINDEX, (org, moved))
        conn.execute(_INDEX, (org, moved))
    _merge_fts(conn)
    _drop_staging(conn)
    conn.execute(_TRIGGERS_BACK, (SEARCH_BY_PAGE,))


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]], keys: Sequence[str]) -> None:
    if not rows:
        return
    stmt = sqlite_insert(model)
    columns = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
    )
    session.execute(stmt, rows)


def apply_rows(
    session: Session,
    *,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    entity: str,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Upsert rows of one entity as the server sent them."""
    if not rows:
        return
    now = utcnow()
    if entity == "item":
        _apply_items(session, org_id=org_id, rows=rows)
    elif entity == "tax_rate":
        _upsert(
            session,
            TaxRate,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "code": r["code"],
                    "name": r["name"],
                    "rate": _dec(r["rate"]),
                    "is_active": r["is_active"],
                    "created_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
    elif entity == "location":
        _upsert(
            session,
            Location,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "code": r["code"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "address": r.get("address"),
                    "is_active": r["is_active"],
                    "created_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
        mine = next((r for r in rows if uuid.UUID(r["id"]) == location_id), None)
        if mine is not None:
            put_settings(
                session, {"store_name": mine["name"], "store_address": mine.get("address")}
            )
    elif entity == "customer":
        _upsert(
            session,
            Customer,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "name": r["name"],
                    "email": r.get("email"),
                    "phone": r.get("phone"),
                    "tax_id": r.get("tax_id"),
                    "is_active": r["is_active"],
                    "created_at": now,
                    "updated_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
    elif entity == "staff":
        _upsert(
            session,
            StaffMember,
            [
                {
                    "user_id": uuid.UUID(r["id"]),
                    "full_name": r["full_name"],
                    "role": r["role"],
                    "pin_hash": r.get("pin_hash"),
                    "is_active": r["is_active"],
                }
                for r in rows
            ],
            ("user_id",),
        )
    elif entity == "setting":
        put_settings(session, {r["id"]: r["value"] for r in rows})
    else:
        raise ValueError(f"unknown entity {entity!r}")


def retire(session: Session, *, org_id: uuid.UUID, entity: str, keys: Iterable[str]) -> None:
    """Tombstones: stop selling or using these; past sales keep pointing at them."""
    keys = list(keys)
    if not keys:
        return
    if entity == "setting":
        session.execute(delete(Setting).where(Setting.key.in_(keys)))
        return
    if entity == "staff":
        session.execute(
            update(StaffMember)
            .where(StaffMember.user_id.in_([uuid.UUID(k) for k in keys]))
            .values(is_active=False)
        )
        return
    model = _RETIRABLE[entity]
    session.execute(
        update(model)
        .where(model.org_id == org_id, model.id.in_([uuid.UUID(k) for k in keys]))
        .values(is_active=False)
    )


def apply_snapshot_page(
    session: Session,
    *,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    entity: str,
    rows: Sequence[dict[str, Any]],
    after: str | None,
    next_after: str | None,
) -> None:
    """One snapshot page, the rows after ``after``; ``next_after`` None: the entity's last.

    Items (a catalog's bulk) are retired by key range page by page; the other entities
    remember what they were sent and retire the rest once their last page is in. Into an
    empty catalog, items are staged page by page and join the catalog at once with the
    last page (see ``bulk_load_pending``)."""
    if entity == "item" and _bulk_load(session, starting=after is None):
        _stage_items(session, org_id, rows)
        if next_after is None:
            _finish_bulk_load(session, org_id=org_id)
        return
    apply_rows(session, org_id=org_id, location_id=location_id, entity=entity, rows=rows)
    if entity == "item":
        retire_items_between(session, org_id=org_id, after=after, upto=next_after, delivered=rows)
        return
    mark_seen(session, entity, [str(r["id"]) for r in rows])
    if next_after is None:
        retire_unseen(session, org_id=org_id, entity=entity)


def mark_seen(session: Session, entity: str, keys: Iterable[str]) -> None:
    rows = [{"entity": entity, "entity_key": k} for k in keys]
    if rows:
        session.execute(sqlite_insert(SnapshotSeen).on_conflict_do_nothing(), rows)


def retire_unseen(session: Session, *, org_id: uuid.UUID, entity: str) -> None:
    """After a whole snapshot: what it did not deliver no longer exists at HQ."""
    seen = select(SnapshotSeen.entity_key).where(SnapshotSeen.entity == entity)
    if entity == "setting":
        return  # settings keep their local defaults; the snapshot sent every stored one
    if entity == "staff":
        current = session.scalars(select(StaffMember.user_id)).all()
        seen_keys = set(session.scalars(seen))
        gone = [str(u) for u in current if str(u) not in seen_keys]
        retire(session, org_id=org_id, entity=entity, keys=gone)
        return
    model = _RETIRABLE[entity]
    current_ids = session.scalars(select(model.id).where(model.org_id == org_id)).all()
    seen_keys = set(session.scalars(seen))
    gone = [str(i) for i in current_ids if str(i) not in seen_keys]
    for start in range(0, len(gone), 500):
        retire(session, org_id=org_id, entity=entity, keys=gone[start : start + 500])


def clear_seen(session: Session) -> None:
    session.execute(delete(SnapshotSeen))


# Levels of items (or at a store) the till does not know are skipped: what the foreign keys
# would check, looked up once (the engine writes stock pages without SQLite's own checks).
_UPSERT_STOCK = (
    "INSERT INTO stock_levels (org_id, item_id, location_id, quantity, updated_at) "
    "SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM items WHERE org_id = ?1 AND id = ?2) "
    "AND EXISTS (SELECT 1 FROM locations WHERE org_id = ?1 AND id = ?3) "
    "ON CONFLICT (org_id, item_id, location_id) DO UPDATE SET quantity = excluded.quantity, "
    "updated_at = excluded.updated_at"
)


_ANY_COUNTED = "SELECT 1 FROM acked_movements WHERE seq <= ? LIMIT 1"
_FORGET_COUNTED = (
    "DELETE FROM acked_movements WHERE seq <= ? AND location_id = ? "
    "AND item_id IN (SELECT value FROM json_each(?))"
)


def forget_counted_movements(
    session: Session,
    *,
    location_id: uuid.UUID,
    includes_seq: int,
    levels: Sequence[dict[str, str]],
) -> None:
    """The acknowledged movements these levels already count (their op's seq is at most
    ``includes_seq``, which HQ read before the levels) stop being added by the till, item by
    item as each page of levels arrives: a pass broken off and resumed after more of the
    till's ops were acknowledged then never counts one twice."""
    conn = _sqlite(session)
    if not levels or conn.execute(_ANY_COUNTED, (includes_seq,)).fetchone() is None:
        return  # (a first load: nothing acknowledged yet, nothing to look up)
    column = AckedMovement.__table__.c.item_id
    ids = _stored_ids(session, column, [x["item_id"] for x in levels])
    here = _binder(session, AckedMovement.__table__.c.location_id)(location_id)
    conn.execute(_FORGET_COUNTED, (includes_seq, here, json.dumps(ids)))


def apply_stock(
    session: Session,
    *,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    levels: Sequence[dict[str, str]],
) -> None:
    """HQ's levels replace the local ones (items the till does not know are skipped)."""
    if not levels:
        return
    uid = _binder(session, StockLevel.__table__.c.item_id)
    qty = _decimal_binder(session, StockLevel.__table__.c.quantity)
    org, here = uid(org_id), uid(location_id)
    now = _binder(session, StockLevel.__table__.c.updated_at)(utcnow())
    _sqlite(session).executemany(
        _UPSERT_STOCK,
        [
            (org, i, here, qty(x["quantity"]), now)
            for i, x in zip(
                _stored_ids(
                    session, StockLevel.__table__.c.item_id, [x["item_id"] for x in levels]
                ),
                levels,
                strict=True,
            )
        ],
    )
