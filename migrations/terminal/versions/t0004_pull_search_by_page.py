"""Pull: the search index's triggers stand aside while a catalog page is written in bulk.

The page's writer sets ``sync_state['search_by_page']`` at the start of the page's
transaction, reindexes the page's items with a few set-based statements before it commits
and clears the flag in the same transaction: the flag is never seen committed, so the index
always agrees with the items, and every other writer keeps the triggers' row-by-row upkeep.

Revision ID: t0004_pull
Revises: t0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "t0004_pull"
down_revision: str | None = "t0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "(SELECT id FROM search_keys WHERE org_id = {r}.org_id AND item_id = {r}.{col})"
_UNLESS_BY_PAGE = "WHEN NOT EXISTS (SELECT 1 FROM sync_state WHERE key = 'search_by_page')"

# The bodies are t0002's; only the WHEN clause is new.
BODIES = {
    "items_search_ai": (
        "AFTER INSERT ON items",
        f"""INSERT INTO search_keys (org_id, item_id) VALUES (new.org_id, new.id);
          INSERT INTO item_search (rowid, name, sku, codes)
            VALUES ({_KEY.format(r="new", col="id")}, new.name, new.sku, '');""",
    ),
    "items_search_au": (
        "AFTER UPDATE OF name, sku ON items",
        f"""UPDATE item_search SET name = new.name, sku = new.sku
            WHERE rowid = {_KEY.format(r="new", col="id")};""",
    ),
    "items_search_ad": (
        "AFTER DELETE ON items",
        f"""DELETE FROM item_search WHERE rowid = {_KEY.format(r="old", col="id")};
          DELETE FROM search_keys WHERE org_id = old.org_id AND item_id = old.id;""",
    ),
    "barcodes_search_ai": (
        "AFTER INSERT ON item_barcodes",
        f"""UPDATE item_search SET codes = trim(codes || ' ' || new.barcode)
            WHERE rowid = {_KEY.format(r="new", col="item_id")};""",
    ),
    "barcodes_search_ad": (
        "AFTER DELETE ON item_barcodes",
        f"""UPDATE item_search SET codes = coalesce((
              SELECT group_concat(barcode, ' ') FROM item_barcodes
               WHERE org_id = old.org_id AND item_id = old.item_id), '')
            WHERE rowid = {_KEY.format(r="old", col="item_id")};""",
    ),
}


def _create(when: str) -> None:
    for name, (event, body) in BODIES.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {event} {when} BEGIN\n          {body}\n        END")


def upgrade() -> None:
    _create(_UNLESS_BY_PAGE)


def downgrade() -> None:
    _create("")
