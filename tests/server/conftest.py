"""Server tests run against a real PostgreSQL: a fresh database per run, a rolled-back
transaction per test.

The database is named ``arcoiris_test_<random>`` on the server ``DATABASE_URL`` points at
(default: the local PostgreSQL) and dropped at the end of the run.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from sync_server.config import Settings
from sync_server.main import create_app
from sync_server.migrate import upgrade

SECRET = "test-secret-" + "x" * 40


@pytest.fixture(scope="session")
def database_url(fresh_database: Any) -> str:
    url: str = fresh_database()
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, secret_key=SECRET)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection in one outer transaction, rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield conn
    finally:
        trans.rollback()
        conn.close()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Service commits release a savepoint; the outer transaction still rolls everything back.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@dataclass
class Actor:
    """A signed-in member of an org: what a test sends as headers."""

    user_id: uuid.UUID
    email: str
    password: str
    role: str
    token: str
    org_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Org-ID": str(self.org_id)}

    def headers_for(self, org_id: uuid.UUID | str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Org-ID": str(org_id)}


@dataclass
class OrgWorld:
    """An org with one of everything, made through the real services."""

    org_id: uuid.UUID
    owner: Actor
    manager: Actor
    cashier: Actor
    ids: dict[str, Any] = field(default_factory=dict)


def _signup(client: TestClient, session: Session, email: str, password: str) -> uuid.UUID:
    from sync_server.org.service import stage_user

    user = stage_user(
        db_session=session, email=email, full_name=email.split("@")[0].title(), password=password
    )
    session.commit()
    return user.id


def _login(client: TestClient, email: str, password: str) -> str:
    r = client.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def _ok(r: Any, status: int = 201) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    return body


def build_world(client: TestClient, session: Session, label: str) -> OrgWorld:
    password = "correct horse battery"
    owner_email = f"owner-{label}@{label}.example"
    owner_id = _signup(client, session, owner_email, password)
    token = _login(client, owner_email, password)
    auth = {"Authorization": f"Bearer {token}"}
    org = _ok(client.post("/api/org/orgs", json={"name": f"Shop {label}"}, headers=auth))
    org_id = uuid.UUID(org["id"])
    owner = Actor(owner_id, owner_email, password, "owner", token, org_id)
    h = owner.headers

    members = {}
    for role in ("manager", "cashier"):
        email = f"{role}-{label}@{label}.example"
        m = _ok(
            client.post(
                "/api/org/users",
                headers=h,
                json={
                    "email": email,
                    "full_name": f"{role} {label}",
                    "role": role,
                    "password": password,
                    "pin": "1234",
                },
            )
        )
        members[role] = Actor(
            uuid.UUID(m["user_id"]), email, password, role, _login(client, email, password), org_id
        )

    rate = _ok(
        client.post(
            "/api/pos/tax-rates", headers=h, json={"code": "STD", "name": "Standard", "rate": "21"}
        )
    )
    loc = _ok(
        client.post(
            "/api/inventory/locations",
            headers=h,
            json={"code": "MAIN", "name": f"Main store {label}"},
        )
    )
    item = _ok(
        client.post(
            "/api/inventory/items",
            headers=h,
            json={
                "sku": f"SKU-{label}-1",
                "name": f"Secret item of {label}",
                "price": "2.50",
                "cost": "1.00",
                "barcodes": ["4006381333931" if label == "a" else "5901234123457"],
                "tax_rate_ids": [rate["id"]],
            },
        )
    )
    customer = _ok(
        client.post(
            "/api/pos/customers",
            headers=h,
            json={"name": f"Customer of {label}", "email": f"c@{label}.example"},
        )
    )
    terminal = _ok(
        client.post(
            "/api/pos/terminals",
            headers=h,
            json={"code": "T01", "name": "Till 1", "location_id": loc["id"]},
        )
    )
    _ok(
        client.post(
            "/api/inventory/stock-movements",
            headers=h,
            json={
                "item_id": item["id"],
                "location_id": loc["id"],
                "reason": "receipt",
                "quantity": "10",
                "unit_cost": "1.00",
            },
        )
    )
    accounts = _ok(client.get("/api/accounting/accounts", headers=h), 200)
    by_key = {a["system_key"]: a["id"] for a in accounts}
    journal = _ok(
        client.post(
            "/api/accounting/journals",
            headers=h,
            json={
                "entry_date": "2026-11-01",
                "memo": f"Capital {label}",
                "lines": [
                    {"account_id": by_key["bank"], "debit": "100.00"},
                    {"account_id": by_key["equity"], "credit": "100.00"},
                ],
            },
        )
    )
    sale_id = insert_sale(
        session,
        org_id=org_id,
        terminal_id=uuid.UUID(terminal["id"]),
        location_id=uuid.UUID(loc["id"]),
        item_id=uuid.UUID(item["id"]),
        cashier_id=members["cashier"].user_id,
        sku=item["sku"],
    )
    return OrgWorld(
        org_id=org_id,
        owner=owner,
        manager=members["manager"],
        cashier=members["cashier"],
        ids={
            "item_id": item["id"],
            "location_id": loc["id"],
            "tax_rate_id": rate["id"],
            "customer_id": customer["id"],
            "terminal_id": terminal["id"],
            "journal_id": journal["id"],
            "sale_id": str(sale_id),
            # No such shift: the tenancy matrix is refused before any shift is looked up.
            "shift_id": str(uuid.uuid4()),
            "user_id": str(members["cashier"].user_id),
            "barcode": item["barcodes"][0],
            "account_id": by_key["bank"],
            "sku": item["sku"],
        },
    )


def insert_sale(
    session: Session,
    *,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID,
    location_id: uuid.UUID,
    item_id: uuid.UUID,
    cashier_id: uuid.UUID,
    sku: str,
) -> uuid.UUID:
    """A completed sale as the sync engine will store it (issue 4 adds the ingest)."""
    import datetime as dt
    from decimal import Decimal as D

    from arcoiris_shared.db.pos import Payment, Sale, SaleLine, SaleTax

    sale_id = uuid.uuid4()
    now = dt.datetime.now(dt.UTC)
    session.add(
        Sale(
            org_id=org_id,
            id=sale_id,
            kind="sale",
            terminal_id=terminal_id,
            location_id=location_id,
            receipt_no=1,
            receipt_code="T01-000001",
            cashier_id=cashier_id,
            currency="EUR",
            prices_include_tax=True,
            gross=D("5.00"),
            discount_total=D("0"),
            net=D("4.13"),
            tax_total=D("0.87"),
            total=D("5.00"),
            occurred_at=now,
        )
    )
    session.flush()
    session.add(
        SaleLine(
            org_id=org_id,
            sale_id=sale_id,
            line_no=1,
            item_id=item_id,
            sku=sku,
            name="Item",
            quantity=D("2"),
            unit_price=D("2.50"),
            gross=D("5.00"),
            net=D("4.13"),
            tax=D("0.87"),
            total=D("5.00"),
            unit_cost=D("1.00"),
            taxes=[{"code": "STD", "rate": "21", "base": "4.13", "amount": "0.87"}],
        )
    )
    session.add(
        SaleTax(
            org_id=org_id,
            sale_id=sale_id,
            tax_code="STD",
            tax_name="Standard",
            rate=D("21"),
            base=D("4.13"),
            amount=D("0.87"),
        )
    )
    session.add(
        Payment(
            org_id=org_id,
            sale_id=sale_id,
            payment_no=1,
            method="cash",
            amount=D("5.00"),
            tendered=D("10.00"),
            change=D("5.00"),
            occurred_at=now,
        )
    )
    session.commit()
    return sale_id


@pytest.fixture(scope="session")
def worlds(engine: Engine, settings: Settings) -> dict[str, OrgWorld]:
    """Two orgs, A and B, committed once for the whole run; tests roll back on top of them."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app = create_app(settings, session_factory=factory)
    with TestClient(app, raise_server_exceptions=True) as c, factory() as session:
        return {label: build_world(c, session, label) for label in ("a", "b")}


@pytest.fixture(scope="session")
def world_a(worlds: dict[str, OrgWorld]) -> OrgWorld:
    return worlds["a"]


@pytest.fixture(scope="session")
def world_b(worlds: dict[str, OrgWorld]) -> OrgWorld:
    return worlds["b"]


@contextlib.contextmanager
def rolled_back(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """A session factory whose work is all rolled back: one per hypothesis example."""
    conn = engine.connect()
    trans = conn.begin()
    try:
        yield sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
    finally:
        trans.rollback()
        conn.close()
