"""Sync end to end: the real server under uvicorn on a loopback port, on a fresh PostgreSQL
database with the demo org, and real terminals (their own SQLite files, the real engine).

The network between them is the only thing simulated: ``FaultyTransport`` sits where the
wire would be and drops, loses, delays, duplicates and replays requests on demand.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.sync import client as sync_client
from arcoiris_desktop.sync.client import SyncClient
from arcoiris_desktop.sync.engine import SyncEngine, adopt_enrolment
from arcoiris_desktop.till import Till
from sync_server.config import Settings
from sync_server.demo import seed_demo
from sync_server.main import create_app
from sync_server.migrate import upgrade

MANAGER = ("manager@arcoiris.example", "arcoiris-manager")
DEMO_ITEMS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    database_url: str
    org_id: Any


@pytest.fixture(scope="session")
def live_server(fresh_database: Any) -> Iterator[LiveServer]:
    os.environ.setdefault("ARCOIRIS_CREDENTIAL_STORE", "file")
    database_url = fresh_database()
    engine = create_engine(database_url)
    upgrade(engine)
    with sessionmaker(bind=engine)() as session:
        org_id = seed_demo(db_session=session, items=DEMO_ITEMS, opening_qty=50).org_id
    engine.dispose()
    settings = Settings(
        environment="test",
        database_url=database_url,
        secret_key="sync-tests-" + "k" * 40,
        db_pool_size=5,
    )
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url, org_id=org_id)
    server.should_exit = True
    thread.join(timeout=10)


def hq_headers(hq: httpx.Client, org_id: object, role: str = "owner") -> dict[str, str]:
    """Signed in at HQ as the demo org's owner, manager or cashier."""
    login = hq.post(
        "/api/auth/login",
        json={"email": f"{role}@arcoiris.example", "password": f"arcoiris-{role}"},
    ).json()
    return {"Authorization": f"Bearer {login['access_token']}", "X-Org-ID": str(org_id)}


def hq_level(server: LiveServer, item_id: object, location_id: object) -> Decimal:
    """HQ's stock level of an item at a store, read from its database."""
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as c:
            return Decimal(
                c.execute(
                    text(
                        "SELECT coalesce(sum(quantity), 0) FROM inv.stock_levels "
                        "WHERE org_id = :o AND item_id = :i AND location_id = :l"
                    ),
                    {"o": server.org_id, "i": item_id, "l": location_id},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _copy(request: httpx.Request, body: bytes) -> httpx.Request:
    headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
    return httpx.Request(request.method, request.url, headers=headers, content=body)


@dataclass
class FaultyTransport(httpx.BaseTransport):
    """The wire. ``plan`` is consumed one fault per request that matches ``only``."""

    real: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    plan: list[str] = field(default_factory=list)
    only: str = "/api/sync/push"
    sent: list[bytes] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    # A proxy in front of HQ with a smaller body limit: pushes of more ops get its 413.
    max_ops: int | None = None
    pushes: list[tuple[int, int]] = field(default_factory=list)  # (ops, 413 or 0: passed on)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.plan.pop(0) if self.plan and request.url.path == self.only else "ok"
        self.log.append(fault)
        body = request.read()
        if request.url.path == "/api/sync/push":
            ops = len(orjson.loads(body)["ops"])
            if self.max_ops is not None and ops > self.max_ops:
                self.pushes.append((ops, 413))
                message = {"code": "payload_too_large", "message": "Request body too large"}
                return httpx.Response(413, json={"error": message})
            self.pushes.append((ops, 0))  # passed on
        if fault == "drop_before":  # never reached the server
            raise httpx.ConnectError("connection dropped before the server saw it")
        if fault == "5xx":
            return httpx.Response(502, json={"error": {"code": "bad_gateway", "message": "x"}})
        if fault == "timeout_before":
            raise httpx.ReadTimeout("no answer")
        if fault == "replay_old" and self.sent:
            # A stale copy of an earlier push arrives first (reordered on the wire).
            self.real.handle_request(_copy(request, self.sent[0])).read()
        response = self.real.handle_request(request)
        response.read()
        if request.url.path == self.only:
            self.sent.append(body)
        if fault == "drop_after":  # the server committed; the answer is lost
            raise httpx.ReadError("connection dropped after the server committed")
        if fault == "timeout_after":
            raise httpx.ReadTimeout("the answer came too late")
        if fault == "duplicate":  # the same request delivered twice
            again = self.real.handle_request(_copy(request, body))
            again.read()
            return again
        return response


@dataclass
class Terminal:
    data_dir: Path
    db: Database
    engine: SyncEngine
    wire: FaultyTransport
    till: Till | None = None

    def open_till(self) -> Till:
        """The till, with a shift open (a manager's 100.00 float) so it can sell."""
        self.till = Till(self.db, data_dir=self.data_dir)
        if self.till.current_shift() is None:
            manager = next(s for s in self.till.staff() if s.role == "manager")
            self.till.open_shift(manager, Decimal("100.00"))
        return self.till


def enrol_terminal(server: LiveServer, data_dir: Path, code: str) -> Terminal:
    wire = FaultyTransport()
    enrolled = sync_client.enroll(
        server.url,
        email=MANAGER[0],
        password=MANAGER[1],
        store_code="MAIN",
        terminal_code=code,
        terminal_name=f"Till {code}",
        transport=wire,
    )
    db = Database(data_dir / DB_FILENAME)
    adopt_enrolment(db, data_dir, server.url, enrolled, f"Till {code}")
    factory: Callable[[str, str | None], SyncClient] = lambda url, cred: SyncClient(  # noqa: E731
        url, cred, transport=wire
    )
    engine = SyncEngine(db, data_dir, client_factory=factory, batch_size=50, page_size=40)
    return Terminal(data_dir=data_dir, db=db, engine=engine, wire=wire)


@pytest.fixture
def make_terminal(live_server: LiveServer, tmp_path: Path) -> Iterator[Callable[[str], Terminal]]:
    made: list[Terminal] = []

    def make(code: str) -> Terminal:
        terminal = enrol_terminal(live_server, tmp_path / code, code)
        made.append(terminal)
        return terminal

    yield make
    for t in made:
        t.db.close()


def start_child(script: str, data_dir: Path, ready: str) -> subprocess.Popen[str]:
    """Run ``script`` (Python source) in a process of its own on the terminal's data dir,
    the credential kept in a file as on CI; returns once it prints ``ready``, so a test can
    kill it in the middle of what it started."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ARCOIRIS_CREDENTIAL_STORE": "file"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline().strip()
    if line != ready:  # it died first: say why, not just that it printed nothing
        proc.kill()
        raise AssertionError(f"child said {line!r}, not {ready!r}: {proc.stderr.read()[-2000:]}")
    return proc
