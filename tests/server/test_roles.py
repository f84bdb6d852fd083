"""Roles: what a cashier, a manager and an owner may and may not do."""

from __future__ import annotations

import pytest

from tests.server.conftest import OrgWorld


def _denied(r):
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] in {"permission_denied", "role_not_assignable"}


def test_cashier_cannot_create_users(client, world_a: OrgWorld):
    r = client.post(
        "/api/org/users",
        headers=world_a.cashier.headers,
        json={
            "email": "new@a.example",
            "full_name": "New",
            "role": "cashier",
            "password": "long enough password",
        },
    )
    _denied(r)
    listed = client.get("/api/org/users", headers=world_a.owner.headers).json()["items"]
    assert "new@a.example" not in [m["email"] for m in listed]


def test_cashier_cannot_change_prices(client, world_a: OrgWorld):
    url = f"/api/inventory/items/{world_a.ids['item_id']}"
    _denied(client.patch(url, headers=world_a.cashier.headers, json={"price": "0.01"}))
    assert client.get(url, headers=world_a.cashier.headers).json()["price"] == "2.5000"


@pytest.mark.parametrize(
    "path",
    ["/api/accounting/journals", "/api/accounting/trial-balance", "/api/accounting/accounts"],
)
def test_cashier_cannot_read_the_books(client, world_a: OrgWorld, path):
    _denied(client.get(path, headers=world_a.cashier.headers))


def test_cashier_can_sell_side_reads_and_sign_up_a_customer(client, world_a: OrgWorld):
    h = world_a.cashier.headers
    assert client.get("/api/inventory/items", headers=h).status_code == 200
    assert client.get("/api/pos/tax-rates", headers=h).status_code == 200
    r = client.post("/api/pos/customers", headers=h, json={"name": "Walk-in Wendy"})
    assert r.status_code == 201
    _denied(client.get("/api/pos/sales", headers=h))


def test_manager_runs_the_shop_but_not_the_org(client, world_a: OrgWorld):
    h = world_a.manager.headers
    url = f"/api/inventory/items/{world_a.ids['item_id']}"
    assert client.patch(url, headers=h, json={"price": "2.75"}).status_code == 200
    assert client.get("/api/accounting/trial-balance", headers=h).status_code == 200
    _denied(client.patch("/api/org/settings", headers=h, json={"idle_lock_seconds": 60}))
    _denied(client.patch("/api/org/current", headers=h, json={"name": "Mine now"}))
    _denied(
        client.post(
            "/api/accounting/journals",
            headers=h,
            json={
                "entry_date": "2026-11-01",
                "memo": "x",
                "lines": [
                    {"account_id": world_a.ids["account_id"], "debit": "1"},
                    {"account_id": world_a.ids["account_id"], "credit": "1"},
                ],
            },
        )
    )


def test_manager_cannot_make_an_owner_or_touch_one(client, world_a: OrgWorld):
    h = world_a.manager.headers
    r = client.post(
        "/api/org/users",
        headers=h,
        json={
            "email": "boss@a.example",
            "full_name": "Boss",
            "role": "owner",
            "password": "long enough password",
        },
    )
    _denied(r)
    _denied(
        client.patch(f"/api/org/users/{world_a.manager.user_id}", headers=h, json={"role": "owner"})
    )
    _denied(
        client.patch(
            f"/api/org/users/{world_a.owner.user_id}", headers=h, json={"is_active": False}
        )
    )
    # A manager may add a cashier.
    r = client.post(
        "/api/org/users",
        headers=h,
        json={
            "email": "till2@a.example",
            "full_name": "Till Two",
            "role": "cashier",
            "password": "long enough password",
            "pin": "4321",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["has_pin"] is True


def test_the_last_owner_cannot_step_down(client, world_a: OrgWorld):
    r = client.patch(
        f"/api/org/users/{world_a.owner.user_id}",
        headers=world_a.owner.headers,
        json={"role": "manager"},
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "last_owner"


def test_roles_endpoint_lists_permissions(client, world_a: OrgWorld):
    roles = {
        r["role"]: r for r in client.get("/api/org/roles", headers=world_a.cashier.headers).json()
    }
    assert set(roles) == {"owner", "manager", "cashier"}
    assert "users.write" not in roles["cashier"]["permissions"]
    assert "catalog.write" not in roles["cashier"]["permissions"]
    assert "accounting.read" not in roles["cashier"]["permissions"]
    assert roles["manager"]["can_assign"] == ["cashier", "manager"]


def test_owner_changes_settings_and_terminals_see_them(client, world_a: OrgWorld):
    h = world_a.owner.headers
    r = client.patch(
        "/api/org/settings",
        headers=h,
        json={"cash_rounding_increment": "0.05", "tax_rounding": "per_receipt"},
    )
    assert r.status_code == 200, r.text
    got = client.get("/api/org/settings", headers=world_a.cashier.headers).json()
    assert got["cash_rounding_increment"] == "0.05"
    assert got["tax_rounding"] == "per_receipt"
    assert got["prices_include_tax"] is True
    r = client.patch("/api/org/settings", headers=h, json={"cash_rounding_increment": None})
    assert r.json()["cash_rounding_increment"] is None
