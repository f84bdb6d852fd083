"""The till on a million-item catalog: scan to line, search as you type, a durable sale,
cold start and memory. Each figure beside the raw SQLite work measured in the same run.

Targets (issue 3): scan→line p99 ≤ 8 ms, search top 50 p99 ≤ 25 ms, complete sale p99 ≤
15 ms, cold start ≤ 1.5 s, resident memory ≤ 250 MB.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchmarks.harness import Timing, measure, report
from benchmarks.terminal_data import working_copy

ITEMS = int(os.environ.get("BENCH_ITEMS", "1000000"))
TYPED = [
    "mil",
    "whole mi",
    "sourd",
    "dark choc",
    "shampoo",
    "tomat",
    "oat",
    "sparkling wat",
    "fresco",
    "olive oil 7",
    "841000",
    "sku-00099",
]


def _barcodes(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[str]:
    total = conn.execute("SELECT max(rowid) FROM item_barcodes").fetchone()[0]
    codes = []
    for rowid in rng.sample(range(1, total + 1), n):
        row = conn.execute("SELECT barcode FROM item_barcodes WHERE rowid = ?", (rowid,)).fetchone()
        if row and not row[0].startswith("2"):
            codes.append(row[0])
    return codes


def run() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop.db.database import DB_FILENAME, Database
    from arcoiris_desktop.till import Till
    from arcoiris_desktop.ui.format import Formatter
    from arcoiris_desktop.ui.models import CartModel

    app = QApplication.instance() or QApplication([])
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        data = working_copy(ITEMS, Path(tmp))
        path = data / DB_FILENAME
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=FULL")
        codes = _barcodes(raw, 600, rng)
        db = Database(path)
        till = Till(db, data_dir=data)
        print(f"-- till on {ITEMS:,} items ({path.stat().st_size / 1e6:,.0f} MB database)")

        # Scan → line in the cart model (lookup, cart rules and totals, model refresh).
        cart = till.new_cart()
        model = CartModel(cart, Formatter(till.config.currency, till.config.locale))
        it = iter(codes * 3)

        def scan_to_line() -> None:
            code = next(it)
            if len(cart.lines) >= 25:
                cart.clear()
                model.set_cart(cart)
            row = cart.add_scan(till.scan(code))
            model.refresh(row)

        it_raw = iter(codes * 3)

        def raw_lookup() -> None:
            raw.execute(
                "SELECT i.name, i.price FROM item_barcodes b JOIN items i "
                "ON i.org_id = b.org_id AND i.id = b.item_id WHERE b.org_id = ? AND b.barcode = ?",
                (till.config.org_id.hex, next(it_raw)),
            ).fetchone()

        report(
            measure("scan -> line in cart model", scan_to_line, runs=500),
            measure("raw barcode SELECT", raw_lookup, runs=500),
        )

        # Search as you type: the top 50 for what a cashier types.
        words = iter(TYPED * 100)

        def search() -> None:
            till.search(next(words), limit=50)

        from arcoiris_desktop.catalog.lookup import fts_query

        raw_words = iter(TYPED * 100)

        def raw_search() -> None:
            q = fts_query(next(raw_words))
            raw.execute(
                "SELECT rowid FROM item_search WHERE item_search MATCH ? LIMIT 100", (q,)
            ).fetchall()

        report(
            measure("search as you type, top 50", search, runs=240, warmup=24),
            measure("raw FTS5 MATCH LIMIT 100", raw_search, runs=240, warmup=24),
        )

        # Complete a sale durably (3 lines, cash): sale, lines, taxes, payment, movements,
        # outbox, gapless numbers, one transaction with synchronous=FULL.
        cashier = next(s for s in till.staff() if s.role == "cashier")
        manager = next(s for s in till.staff() if s.role in ("manager", "owner"))
        if till.current_shift() is None:  # sales need an open shift, as at a real till
            till.open_shift(manager, Decimal(100))
        sell_codes = iter(codes * 3)
        ready = []
        for _ in range(320):  # carts and payments made before the clock starts
            c = till.new_cart()
            for _ in range(3):
                c.add_scan(till.scan(next(sell_codes)))
            t = till.new_tender(c.totals().total)
            t.add_cash(t.cash_due + Decimal(10))
            ready.append((c, t))
        carts = iter(ready)

        def complete() -> None:
            c, t = next(carts)
            till.complete(c, t, cashier)

        raw.execute("CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT)")

        def raw_insert() -> None:
            with raw:
                raw.execute("INSERT INTO bench_raw (v) VALUES ('x')")

        report(
            measure("complete sale, durable (3 lines)", complete, runs=300, warmup=10),
            measure("raw INSERT + COMMIT (FULL)", raw_insert, runs=300, warmup=10),
        )
        raw.close()
        db.close()
        _cold_start(data)
    del app


def _cold_start(data: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    samples, rss = [], []
    baseline = []
    for _ in range(5):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "arcoiris_desktop.app",
                "--data-dir",
                str(data),
                "--report-ready",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        line = ""
        while not line.startswith("READY"):
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the till did not start")
        samples.append((time.perf_counter() - start) * 1000)
        rss.append(float(line.split("rss_mb=")[1]))
        proc.wait(timeout=60)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import PySide6.QtWidgets"], check=True, env=env)
        baseline.append((time.perf_counter() - start) * 1000)
    report(
        Timing("cold start to sign-in screen (process)", samples),
        Timing("python + import Qt widgets", baseline),
    )
    print(f"{'resident memory at ready':<44} max {max(rss):8.1f} MB")
