"""A big catalog at HQ in minutes, not the demo seeder's twenty: items, barcodes, taxes,
opening stock movements and levels (counted an hour ago) made by ``INSERT … SELECT
generate_series`` in PostgreSQL, shaped as ``seed_demo`` makes them (names, prices and
costs cycle through the demo catalog's first items; barcodes are the demo's valid EAN-13s
and scale labels; one in 97 items is weighed). The catalog version moves on, as any
catalog write does.

For benchmarks only: it skips the opening journals (pull never reads them).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Engine, text

from arcoiris_shared.demo import demo_catalog

# Templates cycle with the item number; a multiple of 97 keeps "weighed" where the demo
# seeder puts it (n % 97 == 5).
_TEMPLATES = 97 * 20


def _check(body: str) -> str:
    """SQL for the GS1 check digit of a 12-digit text expression (weights 1, 3, 1, 3, ...)."""
    return (
        f"((10 - (SELECT sum(substr({body}, k, 1)::int * (CASE WHEN k % 2 = 1 THEN 1 ELSE 3 END))"
        f" FROM generate_series(1, 12) AS k) % 10) % 10)::text"
    )


def seed_items(engine: Engine, org_id: uuid.UUID, count: int, *, opening_qty: int = 24) -> None:
    """Add ``count`` items (numbered after any the org has) to the org's catalog."""
    templates: list[dict[str, Any]] = [
        {
            "k": k,
            "name": d.name,
            "category": d.category,
            "unit": d.unit,
            "price": d.price,
            "cost": d.cost,
            "weighed": d.weighed,
            "tax": d.tax_code,
        }
        for k, d in enumerate(demo_catalog(_TEMPLATES))
    ]
    ean = "'841' || lpad(((100000 + s.n) % 1000000000)::text, 9, '0')"
    scale = "'20' || lpad(((s.n / 97) % 100000)::text, 5, '0') || '00000'"
    with engine.begin() as c:
        start = c.execute(
            text("SELECT count(*) FROM inv.items WHERE org_id = :o"), {"o": org_id}
        ).scalar_one()
        store = c.execute(
            text("SELECT id FROM inv.locations WHERE org_id = :o AND code = 'MAIN'"), {"o": org_id}
        ).scalar_one()
        c.execute(
            text(
                "CREATE TEMP TABLE seed_tpl (k int PRIMARY KEY, name text, category text, "
                "unit text, price numeric, cost numeric, weighed bool, tax text) ON COMMIT DROP"
            )
        )
        c.execute(
            text(
                "INSERT INTO seed_tpl VALUES "
                "(:k, :name, :category, :unit, :price, :cost, :weighed, :tax)"
            ),
            templates,
        )
        c.execute(
            text(
                "CREATE TEMP TABLE seed_n ON COMMIT DROP AS "
                "SELECT n, gen_random_uuid() AS id, n % :t AS k "
                "FROM generate_series(CAST(:a AS int), CAST(:b AS int)) AS n"
            ),
            {"t": _TEMPLATES, "a": start, "b": start + count - 1},
        )
        # The opening stock was counted an hour ago: a till's stock cursor re-reads what
        # changed in the last seconds before its pull (see pull.STOCK_OVERLAP), and a store's
        # whole stock is not usually that.
        counted = c.execute(text("SELECT now() - interval '1 hour'")).scalar_one()
        args = {"o": org_id, "store": store, "qty": opening_qty, "counted": counted}
        c.execute(
            text(
                "INSERT INTO inv.items (org_id, id, sku, name, category, unit, price, cost, "
                "tracked, weighed, is_active, created_at, updated_at) "
                "SELECT :o, s.id, 'SKU-' || lpad((s.n + 1)::text, 7, '0'), t.name, t.category, "
                "t.unit, t.price, t.cost, true, t.weighed, true, now(), now() "
                "FROM seed_n s JOIN seed_tpl t USING (k)"
            ),
            args,
        )
        c.execute(
            text(
                "INSERT INTO inv.item_barcodes (org_id, barcode, item_id) "
                "SELECT :o, b.body || "
                + _check("b.body")
                + ", b.id FROM (SELECT s.id, CASE WHEN t.weighed THEN "
                + scale
                + " ELSE "
                + ean
                + " END AS body FROM seed_n s JOIN seed_tpl t USING (k)) AS b"
            ),
            args,
        )
        c.execute(
            text(
                "INSERT INTO inv.item_taxes (org_id, item_id, tax_rate_id) "
                "SELECT :o, s.id, r.id FROM seed_n s JOIN seed_tpl t USING (k) "
                "JOIN pos.tax_rates r ON r.org_id = :o AND r.code = t.tax"
            ),
            args,
        )
        quantity = "CASE WHEN t.weighed THEN 12.500 ELSE :qty END"
        c.execute(
            text(
                "INSERT INTO inv.stock_movements (org_id, id, item_id, location_id, quantity, "
                "unit_cost, reason, source_type, note, occurred_at, created_at) "
                f"SELECT :o, gen_random_uuid(), s.id, :store, {quantity}, t.cost, 'opening', "
                "'demo', 'Opening stock', :counted, :counted "
                "FROM seed_n s JOIN seed_tpl t USING (k)"
            ),
            args,
        )
        c.execute(
            text(
                "INSERT INTO inv.stock_levels (org_id, item_id, location_id, quantity, "
                f"updated_at) SELECT :o, s.id, :store, {quantity}, "
                ":counted + s.n * interval '1 microsecond' FROM seed_n s JOIN seed_tpl t USING (k)"
            ),
            args,
        )
        c.execute(
            text("UPDATE core.catalog_versions SET version = version + 1 WHERE org_id = :o"),
            {"o": org_id},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for table in ("items", "item_barcodes", "item_taxes", "stock_movements", "stock_levels"):
            c.execute(text(f"VACUUM ANALYZE inv.{table}"))
