"""The manager's takings on the million-item till: a busy day (5,000 sales) and a month
(31 days, 150,000 sales), each with its comparison weeks, read by ``reports.takings`` from
the till's own SQLite. Beside each, the raw work in the same run: one bare
``SELECT sum(total) FROM sales`` over the same instants.

Targets (issue 12): the day ≤ 300 ms, the 31 days ≤ 1 s, comparison included. Days are
read from the takings rollup the till keeps with each sale (``sales.rollup``), rebuilt
here once after the bulk insert (timed: what migration t0008 costs a till with history).

The sales are written straight into the tables with ``executemany`` (realistic shapes: 1-6
lines, 3 % refunds, a fifth split between card and cash, four cashiers, the store's opening
hours), not through the till's services: building 300,000 sales durably would take hours.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.harness import measure, report
from benchmarks.terminal_data import working_copy

ITEMS = int(os.environ.get("BENCH_ITEMS", "1000000"))
DAY_SALES = 5_000
RANGE_DAYS, RANGE_SALES = 31, 150_000
OPEN, CLOSE = 8, 21  # local opening hours
RATES = {10: ("VAT10", "IVA 10%"), 21: ("VAT21", "IVA 21%")}
MONEY, QTY = 10_000, 1_000  # SQLite's scale of money and quantities (db.types)


def _ts(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Writer:
    """Sales of a till, as rows: what ``record_sale_fact`` writes, minus the outbox."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random) -> None:
        self.conn = conn
        self.rng = rng
        row = dict(conn.execute("SELECT key, value FROM settings").fetchall())
        self.org = uuid.UUID(json.loads(row["org_id"])).hex
        self.terminal = uuid.UUID(json.loads(row["terminal_id"])).hex
        self.location = uuid.UUID(json.loads(row["location_id"])).hex
        self.zone = ZoneInfo(json.loads(row.get("timezone", '"UTC"')))
        staff = [r[0] for r in conn.execute("SELECT user_id FROM staff")]
        self.cashiers = (staff + [uuid.uuid4().hex for _ in range(4)])[:4]
        total = conn.execute("SELECT max(rowid) FROM items").fetchone()[0]
        picks = rng.sample(range(1, total + 1), 3000)
        self.items = conn.execute(
            f"SELECT id, sku, name, price FROM items WHERE rowid IN ({','.join(map(str, picks))})"
        ).fetchall()
        self.no = conn.execute("SELECT coalesce(max(receipt_no), 0) FROM sales").fetchone()[0]
        self.shift = uuid.uuid4().hex

    def day(self, date: dt.date, n: int) -> None:
        rng = self.rng
        opening = dt.datetime.combine(date, dt.time(OPEN), self.zone)
        span = (CLOSE - OPEN) * 3600
        sales, lines, taxes, payments = [], [], [], []
        for _ in range(n):
            self.no += 1
            sid = uuid.uuid4().hex
            at = _ts(opening + dt.timedelta(seconds=rng.randrange(span)))
            refund = rng.random() < 0.03
            sign = -1 if refund else 1
            by_rate: dict[int, list[int]] = {}
            gross = net = tax = 0
            for line_no in range(1, rng.randint(1, 6) + 1):
                item, sku, name, price = rng.choice(self.items)
                q = rng.choice((1, 1, 1, 2, 3)) * sign
                rate = rng.choice((10, 10, 21))
                total = price * q
                t = round(total * rate / (100 + rate) / 100) * 100  # to the cent, scaled
                gross += total
                net += total - t
                tax += t
                acc = by_rate.setdefault(rate, [0, 0])
                acc[0] += total - t
                acc[1] += t
                lines.append(
                    (self.org, sid, line_no, item, sku, name, q * QTY, price, total,
                     total - t, t, total, "[]")
                )  # fmt: skip
            total = net + tax
            for rate, (base, amount) in by_rate.items():
                code, label = RATES[rate]
                taxes.append((self.org, sid, code, label, rate * MONEY, base, amount))
            if not refund and rng.random() < 0.2:  # split: some on card, the rest in cash
                card = (total // 2 // 100) * 100
                payments += [
                    (self.org, sid, 1, "card", card, at),
                    (self.org, sid, 2, "cash", total - card, at),
                ]
            else:
                method = "cash" if rng.random() < 0.45 else "card"
                payments.append((self.org, sid, 1, method, total, at))
            sales.append(
                (self.org, sid, "refund" if refund else "sale", self.terminal, self.location,
                 self.shift, self.no, f"B{self.no:09d}", rng.choice(self.cashiers), "EUR", 1,
                 gross, 0, net, tax, total, at, at)
            )  # fmt: skip
        c = self.conn
        c.executemany(
            "INSERT INTO sales (org_id, id, kind, terminal_id, location_id, shift_id, "
            "receipt_no, receipt_code, cashier_id, currency, prices_include_tax, gross, "
            "discount_total, net, tax_total, total, occurred_at, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            sales,
        )
        c.executemany(
            "INSERT INTO sale_lines (org_id, sale_id, line_no, item_id, sku, name, quantity, "
            "unit_price, gross, net, tax, total, taxes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            lines,
        )
        c.executemany("INSERT INTO sale_taxes VALUES (?,?,?,?,?,?,?)", taxes)
        c.executemany(
            "INSERT INTO payments (org_id, sale_id, payment_no, method, amount, occurred_at) "
            "VALUES (?,?,?,?,?,?)",
            payments,
        )

    def reorder_points(self, n: int) -> None:
        """Reorder points on ``n`` items (a real store sets them on a few thousand)."""
        total = self.conn.execute("SELECT max(rowid) FROM items").fetchone()[0]
        rows = [
            (self.rng.randint(0, 40) * QTY, r)
            for r in self.rng.sample(range(1, total), min(n, total // 2))
        ]
        self.conn.executemany("UPDATE items SET reorder_point = ? WHERE rowid = ?", rows)


def run() -> None:
    from arcoiris_desktop.db.database import DB_FILENAME, Database
    from arcoiris_desktop.reports.takings import Period, takings
    from arcoiris_desktop.sales import rollup
    from arcoiris_desktop.till import Till
    from arcoiris_shared.takings import day_range

    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        data = working_copy(ITEMS, Path(tmp))
        path = data / DB_FILENAME
        db = Database(path)  # migrates the copy to this code's head first
        config = Till(db, data_dir=data).config
        db.close()
        raw = sqlite3.connect(path)
        w = _Writer(raw, rng)
        day = dt.date(2026, 11, 26)
        first = day - dt.timedelta(days=RANGE_DAYS - 1)
        back = -(-RANGE_DAYS // 7) * 7
        per_day = RANGE_SALES // RANGE_DAYS
        with raw:
            for d in range(RANGE_DAYS):  # the month and its comparison 5 weeks earlier
                date = first + dt.timedelta(days=d)
                busy = date in (day, day - dt.timedelta(days=7))
                w.day(date, DAY_SALES if busy else per_day)
                w.day(date - dt.timedelta(days=back), per_day)
            w.reorder_points(5_000)
        raw.execute("ANALYZE")
        n = raw.execute("SELECT count(*) FROM sales").fetchone()[0]
        lines = raw.execute("SELECT count(*) FROM sale_lines").fetchone()[0]
        db = Database(path)
        print(f"-- takings on {ITEMS:,} items, {n:,} sales, {lines:,} lines")
        # The sales went in behind the till's back: sum them into the rollup as migration
        # t0008 does for a till upgraded with its history (timed: that upgrade's cost).
        began = time.perf_counter()
        with db.engine.begin() as conn:
            rollup.rebuild(conn)
        print(f"  rollup rebuilt from {n:,} sales in {time.perf_counter() - began:.1f} s")

        for label, period in (
            ("takings: a day of 5,000 sales + last week", Period(day, day)),
            (f"takings: {RANGE_DAYS} days, {RANGE_SALES:,} sales + compared", Period(first, day)),
        ):
            days = (period.last - period.first).days + 1
            s, e = (_ts(x) for x in day_range(period.first, config.timezone, days))

            def ours(p: Period = period) -> None:
                takings(db, config, p)

            def bare(s: str = s, e: str = e) -> None:
                raw.execute(
                    "SELECT sum(total) FROM sales WHERE org_id = ? AND occurred_at >= ? "
                    "AND occurred_at < ?",
                    (w.org, s, e),
                ).fetchone()

            runs = 20 if days == 1 else 8
            raw_timing = measure("  raw SELECT sum(total) over the period", bare, runs=runs)
            report(measure(label, ours, runs=runs, warmup=1), raw_timing)
        raw.close()
        db.close()
