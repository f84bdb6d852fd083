"""Helpers the sync tests share: selling on a terminal, draining its queue, reading HQ and
the till side by side, and the invariants every sync test ends on."""

from __future__ import annotations

import random
import textwrap
import uuid
from decimal import Decimal
from decimal import Decimal as D
from typing import Any

from sqlalchemy import create_engine, func, select, text

from arcoiris_desktop.audit import AUDIT_OP
from arcoiris_desktop.db.local import OutboxOp, StaffMember, SyncState
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax
from tests.sync.conftest import Terminal


def hq_catalog(live_server: Any) -> dict[str, tuple[Any, ...]]:
    hq = create_engine(live_server.database_url)
    try:
        with hq.connect() as c:
            rows = c.execute(
                text(
                    "SELECT i.id, i.sku, i.name, i.category, i.unit, i.price, i.cost, "
                    "i.tracked, i.weighed, i.is_active, i.reorder_point, "
                    "ARRAY(SELECT barcode FROM inv.item_barcodes b "
                    "      WHERE b.org_id = i.org_id AND b.item_id = i.id), "
                    "ARRAY(SELECT tax_rate_id FROM inv.item_taxes t "
                    "      WHERE t.org_id = i.org_id AND t.item_id = i.id) "
                    "FROM inv.items i WHERE i.org_id = :o"
                ),
                {"o": live_server.org_id},
            ).all()
    finally:
        hq.dispose()
    return {
        str(r[0]): (*r[1:5], Decimal(r[5]), r[6], *r[7:11], frozenset(r[11]), frozenset(r[12]))
        for r in rows
    }


def till_catalog(t: Terminal) -> dict[str, tuple[Any, ...]]:
    with t.db.read() as s:
        codes: dict[uuid.UUID, set[str]] = {}
        for b in s.scalars(select(ItemBarcode)):
            codes.setdefault(b.item_id, set()).add(b.barcode)
        taxes: dict[uuid.UUID, set[uuid.UUID]] = {}
        for x in s.scalars(select(ItemTax)):
            taxes.setdefault(x.item_id, set()).add(x.tax_rate_id)
        return {
            str(i.id): (
                i.sku,
                i.name,
                i.category,
                i.unit,
                i.price,
                i.cost,
                i.tracked,
                i.weighed,
                i.is_active,
                i.reorder_point,
                frozenset(codes.get(i.id, ())),
                frozenset(taxes.get(i.id, ())),
            )
            for i in s.scalars(select(Item))
        }


def in_snapshot(t: Terminal) -> bool:
    with t.db.read() as s:
        return s.get(SyncState, "snapshot_version") is not None


SLOW_PULL_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import httpx
    from arcoiris_desktop.db.database import Database, DB_FILENAME
    from arcoiris_desktop.sync.client import SyncClient
    from arcoiris_desktop.sync.engine import SyncEngine

    class SlowWire(httpx.HTTPTransport):
        # A slow line (the only thing simulated): each request takes 30 ms longer.
        def handle_request(self, request):
            time.sleep(0.03)
            return super().handle_request(request)

    data = Path(sys.argv[1])
    db = Database(data / DB_FILENAME)
    engine = SyncEngine(
        db, data, page_size=4,
        client_factory=lambda url, cred: SyncClient(url, cred, transport=SlowWire()),
    )
    print("PULLING", flush=True)
    engine.sync_once()
    print("DONE", flush=True)
    """
)


def queued(t: Terminal, *, audits: bool = True) -> int:
    """How many ops the till's outbox holds, read straight from its table. With
    ``audits=False`` only the business ops (shifts, sales, cash, stock): every audit entry
    (a sign-in, an approval, a shift opened) rides the same queue as an ``audit.recorded``
    op, and how many of those an action makes is the audit log's business, not sync's."""
    query = select(func.count()).select_from(OutboxOp)
    if not audits:
        query = query.where(OutboxOp.kind != AUDIT_OP)
    with t.db.read() as s:
        return s.scalar(query) or 0


def queued_kinds(t: Terminal) -> dict[str, int]:
    """The till's outbox counted by kind, audit ops included."""
    with t.db.read() as s:
        rows = s.execute(select(OutboxOp.kind, func.count()).group_by(OutboxOp.kind)).all()
    return {kind: n for kind, n in rows}


def sell(t: Terminal, rng: random.Random, n: int) -> list[str]:
    till = t.till or t.open_till()
    cashier = next(s for s in till.staff() if s.role == "cashier")
    with t.db.read() as s:
        codes = [c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2")]
    receipts = []
    for _ in range(n):
        cart = till.new_cart()
        for code in rng.sample(codes, rng.randint(1, 3)):
            cart.add_scan(till.scan(code), D(rng.randint(1, 3)))
        tender = till.new_tender(cart.totals().total)
        if rng.random() < 0.5:
            tender.add_card(None, f"AUTH{rng.randint(1000, 9999)}")
        else:
            tender.add_cash(tender.cash_due + D(rng.randint(0, 20)))
        receipts.append(till.complete(cart, tender, cashier).receipt_code)
    return receipts


def drain(t: Terminal, rounds: int = 30) -> None:
    for _ in range(rounds):
        status = t.engine.sync_once()
        if status.waiting == 0 and status.last_error is None:
            return
    raise AssertionError(f"queue did not drain: {t.engine.status}")


def hq_engine(live_server):
    return create_engine(live_server.database_url)


def check_invariants(live_server, terminals: list[Terminal], sold: dict[str, list[str]]):
    hq = hq_engine(live_server)
    try:
        with hq.connect() as c:
            org = live_server.org_id
            for t in terminals:
                cfg = t.till.config if t.till else None
                assert cfg is not None
                codes = (
                    c.execute(
                        text(
                            "SELECT receipt_code FROM pos.sales "
                            "WHERE org_id = :o AND terminal_id = :t"
                        ),
                        {"o": org, "t": cfg.terminal_id},
                    )
                    .scalars()
                    .all()
                )
                assert sorted(codes) == sorted(sold[cfg.terminal_code]), "every sale, once"
                with t.db.read() as s:
                    assert s.scalar(select(func.count()).select_from(OutboxOp)) == 0
            unbalanced = c.execute(
                text(
                    "SELECT journal_id FROM acct.journal_lines WHERE org_id = :o "
                    "GROUP BY journal_id HAVING sum(debit) <> sum(credit)"
                ),
                {"o": org},
            ).all()
            assert unbalanced == []
            tb = c.execute(
                text("SELECT sum(debit) - sum(credit) FROM acct.journal_lines WHERE org_id = :o"),
                {"o": org},
            ).scalar()
            assert tb == 0
            wrong_stock = c.execute(
                text(
                    "SELECT l.item_id FROM inv.stock_levels l LEFT JOIN ("
                    "  SELECT item_id, location_id, sum(quantity) q FROM inv.stock_movements "
                    "  WHERE org_id = :o GROUP BY item_id, location_id) m "
                    "ON m.item_id = l.item_id AND m.location_id = l.location_id "
                    "WHERE l.org_id = :o AND l.quantity <> coalesce(m.q, 0)"
                ),
                {"o": org},
            ).all()
            assert wrong_stock == [], "stock = opening + Σ movements"
            sales_total = c.execute(
                text("SELECT coalesce(sum(total), 0) FROM pos.sales WHERE org_id = :o"), {"o": org}
            ).scalar()
            revenue = c.execute(
                text(
                    "SELECT coalesce(sum(jl.credit - jl.debit), 0) FROM acct.journal_lines jl "
                    "JOIN acct.chart_of_accounts a "
                    "ON a.org_id = jl.org_id AND a.id = jl.account_id "
                    "WHERE jl.org_id = :o AND a.system_key IN ('sales_revenue', 'sales_refunds', "
                    "'tax_payable')"
                ),
                {"o": org},
            ).scalar()
            assert revenue == sales_total, "takings in the books to the cent"
            flagged = c.execute(
                text("SELECT source_type, reason FROM pos.flags WHERE org_id = :o"), {"o": org}
            ).all()
            assert flagged == [], "HQ's recompute agrees with every sale and close a till made"
            unbooked = c.execute(
                text(
                    "SELECT m.id FROM pos.cash_movements m LEFT JOIN acct.journals j "
                    "ON j.org_id = m.org_id AND j.source_type = 'cash_movement' "
                    "AND j.source_id = m.id WHERE m.org_id = :o AND j.id IS NULL"
                ),
                {"o": org},
            ).all()
            assert unbooked == [], "every paid in and out a till made is in the books"
    finally:
        hq.dispose()


def catalog_matches(live_server, t: Terminal) -> None:
    hq = hq_engine(live_server)
    try:
        with hq.connect() as c:
            server_items = {
                (str(r[0]), r[1], r[2], r[3])
                for r in c.execute(
                    text("SELECT id, sku, name, price FROM inv.items WHERE org_id = :o"),
                    {"o": live_server.org_id},
                )
            }
        with t.db.read() as s:
            local = {(str(i.id), i.sku, i.name, i.price) for i in s.scalars(select(Item))}
            staff = {m.full_name for m in s.scalars(select(StaffMember))}
        assert local == server_items
        assert {"Marta Manager", "Carlos Cashier"} <= staff
    finally:
        hq.dispose()
