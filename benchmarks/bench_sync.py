"""Sync at HQ scale: server ingest beside a raw COPY of the same rows, a week's backlog
draining end to end, a catalog pulled from scratch and as a delta, 200 terminals at once.

Targets (issue 4): ingest ≥ 3,000 sales/s and ≥ 40 % of COPY; 10,000 ops drain ≤ 10 s;
1,000,000-item pull ≤ 60 s; 1,000-change delta ≤ 1 s; 200 terminals p99 ≤ 300 ms.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import sessionmaker

from arcoiris_shared.ops import (
    LineRow,
    PaymentRow,
    SaleMovementRow,
    SalePayload,
    SaleRow,
    TaxRow,
)
from arcoiris_shared.sync_protocol import Op, PushRequest
from arcoiris_shared.tax import LineInput, TaxRate, compute_sale_totals

PG = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/arcoiris")
# The issue asks for 1,000,000 (a few minutes with the bulk seeder); the default measures
# 20,000 and prints the per-item rate (set it to 1000000 for the real figure).
PULL_ITEMS = int(os.environ.get("BENCH_PULL_ITEMS", "20000"))


def _pg_url(name: str) -> str:
    url = PG.replace("postgresql://", "postgresql+psycopg://", 1)
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class Database:
    """A throw-away PostgreSQL database, migrated, with the demo org."""

    def __init__(self, items: int = 200) -> None:
        self.name = f"arcoiris_bench_{secrets.token_hex(4)}"
        self.admin = create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.url = _pg_url(self.name)
        self.engine = create_engine(self.url, pool_size=10)
        from sync_server.demo import seed_demo
        from sync_server.migrate import upgrade

        upgrade(self.engine)
        with sessionmaker(bind=self.engine)() as session:
            self.org_id = seed_demo(db_session=session, items=items).org_id

    def drop(self) -> None:
        self.engine.dispose()
        with self.admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


# What the pushed sales look like. Every sale's figures used to be the same (three lines
# at 2.49), which let HQ's verdict memory make the recompute of every sale free. Now:
#   "unique": 3 lines as before, the items, quantities (weighed goods by the gram) and
#     now and then a line discount drawn per sale, and no two sales of a run with the
#     same figures (a drawn basket already used is drawn again);
#   "mixed": real traffic: 1 to 8 lines (mean ~3), REPEAT_SHARE of the sales one of the
#     REGULARS baskets every store sells all day (one coffee, bread and milk), the rest
#     drawn fresh; 1 line in 20 with a line discount, 1 sale in 30 with a sale discount.
Traffic = str  # "unique" | "mixed"
BASKET_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
BASKET_WEIGHTS = (25, 20, 16, 12, 10, 8, 5, 4)
REPEAT_SHARE = 0.2
REGULARS = 10


class _Catalog:
    """The items a bench sale can carry, as HQ has them: price, unit and tax rates."""

    def __init__(self, db: Database) -> None:
        with db.engine.connect() as c:
            self.location = c.execute(
                text("SELECT id FROM inv.locations WHERE code='MAIN'")
            ).scalar_one()
            self.cashier = c.execute(
                text("SELECT user_id FROM core.user_org_roles WHERE role='cashier'")
            ).scalar_one()
            rows = c.execute(
                text(
                    "SELECT i.id, i.sku, i.price, i.unit, t.code, t.name, t.rate "
                    "FROM inv.items i JOIN inv.item_taxes it "
                    "  ON it.org_id = i.org_id AND it.item_id = i.id "
                    "JOIN pos.tax_rates t ON t.org_id = it.org_id AND t.id = it.tax_rate_id "
                    "ORDER BY i.sku, t.code"
                )
            ).all()
        items: dict[Any, tuple[Any, str, Decimal, bool, list[TaxRate]]] = {}
        for item_id, sku, price, unit, code, name, rate in rows:
            entry = items.setdefault(item_id, (item_id, sku, Decimal(price), unit == "kg", []))
            entry[4].append(TaxRate(code, name, Decimal(rate)))
        self.items = [
            (i, sku, price, weighed, tuple(r)) for i, sku, price, weighed, r in items.values()
        ]


Basket = tuple[list[tuple[Any, ...]], Decimal]  # [(item, quantity, line discount)], sale discount


def _draw_line(rng: random.Random, item: tuple[Any, ...], discounts: bool) -> tuple[Any, ...]:
    _, _, price, weighed, _ = item
    if weighed:
        quantity = Decimal(rng.randint(100, 2500)).scaleb(-3)
    else:
        quantity = Decimal(rng.choices((1, 2, 3, 4, 6), (70, 18, 6, 4, 2))[0])
    discount = Decimal(0)
    if discounts and rng.random() < 0.05:
        gross = (quantity * price).quantize(Decimal("0.01"))
        discount = (gross / 10).quantize(Decimal("0.01"), ROUND_DOWN)
    return item, quantity, discount


def _draw_basket(rng: random.Random, catalog: _Catalog, traffic: Traffic) -> Basket:
    if traffic == "unique":
        return [_draw_line(rng, rng.choice(catalog.items), True) for _ in range(3)], Decimal(0)
    size = rng.choices(BASKET_SIZES, BASKET_WEIGHTS)[0]
    lines = [_draw_line(rng, item, True) for item in rng.sample(catalog.items, size)]
    return lines, Decimal(0)


def _regulars(catalog: _Catalog) -> list[Basket]:
    # The same few baskets in every store and every run: cheap everyday goods, no discount.
    rng = random.Random(11)
    cheap = sorted(catalog.items, key=lambda item: item[2])[:30]
    return [
        ([_draw_line(rng, item, False) for item in rng.sample(cheap, rng.choice((1, 1, 2, 3)))],
         Decimal(0))
        for _ in range(REGULARS)
    ]  # fmt: skip


def _figures(basket: Basket) -> tuple[Any, ...]:
    lines, sale_discount = basket
    return (tuple((item[2], item[4], q, d) for item, q, d in lines), sale_discount)


def _sale_ops(
    db: Database,
    terminal_id: uuid.UUID,
    n: int,
    start: int = 1,
    traffic: Traffic = "unique",
    seen: set[tuple[Any, ...]] | None = None,
) -> list[Op]:
    """``n`` sale ops of one terminal from ``start``. ``seen`` (the figures of baskets
    already made, shared by the terminals of a run) keeps "unique" baskets unique."""
    catalog = _Catalog(db)
    rng = random.Random(f"{terminal_id}-{start}-{traffic}")
    regulars = _regulars(catalog)
    seen = set() if seen is None else seen
    ops = []
    now = dt.datetime.now(dt.UTC).isoformat()
    for k in range(n):
        seq = start + k
        sale_id = str(uuid.uuid4())
        if traffic == "mixed" and rng.random() < REPEAT_SHARE:
            basket = rng.choice(regulars)
        else:
            while True:
                basket = _draw_basket(rng, catalog, traffic)
                if traffic == "mixed" and rng.random() < 1 / 30:
                    lines_, _ = basket
                    room = sum((q * item[2]).quantize(Decimal("0.01")) - d for item, q, d in lines_)
                    basket = lines_, (room / 20).quantize(Decimal("0.01"), ROUND_DOWN)
                if traffic != "unique" or _figures(basket) not in seen:
                    break
            seen.add(_figures(basket))
        picked, sale_discount = basket
        totals = compute_sale_totals(
            [
                LineInput(quantity=q, unit_price=item[2], rates=item[4], discount=d)
                for item, q, d in picked
            ],
            currency="EUR",
            prices_include_tax=True,
            sale_discount=sale_discount,
        )
        # Built with the op's own models, as the till builds it (arcoiris_shared.ops).
        lines, movements = [], []
        for j, ((item, quantity, _), t) in enumerate(zip(picked, totals.lines, strict=True), 1):
            item_id, sku, price, _, _ = item
            lines.append(
                LineRow(
                    sale_id=sale_id,
                    line_no=j,
                    item_id=str(item_id),
                    sku=sku,
                    name=sku,
                    quantity=str(quantity),
                    unit_price=str(price),
                    gross=str(t.gross),
                    line_discount=str(t.line_discount),
                    sale_discount=str(t.sale_discount),
                    net=str(t.net),
                    tax=str(t.tax),
                    total=str(t.total),
                    unit_cost="1.10",
                    taxes=[
                        {
                            "code": x.code,
                            "rate": str(x.rate),
                            "base": str(x.base),
                            "amount": str(x.amount),
                        }
                        for x in t.taxes
                    ],
                )
            )
            movements.append(
                SaleMovementRow(
                    id=str(uuid.uuid4()),
                    item_id=str(item_id),
                    location_id=str(catalog.location),
                    quantity=str(-quantity),
                    unit_cost="1.10",
                    reason="sale",
                    source_id=sale_id,
                    occurred_at=now,
                )
            )
        payload = SalePayload(
            sale=SaleRow(
                org_id=str(db.org_id),
                id=sale_id,
                kind="sale",
                terminal_id=str(terminal_id),
                location_id=str(catalog.location),
                receipt_no=seq,
                receipt_code=f"B-{terminal_id.hex[:6]}-{seq}",
                cashier_id=str(catalog.cashier),
                currency="EUR",
                prices_include_tax=True,
                tax_rounding="per_line",
                gross=str(totals.gross),
                discount_total=str(totals.discount_total),
                net=str(totals.net),
                tax_total=str(totals.tax_total),
                total=str(totals.total),
                cash_rounding="0",
                occurred_at=now,
            ),
            lines=lines,
            taxes=[
                TaxRow(
                    sale_id=sale_id,
                    tax_code=x.code,
                    tax_name=x.name,
                    rate=str(x.rate),
                    base=str(x.base),
                    amount=str(x.amount),
                )
                for x in totals.taxes
            ],
            payments=[
                PaymentRow(
                    sale_id=sale_id,
                    payment_no=1,
                    method="card",
                    amount=str(totals.total),
                    reference="A1",
                    occurred_at=now,
                )
            ],
            movements=movements,
        ).wire()
        ops.append(
            Op.model_validate(
                {
                    "seq": seq,
                    "op_id": uuid.uuid4(),
                    "kind": "sale.completed",
                    "occurred_at": now,
                    "payload": payload,
                }
            )
        )
    return ops


def _device(db: Database, code: str) -> Any:
    """Register a terminal straight in the database and return its device context."""
    from arcoiris_shared.db.pos import Terminal
    from sync_server.org.models import User
    from sync_server.sync.devices import DeviceContext
    from sync_server.sync.models import TerminalDevice

    with sessionmaker(bind=db.engine, expire_on_commit=False)() as s:
        location = s.execute(text("SELECT id FROM inv.locations WHERE code='MAIN'")).scalar_one()
        term = Terminal(org_id=db.org_id, code=code, name=code, location_id=location)
        s.add(term)
        s.flush()
        s.add(TerminalDevice(org_id=db.org_id, terminal_id=term.id, credential_hash="x" * 64))
        s.commit()
        del User
        return DeviceContext(org_id=db.org_id, terminal=term, protocol=1)


def ingest() -> None:
    """Server ingest two ways, beside a raw COPY of the same rows in the same run: one
    terminal's 500-op pushes applied in-process one after the other (a single stream), and
    sixteen terminals pushing 500-op batches at once over HTTP to the server as it is
    deployed here (two uvicorn workers on the two cores). Each way twice: 3-line sales
    whose figures all differ (the lines kept from before, so their figures compare), and
    mixed baskets as a store rings them up (see ``_sale_ops``), against a COPY of their
    own rows.

    Sixteen, not eight: each terminal keeps its connection, and the kernel hands each new
    connection to whichever worker accepts first, so eight tills split 6/2 or 5/3 as often
    as 4/4 and one core idles (measured: 3,266 to 5,436 sales/s for the same 24,000 sales;
    sixteen ran 4,201 and 4,207). A real fleet is hundreds of tills."""
    single, copy_rate, temp_rate, _ = _ingest_in_process("unique")
    mixed, mixed_copy, _, mixed_lines = _ingest_in_process("mixed")
    served = _ingest_over_http(terminals=16, per_terminal=1500)
    served_mixed = _ingest_over_http(terminals=16, per_terminal=1500, traffic="mixed")
    print(f"{'raw COPY of the same rows (one stream)':<52} {copy_rate:8.0f} sales/s")
    print(f"{'  (into temporary tables, no WAL)':<52} {temp_rate:8.0f} sales/s")
    print(
        f"{'ingest, one terminal, in-process (3 lines, pay, ...)':<52} {single:8.0f} sales/s"
        f"   {100 * single / copy_rate:5.1f} % of COPY"
    )
    print(
        f"{'ingest, 16 terminals over HTTP, 2 workers':<52} {served:8.0f} sales/s"
        f"   {100 * served / copy_rate:5.1f} % of COPY"
    )
    print("  (3-line sales: each one's figures unlike any other's)")
    print(
        f"{'raw COPY of the mixed baskets (one stream)':<52} {mixed_copy:8.0f} sales/s"
        f"   ({mixed_lines:.2f} lines a sale, {100 * REPEAT_SHARE:.0f} % regular baskets)"
    )
    print(
        f"{'ingest, one terminal, in-process, mixed baskets':<52} {mixed:8.0f} sales/s"
        f"   {100 * mixed / mixed_copy:5.1f} % of COPY"
    )
    print(
        f"{'ingest, 16 terminals over HTTP, mixed baskets':<52} {served_mixed:8.0f} sales/s"
        f"   {100 * served_mixed / mixed_copy:5.1f} % of COPY"
    )


def _ingest_in_process(traffic: Traffic) -> tuple[float, float, float, float]:
    """(sales/s, COPY sales/s, temporary-table COPY sales/s, lines a sale) of one
    terminal's 6,000 sales pushed in-process; every sale must come out unflagged."""
    from sync_server.main import tune_gc
    from sync_server.sync import ingest as ingest_service

    db = Database()
    try:
        device = _device(db, "BENCH1")
        n, batch = 6000, 500
        ops = _sale_ops(db, device.terminal_id, n, traffic=traffic)
        lines = sum(len(op.payload["lines"]) for op in ops) / n
        factory = sessionmaker(bind=db.engine)
        tune_gc()  # as the server runs (sync_server.main)
        start = time.perf_counter()
        for i in range(0, n, batch):
            with factory() as s:
                r = ingest_service.push(
                    db_session=s, device=device, request=PushRequest(ops=ops[i : i + batch])
                )
                assert all(x.status == "applied" for x in r.results), r.results[:1]
        rate = n / (time.perf_counter() - start)
        with db.engine.connect() as c:
            flagged = c.execute(text("SELECT count(*) FROM pos.flags")).scalar_one()
        assert flagged == 0, f"{flagged} bench sales were flagged by HQ's recompute"
        copy_rate, temp_rate = _copy_same_rows(db, n)
    finally:
        db.drop()
    return rate, copy_rate, temp_rate, lines


def _ingest_over_http(
    terminals: int, per_terminal: int, batch: int = 500, traffic: Traffic = "unique"
) -> float:
    db = Database()
    server = Server(db, workers=2)
    try:
        devices = _enrol_over_http(server, db, terminals, prefix="I")
        bodies = []
        seen: set[tuple[Any, ...]] = set()
        for e in devices:
            ops = _sale_ops(
                db, uuid.UUID(e["terminal_id"]), per_terminal, traffic=traffic, seen=seen
            )
            bodies.append(
                [
                    orjson.dumps(PushRequest(ops=ops[i : i + batch]).model_dump(mode="json"))
                    for i in range(0, per_terminal, batch)
                ]
            )

        def run(k: int) -> None:
            headers = {
                "Authorization": f"Device {devices[k]['credential']}",
                "X-Protocol-Version": "1",
                "Content-Type": "application/json",
            }
            with httpx.Client(base_url=server.url, timeout=120) as http:
                for body in bodies[k]:
                    r = http.post("/api/sync/push", content=body, headers=headers)
                    assert r.status_code == 200, r.text[:200]

        threads = [threading.Thread(target=run, args=(k,)) for k in range(terminals)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return terminals * per_terminal / (time.perf_counter() - start)
    finally:
        server.stop()
        db.drop()


def _enrol_over_http(server: Server, db: Database, n: int, prefix: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server.url) as http:
        login = http.post(
            "/api/auth/login",
            json={"email": "manager@arcoiris.example", "password": "arcoiris-manager"},
        ).json()
        h = {
            "Authorization": f"Bearer {login['access_token']}",
            "X-Org-ID": str(db.org_id),
            "X-Protocol-Version": "1",
        }
        locations = http.get("/api/inventory/locations", headers=h).json()["items"]
        store = next(x for x in locations if x["code"] == "MAIN")["id"]
        return [
            http.post(
                "/api/sync/enroll",
                headers=h,
                json={"location_id": store, "code": f"{prefix}{k:03d}", "name": f"{prefix}{k}"},
            ).json()
            for k in range(n)
        ]


def _copy_same_rows(db: Database, n: int) -> tuple[float, float]:
    """COPY every row the ingest wrote (sales, lines, taxes, payments, movements, journals,
    journal lines, sync ops) into empty copies of their tables, indexes included, in one
    transaction: the floor of the work. Twice: into ordinary tables, written to the WAL and
    made durable by the commit as ingest's are (the yardstick), and into temporary tables,
    which skip the WAL (what this benchmark used until 2026-11-22; printed for
    comparison). Returns (ordinary, temporary) sales/s."""
    tables = [
        "pos.sales",
        "pos.sale_lines",
        "pos.sale_taxes",
        "pos.payments",
        "inv.stock_movements",
        "acct.journals",
        "acct.journal_lines",
        "pos.sync_ops",
    ]
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        dumps = {}
        for t in tables:
            buf = io.BytesIO()
            with cur.copy(f"COPY {t} TO STDOUT") as copy:  # type: ignore[attr-defined]
                for chunk in copy:
                    buf.write(chunk)
            dumps[t] = buf.getvalue()
        cur.execute("CREATE SCHEMA bench_copy")
        for t in tables:
            name = t.split(".")[1]
            cur.execute(f"CREATE TABLE bench_copy.{name} (LIKE {t} INCLUDING ALL)")
            cur.execute(f"CREATE TEMP TABLE {name} (LIKE {t} INCLUDING ALL)")
        raw.commit()
        rates = []
        for target in ("bench_copy", "pg_temp"):
            start = time.perf_counter()
            for t in tables:
                name = t.split(".")[1]
                with cur.copy(f"COPY {target}.{name} FROM STDIN") as copy:  # type: ignore[attr-defined]
                    copy.write(dumps[t])
            raw.commit()
            rates.append(n / (time.perf_counter() - start))
        return rates[0], rates[1]
    finally:
        raw.close()


class Server:
    """The sync server in its own process, as it runs in production."""

    def __init__(self, db: Database, workers: int = 1) -> None:
        with httpx.Client() as _:
            pass
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": db.url,
            "SECRET_KEY": "b" * 40,
            "ENVIRONMENT": "test",
            "DB_POOL_SIZE": "20",
            "LOG_LEVEL": "WARNING",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "sync_server.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _enrol(server: Server, data_dir: Path, code: str) -> Any:
    os.environ["ARCOIRIS_CREDENTIAL_STORE"] = "file"
    from arcoiris_desktop.db.database import DB_FILENAME
    from arcoiris_desktop.db.database import Database as TillDb
    from arcoiris_desktop.sync.client import enroll
    from arcoiris_desktop.sync.engine import SyncEngine, adopt_enrolment

    enrolled = enroll(
        server.url,
        email="manager@arcoiris.example",
        password="arcoiris-manager",
        store_code="MAIN",
        terminal_code=code,
        terminal_name=code,
    )
    tdb = TillDb(data_dir / DB_FILENAME)
    adopt_enrolment(tdb, data_dir, server.url, enrolled, code)
    return tdb, SyncEngine(tdb, data_dir), enrolled  # the till's own batch and page sizes


def backlog() -> None:
    """A week offline: 10,000 ops in a till's outbox, drained through HTTP."""
    from sqlalchemy import insert as sa_insert

    from arcoiris_desktop.db.local import OutboxOp

    db = Database()
    server = Server(db)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tdb, engine, enrolled = _enrol(server, Path(tmp), "WEEK")
            engine.sync_once()  # the catalog first, as a till would have it
            ops = _sale_ops(db, enrolled.terminal_id, 10_000)
            with tdb.write() as s:
                s.execute(
                    sa_insert(OutboxOp),
                    [
                        {
                            "seq": op.seq,
                            "op_id": op.op_id,
                            "kind": op.kind,
                            "payload": op.payload,
                            "occurred_at": op.occurred_at,
                        }
                        for op in ops
                    ],
                )
            start = time.perf_counter()
            status = engine.sync_once()
            took = time.perf_counter() - start
            assert status.waiting == 0, status
            print(f"{'10,000-op backlog drained end to end':<52} {took:8.2f} s")
            tdb.close()
    finally:
        server.stop()
        db.drop()


def crowd(terminals: int = 200, rounds: int = 3) -> None:
    """200 tills pushing a small batch (two sales) at the same moment, a few times over.

    The load comes from one asyncio loop writing pre-built requests on connections opened
    beforehand: 200 real tills are 200 machines, so the generator must take as little of
    this machine's two cores as it can (200 httpx threads took more CPU than the server)."""
    db = Database()
    server = Server(db, workers=2)
    try:
        devices = _enrol_over_http(server, db, terminals, prefix="C")
        requests: list[list[bytes]] = []
        for e in devices:
            ops = _sale_ops(db, uuid.UUID(e["terminal_id"]), 2 * rounds)
            requests.append(
                [
                    _http_post(
                        "/api/sync/push",
                        orjson.dumps(PushRequest(ops=ops[i : i + 2]).model_dump(mode="json")),
                        {"Authorization": f"Device {e['credential']}", "X-Protocol-Version": "1"},
                    )
                    for i in range(0, 2 * rounds, 2)
                ]
            )
        samples, errors = asyncio.run(_fire(server.port, requests, rounds))
        if errors:
            print("  first errors:", errors[:3])
        ordered = sorted(samples)
        p99 = ordered[int(len(ordered) * 0.99) - 1]
        print(
            f"{f'{terminals} terminals pushing at once (x{rounds})':<52} "
            f"p50 {statistics.median(samples):7.1f} ms  p99 {p99:7.1f} ms  errors {len(errors)}"
        )
    finally:
        server.stop()
        db.drop()


def _http_post(path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{head}Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _fire(
    port: int, requests: list[list[bytes]], rounds: int
) -> tuple[list[float], list[str]]:
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in requests]
    samples: list[float] = []
    errors: list[str] = []

    async def one(k: int, r: int) -> None:
        reader, writer = conns[k]
        start = time.perf_counter()
        writer.write(requests[k][r])
        await writer.drain()
        status = (await reader.readline()).split(b" ")[1]
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        samples.append((time.perf_counter() - start) * 1000)
        if status != b"200":
            errors.append(status.decode())

    try:
        for r in range(rounds):
            await asyncio.gather(*(one(k, r) for k in range(len(requests))))
    finally:
        for _, writer in conns:
            writer.close()
    return samples, errors


def pull() -> None:
    """A till pulling the whole catalog from scratch, then a 1,000-change delta.

    HQ's catalog is the demo org's plus items made in bulk in PostgreSQL (see
    ``benchmarks/pull_seed.py``): a million take minutes to make, not the demo seeder's 20.
    """
    from benchmarks.pull_seed import seed_items

    db = Database(items=1)
    start = time.perf_counter()
    seed_items(db.engine, db.org_id, PULL_ITEMS - 1)
    print(f"  (HQ catalog of {PULL_ITEMS:,} items made in {time.perf_counter() - start:.0f} s)")
    server = Server(db)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tdb, engine, _ = _enrol(server, Path(tmp), "PULL")
            start = time.perf_counter()
            status = engine.sync_once()
            took = time.perf_counter() - start
            assert status.last_error is None, status
            print(
                f"{f'pull {PULL_ITEMS:,} items from scratch':<52} {took:8.2f} s   "
                f"({1e6 * took / PULL_ITEMS:.0f} µs an item: "
                f"1,000,000 ≈ {took * 1e6 / PULL_ITEMS:.0f} s)"
            )
            with db.engine.begin() as c:
                c.execute(
                    text(
                        "UPDATE inv.items SET price = price + 0.01 WHERE id IN "
                        "(SELECT id FROM inv.items ORDER BY id LIMIT 1000)"
                    )
                )
                ids = c.execute(text("SELECT id FROM inv.items ORDER BY id LIMIT 1000")).scalars()
                version = c.execute(
                    text("UPDATE core.catalog_versions SET version = version + 1 RETURNING version")
                ).scalar_one()
                c.execute(
                    text(
                        "INSERT INTO core.catalog_changes (org_id, version, entity, entity_key) "
                        "SELECT :o, :v, 'item', unnest(cast(:ids AS text[]))"
                    ),
                    {"o": db.org_id, "v": version, "ids": [str(i) for i in ids]},
                )
            start = time.perf_counter()
            status = engine.sync_once()
            took = time.perf_counter() - start
            print(f"{'pull a 1,000-change delta':<52} {took:8.2f} s")
            tdb.close()
    finally:
        server.stop()
        db.drop()


def run() -> None:
    print("-- sync")
    ingest()
    backlog()
    pull()
    crowd()
