"""Bad input on every write route: a clear 4xx in the one error shape, nothing half-written."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.server.conftest import OrgWorld
from tests.server.routes import ORG_ROUTES

UNKNOWN = "00000000-0000-4000-8000-000000000000"
TWENTY_DIGITS = "12345678901234567890"


def valid_bodies(ids: dict[str, str]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        ("POST", "/api/inventory/items"): {
            "sku": "NEW-1",
            "name": "New thing",
            "price": "1.99",
            "cost": "0.80",
            "barcodes": ["96385074"],
            "tax_rate_ids": [ids["tax_rate_id"]],
        },
        ("PATCH", "/api/inventory/items/{item_id}"): {"price": "3.10", "name": "Renamed"},
        ("POST", "/api/inventory/locations"): {
            "code": "WH9",
            "name": "Back room",
            "kind": "warehouse",
        },
        ("PATCH", "/api/inventory/locations/{location_id}"): {"name": "Front"},
        ("POST", "/api/inventory/stock-movements"): {
            "item_id": ids["item_id"],
            "location_id": ids["location_id"],
            "reason": "adjustment",
            "quantity": "-1.5",
        },
        ("POST", "/api/pos/customers"): {
            "name": "Ana",
            "email": "ana@x.example",
            "phone": "+34 600 000 000",
        },
        ("PATCH", "/api/pos/customers/{customer_id}"): {"phone": "600111222"},
        ("POST", "/api/pos/tax-rates"): {"code": "RED", "name": "Reduced", "rate": "10"},
        ("PATCH", "/api/pos/tax-rates/{tax_rate_id}"): {"rate": "5.5"},
        ("POST", "/api/pos/terminals"): {
            "code": "T09",
            "name": "Till 9",
            "location_id": ids["location_id"],
        },
        ("PATCH", "/api/pos/terminals/{terminal_id}"): {"status": "revoked"},
        ("POST", "/api/org/users"): {
            "email": "new.person@x.example",
            "full_name": "New Person",
            "role": "cashier",
            "password": "a long password",
            "pin": "2468",
        },
        ("PATCH", "/api/org/users/{user_id}"): {"pin": "13579"},
        ("PATCH", "/api/org/current"): {"name": "Renamed shop", "timezone": "Europe/Madrid"},
        ("PATCH", "/api/org/settings"): {"idle_lock_seconds": 120},
        ("POST", "/api/accounting/accounts"): {"code": "6200", "name": "Rent", "type": "expense"},
        ("POST", "/api/accounting/journals"): {
            "entry_date": "2026-11-02",
            "memo": "Float top-up",
            "lines": [
                {"account_id": ids["account_id"], "debit": "50.00"},
                {"account_id": ids["account_id"], "credit": "50.00"},
            ],
        },
        ("DELETE", "/api/inventory/items/{item_id}"): {},
        ("POST", "/api/sync/enroll"): {
            "location_id": ids["location_id"],
            "code": "T77",
            "name": "Till 77",
        },
    }


# Field mutations that must each be refused. ``None`` as value removes the field.
BAD: dict[tuple[str, str], list[tuple[dict[str, Any], int]]] = {
    ("POST", "/api/inventory/items"): [
        ({"price": "abc"}, 422),
        ({"price": -1}, 422),
        ({"price": TWENTY_DIGITS}, 422),
        ({"price": "1.23456"}, 422),
        ({"price": "NaN"}, 422),
        ({"price": "Infinity"}, 422),
        ({"sku": ""}, 422),
        ({"sku": "has space"}, 422),
        ({"name": None}, 422),
        ({"name": "x" * 201}, 422),
        ({"unit": "bucket"}, 422),
        ({"barcodes": ["4006381333932"]}, 422),
        ({"barcodes": ["96385074", "96385074"]}, 422),
        ({"tax_rate_ids": [UNKNOWN]}, 404),
        ({"tax_rate_ids": ["nope"]}, 422),
        ({"weighed": True}, 422),
        ({"unknown_field": 1}, 422),
        ({"sku": "SKU-a-1"}, 409),
        ({"barcodes": ["4006381333931"]}, 409),
        ({"tracked": "maybe"}, 422),
    ],
    ("PATCH", "/api/inventory/items/{item_id}"): [
        ({"price": "-0.01"}, 422),
        ({"price": TWENTY_DIGITS}, 422),
        ({"price": None}, 422),
        ({"barcodes": ["96385074", "4006381333932"]}, 422),
        ({"tax_rate_ids": [UNKNOWN]}, 404),
        ({"is_active": None}, 422),
        ({"sku": "x" * 65}, 422),
    ],
    ("POST", "/api/inventory/locations"): [
        ({"code": "MAIN"}, 409),
        ({"kind": "garage"}, 422),
        ({"code": None}, 422),
    ],
    ("PATCH", "/api/inventory/locations/{location_id}"): [
        ({"name": None}, 422),
        ({"name": ""}, 422),
    ],
    ("POST", "/api/inventory/stock-movements"): [
        ({"quantity": "0"}, 422),
        ({"quantity": TWENTY_DIGITS}, 422),
        ({"quantity": "1.0001"}, 422),
        ({"reason": "receipt", "quantity": "-3"}, 422),
        ({"reason": "sale"}, 422),
        ({"item_id": UNKNOWN}, 404),
        ({"location_id": UNKNOWN}, 404),
        ({"quantity": 1e300}, 422),
    ],
    ("POST", "/api/pos/customers"): [
        ({"email": "not-an-email"}, 422),
        ({"phone": "call me"}, 422),
        ({"name": " "}, 422),
    ],
    ("PATCH", "/api/pos/customers/{customer_id}"): [({"name": None}, 422), ({"is_active": 3}, 422)],
    ("POST", "/api/pos/tax-rates"): [
        ({"rate": "101"}, 422),
        ({"rate": "-1"}, 422),
        ({"code": "STD"}, 409),
        ({"rate": TWENTY_DIGITS}, 422),
    ],
    ("PATCH", "/api/pos/tax-rates/{tax_rate_id}"): [
        ({"rate": "100.00001"}, 422),
        ({"rate": None}, 422),
    ],
    ("POST", "/api/pos/terminals"): [
        ({"location_id": UNKNOWN}, 404),
        ({"code": "T01"}, 409),
        ({"code": "lower"}, 422),
    ],
    ("PATCH", "/api/pos/terminals/{terminal_id}"): [({"status": "exploded"}, 422)],
    ("POST", "/api/org/users"): [
        ({"role": "emperor"}, 422),
        ({"password": "short"}, 422),
        ({"pin": "12"}, 422),
        ({"pin": "abcd"}, 422),
        ({"email": "x"}, 422),
        ({"password": None}, 422),
        ({"email": "cashier-a@a.example"}, 409),
    ],
    ("PATCH", "/api/org/users/{user_id}"): [
        ({"role": "god"}, 422),
        ({"pin": "1"}, 422),
        ({"is_active": None}, 422),
    ],
    ("PATCH", "/api/org/current"): [
        ({"timezone": "Mars/Olympus"}, 422),
        ({"name": None}, 422),
        ({"currency": "USD"}, 422),
    ],
    ("PATCH", "/api/org/settings"): [
        ({"idle_lock_seconds": 1}, 422),
        ({"tax_rounding": "sometimes"}, 422),
        ({"cash_rounding_increment": "0"}, 422),
        ({"made_up_setting": True}, 422),
        ({"prices_include_tax": None}, 422),
        ({"discount_limit_percent": TWENTY_DIGITS}, 422),
    ],
    ("POST", "/api/sync/enroll"): [
        ({"code": "t77"}, 422),
        ({"location_id": UNKNOWN}, 404),
        ({"name": ""}, 422),
        ({"location_id": "x"}, 422),
        ({"extra": 1}, 422),
    ],
    ("POST", "/api/accounting/accounts"): [
        ({"type": "vibes"}, 422),
        ({"code": "1000"}, 409),
        ({"parent_id": UNKNOWN}, 404),
    ],
    ("POST", "/api/accounting/journals"): [
        (
            {
                "lines": [
                    {"account_id": UNKNOWN, "debit": "1"},
                    {"account_id": UNKNOWN, "credit": "1"},
                ]
            },
            404,
        ),
        (
            {"lines": [{"account_id": "{a}", "debit": "1"}, {"account_id": "{a}", "credit": "2"}]},
            422,
        ),
        (
            {
                "lines": [
                    {"account_id": "{a}", "debit": "1", "credit": "1"},
                    {"account_id": "{a}", "credit": "0"},
                ]
            },
            422,
        ),
        ({"lines": []}, 422),
        ({"entry_date": "yesterday"}, 422),
        (
            {
                "lines": [
                    {"account_id": "{a}", "debit": TWENTY_DIGITS},
                    {"account_id": "{a}", "credit": TWENTY_DIGITS},
                ]
            },
            422,
        ),
    ],
}


def _h(world: OrgWorld) -> dict[str, str]:
    # Sync routes also want the protocol version; the others ignore it.
    return {**world.owner.headers, "X-Protocol-Version": "1"}


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _mutate(body: dict[str, Any], change: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    out = dict(body)
    for k, v in change.items():
        if v is None and k in out and k not in {"cash_rounding_increment"}:
            out[k] = None
        else:
            out[k] = v
    text = repr(out)
    if "{a}" in text:
        out["lines"] = [{**ln, "account_id": ids["account_id"]} for ln in out["lines"]]
    return out


def _snapshot(client, world: OrgWorld) -> dict[str, str]:
    """Everything a write route could have touched, as the owner sees it."""
    h = world.owner.headers
    paths = [
        "/api/inventory/items?active=",
        "/api/inventory/locations",
        "/api/pos/customers",
        "/api/pos/tax-rates",
        "/api/pos/terminals",
        "/api/org/users",
        "/api/org/current",
        "/api/org/settings",
        "/api/accounting/accounts",
        "/api/accounting/journals",
        "/api/inventory/stock-levels",
        "/api/inventory/stock-movements",
    ]
    return {p: client.get(p, headers=h).text for p in paths}


def test_every_write_route_has_a_valid_and_bad_bodies(world_a: OrgWorld):
    writes = {(m, p) for m, p in ORG_ROUTES if m != "GET"}
    assert writes == set(valid_bodies(world_a.ids))
    assert writes - {("DELETE", "/api/inventory/items/{item_id}")} == set(BAD)


@pytest.mark.parametrize(("method", "path"), sorted(BAD))
def test_bad_input_is_refused_and_nothing_is_written(client, world_a: OrgWorld, method, path):
    ids = world_a.ids
    body = valid_bodies(ids)[(method, path)]
    url = _fill(path, ids)
    before = _snapshot(client, world_a)
    for change, status in BAD[(method, path)]:
        r = client.request(method, url, headers=_h(world_a), json=_mutate(body, change, ids))
        assert r.status_code == status, (change, r.text)
        err = r.json()["error"]
        assert err["code"] and err["message"], r.text
        assert "Traceback" not in r.text
        if status == 422 and err["code"] == "validation_error":
            assert all(d["field"].startswith("body") for d in err["details"]), err
    assert _snapshot(client, world_a) == before
    # The valid body goes through: the refusals above were about the input, not the route.
    r = client.request(method, url, headers=_h(world_a), json=body)
    assert r.status_code in (200, 201, 204), r.text


def test_validation_error_names_the_field(client, world_a: OrgWorld):
    r = client.post(
        "/api/inventory/items",
        headers=world_a.owner.headers,
        json={"sku": "X", "name": "Y", "price": "1" * 20},
    )
    err = r.json()["error"]
    assert r.status_code == 422
    assert err["code"] == "validation_error"
    assert [d["field"] for d in err["details"]] == ["body.price"]
    assert "body.price" in err["message"]


def test_malformed_json_and_wrong_shapes(client, world_a: OrgWorld):
    h = {**world_a.owner.headers, "Content-Type": "application/json"}
    for raw in (b"{not json", b"[1,2,3]", b'"a string"', b"null", b""):
        r = client.post("/api/inventory/items", headers=h, content=raw)
        assert r.status_code == 422, raw
        assert r.json()["error"]["code"] == "validation_error"


def test_oversized_body_is_413_before_parsing(client, world_a: OrgWorld):
    big = b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    r = client.post(
        "/api/pos/customers",
        headers={**world_a.owner.headers, "Content-Type": "application/json"},
        content=big,
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"

    def chunks():
        yield b'{"name": "'
        for _ in range(40):
            yield b"y" * 100_000
        yield b'"}'

    r = client.post(
        "/api/pos/customers",
        headers={**world_a.owner.headers, "Content-Type": "application/json"},
        content=chunks(),
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_bad_query_and_path_values(client, world_a: OrgWorld):
    h = world_a.owner.headers
    cases = [
        ("/api/inventory/items?limit=0", "query.limit"),
        ("/api/inventory/items?limit=100000", "query.limit"),
        ("/api/inventory/items?offset=-1", "query.offset"),
        ("/api/inventory/items/not-a-uuid", "path.item_id"),
        ("/api/pos/sales?since=2026-01-01T00:00:00", "query.since"),
        ("/api/pos/sales?kind=gift", "query.kind"),
        ("/api/accounting/trial-balance?as_of=soon", "query.as_of"),
    ]
    for url, field in cases:
        r = client.get(url, headers=h)
        assert r.status_code == 422, url
        assert [d["field"] for d in r.json()["error"]["details"]] == [field]


def test_unknown_route_and_method_use_the_error_shape(client, world_a: OrgWorld):
    r = client.get("/api/nowhere", headers=world_a.owner.headers)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = client.put("/api/inventory/items", headers=world_a.owner.headers, json={})
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_item_update_that_conflicts_changes_nothing(client, world_a: OrgWorld):
    """A price change in the same request as a taken barcode: neither lands."""
    h = world_a.owner.headers
    other = client.post(
        "/api/inventory/items",
        headers=h,
        json={"sku": "OTHER", "name": "Other", "price": "1.00", "barcodes": ["96385074"]},
    ).json()
    url = f"/api/inventory/items/{world_a.ids['item_id']}"
    before = client.get(url, headers=h).json()
    r = client.patch(url, headers=h, json={"price": "9.99", "barcodes": ["96385074"]})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "barcode_taken"
    assert r.json()["error"]["details"] == {"96385074": other["id"]}
    assert client.get(url, headers=h).json() == before
