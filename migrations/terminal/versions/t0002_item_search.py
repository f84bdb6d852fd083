"""Search as you type: an FTS5 index over item names, SKUs and barcodes, kept by triggers.

Items already on the terminal are indexed as part of the upgrade.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t0002"
down_revision: str | None = "t0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "(SELECT id FROM search_keys WHERE org_id = {r}.org_id AND item_id = {r}.{col})"

TRIGGERS = {
    "items_search_ai": f"""
        CREATE TRIGGER items_search_ai AFTER INSERT ON items BEGIN
          INSERT INTO search_keys (org_id, item_id) VALUES (new.org_id, new.id);
          INSERT INTO item_search (rowid, name, sku, codes)
            VALUES ({_KEY.format(r="new", col="id")}, new.name, new.sku, '');
        END""",
    "items_search_au": f"""
        CREATE TRIGGER items_search_au AFTER UPDATE OF name, sku ON items BEGIN
          UPDATE item_search SET name = new.name, sku = new.sku
            WHERE rowid = {_KEY.format(r="new", col="id")};
        END""",
    "items_search_ad": f"""
        CREATE TRIGGER items_search_ad AFTER DELETE ON items BEGIN
          DELETE FROM item_search WHERE rowid = {_KEY.format(r="old", col="id")};
          DELETE FROM search_keys WHERE org_id = old.org_id AND item_id = old.id;
        END""",
    "barcodes_search_ai": f"""
        CREATE TRIGGER barcodes_search_ai AFTER INSERT ON item_barcodes BEGIN
          UPDATE item_search SET codes = trim(codes || ' ' || new.barcode)
            WHERE rowid = {_KEY.format(r="new", col="item_id")};
        END""",
    "barcodes_search_ad": f"""
        CREATE TRIGGER barcodes_search_ad AFTER DELETE ON item_barcodes BEGIN
          UPDATE item_search SET codes = coalesce((
              SELECT group_concat(barcode, ' ') FROM item_barcodes
               WHERE org_id = old.org_id AND item_id = old.item_id), '')
            WHERE rowid = {_KEY.format(r="old", col="item_id")};
        END""",
}


def upgrade() -> None:
    op.create_table(
        "search_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_keys")),
        sa.UniqueConstraint("org_id", "item_id", name=op.f("uq_search_keys_org_id_item_id")),
    )
    # Accents fold away ("cafe" finds "Café"); 1-3 character prefixes are indexed so the
    # first keystrokes of a search stay fast on a large catalog.
    op.execute(
        "CREATE VIRTUAL TABLE item_search USING fts5("
        "name, sku, codes, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
    )
    op.execute("INSERT INTO search_keys (org_id, item_id) SELECT org_id, id FROM items")
    op.execute(
        "INSERT INTO item_search (rowid, name, sku, codes) "
        "SELECT k.id, i.name, i.sku, coalesce((SELECT group_concat(b.barcode, ' ') "
        "  FROM item_barcodes b WHERE b.org_id = i.org_id AND b.item_id = i.id), '') "
        "FROM items i JOIN search_keys k ON k.org_id = i.org_id AND k.item_id = i.id"
    )
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS item_search")
    op.drop_table("search_keys")
