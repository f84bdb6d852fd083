"""``arcoiris-admin`` as an operator runs it: a real process against an empty database."""

from __future__ import annotations

import os
import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from sync_server.config import Settings
from sync_server.main import create_app
from tests.server.conftest import SECRET


def _admin(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "sync_server.admin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_db_then_users_orgs_and_demo(fresh_database):
    url = fresh_database()
    r = _admin(url, "init-db")
    assert r.returncode == 0, r.stderr
    engine = create_engine(url)
    try:
        assert {"core", "acct", "inv", "pos"} <= set(inspect(engine).get_schema_names())
    finally:
        engine.dispose()
    assert _admin(url, "init-db").returncode == 0  # running it again is harmless

    r = _admin(
        url,
        "create-user",
        "--email",
        "Ana@Shop.example",
        "--name",
        "Ana",
        "--password",
        "a long password",
    )
    assert r.returncode == 0, r.stderr
    r = _admin(
        url,
        "create-org",
        "--name",
        "Ana's Shop",
        "--owner-email",
        "ana@shop.example",
        "--currency",
        "EUR",
        "--timezone",
        "Europe/Madrid",
    )
    assert r.returncode == 0, r.stderr
    assert "anas-shop" in r.stdout

    bad = _admin(url, "create-user", "--email", "x", "--name", "X", "--password", "short")
    assert bad.returncode == 2
    assert "email" in bad.stderr and "Traceback" not in bad.stderr
    dup = _admin(
        url,
        "create-user",
        "--email",
        "ana@shop.example",
        "--name",
        "A2",
        "--password",
        "another long one",
        "--org-id",
        "00000000-0000-4000-8000-000000000000",
    )
    assert dup.returncode != 0 and "Traceback" not in dup.stderr

    r = _admin(url, "seed-demo", "--items", "150")
    assert r.returncode == 0, r.stderr
    org_line = next(line for line in r.stdout.splitlines() if line.startswith("X-Org-ID:"))
    org_id = org_line.split(":", 1)[1].strip()
    again = _admin(url, "seed-demo", "--items", "150")
    assert "already exists" in again.stdout
    pruned = _admin(url, "prune-catalog-log", "--keep", "0")
    assert pruned.returncode == 0, pruned.stderr
    assert f"({org_id}): tills with a cursor below" in pruned.stdout
    assert _admin(url, "prune-catalog-log", "--keep", "-1").returncode != 0

    app = create_app(Settings(environment="test", database_url=url, secret_key=SECRET))
    with TestClient(app) as client:
        login = client.post(
            "/api/auth/login",
            json={"email": "manager@arcoiris.example", "password": "arcoiris-manager"},
        )
        assert login.status_code == 200, login.text
        h = {"Authorization": f"Bearer {login.json()['access_token']}", "X-Org-ID": org_id}
        items = client.get("/api/inventory/items?limit=500", headers=h).json()["items"]
        assert len(items) == 150
        assert any(i["weighed"] for i in items)
        tb = client.get("/api/accounting/trial-balance", headers=h).json()
        assert tb["balanced"] is True and tb["rows"]
        levels = client.get("/api/inventory/stock-levels?limit=5", headers=h).json()["items"]
        assert all(not lvl["negative"] for lvl in levels)
    app.state.session_factory.kw["bind"].dispose()
