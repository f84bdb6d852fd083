"""The catalog and the stock ledger: level = opening + Σ movements, negative allowed and flagged."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from sync_server.main import create_app
from tests.server.conftest import OrgWorld, rolled_back


def test_item_with_several_barcodes_is_found_by_each(client, world_a: OrgWorld):
    h = world_a.owner.headers
    item = client.post(
        "/api/inventory/items",
        headers=h,
        json={
            "sku": "MULTI",
            "name": "Multi-pack Cola",
            "price": "4.99",
            "barcodes": ["96385074", "012345678905", "INHOUSE-7"],
        },
    ).json()
    assert sorted(item["barcodes"]) == ["012345678905", "96385074", "INHOUSE-7"]
    for code in item["barcodes"]:
        r = client.get(f"/api/inventory/items/by-barcode/{code}", headers=h)
        assert r.json()["id"] == item["id"]
    found = client.get("/api/inventory/items?q=cola", headers=h).json()["items"]
    assert [i["sku"] for i in found] == ["MULTI"]
    by_code = client.get("/api/inventory/items?q=012345678905", headers=h).json()["items"]
    assert [i["sku"] for i in by_code] == ["MULTI"]


def test_an_item_keeps_the_reorder_point_hq_gives_it(client, world_a: OrgWorld):
    h = world_a.owner.headers
    body = {"sku": "LOW-1", "name": "Paper bags", "price": "0.10", "reorder_point": "25"}
    item = client.post("/api/inventory/items", headers=h, json=body).json()
    assert Decimal(item["reorder_point"]) == 25
    read = client.get(f"/api/inventory/items/{item['id']}", headers=h).json()
    assert Decimal(read["reorder_point"]) == 25
    negative = {**body, "sku": "LOW-2", "reorder_point": "-1"}
    assert client.post("/api/inventory/items", headers=h, json=negative).status_code == 422
    unwatched = {"sku": "LOW-3", "name": "Bin liners", "price": "1.00"}
    assert (
        client.post("/api/inventory/items", headers=h, json=unwatched).json()["reorder_point"]
        is None
    )


def test_search_treats_wildcards_literally(client, world_a: OrgWorld):
    h = world_a.owner.headers
    client.post(
        "/api/inventory/items",
        headers=h,
        json={"sku": "PCT", "name": "100% Juice", "price": "1.00"},
    )
    assert [
        i["sku"] for i in client.get("/api/inventory/items?q=%25", headers=h).json()["items"]
    ] == ["PCT"]
    assert client.get("/api/inventory/items?q=_", headers=h).json()["items"] == []


def test_deactivated_item_leaves_default_list_but_keeps_its_history(client, world_a: OrgWorld):
    h = world_a.owner.headers
    url = f"/api/inventory/items/{world_a.ids['item_id']}"
    assert client.delete(url, headers=h).status_code == 204
    assert client.get("/api/inventory/items", headers=h).json()["items"] == []
    inactive = client.get("/api/inventory/items?active=false", headers=h).json()["items"]
    assert [i["id"] for i in inactive] == [world_a.ids["item_id"]]
    assert client.get(f"/api/pos/sales/{world_a.ids['sale_id']}", headers=h).status_code == 200


def test_pages_chain_with_next_offset(client, world_a: OrgWorld):
    h = world_a.owner.headers
    for n in range(5):
        client.post(
            "/api/inventory/items",
            headers=h,
            json={"sku": f"P{n}", "name": f"Paged {n}", "price": "1"},
        )
    seen, offset = [], 0
    while offset is not None:
        page = client.get(f"/api/inventory/items?q=Paged&limit=2&offset={offset}", headers=h).json()
        seen += [i["sku"] for i in page["items"]]
        offset = page["next_offset"]
    assert seen == ["P0", "P1", "P2", "P3", "P4"]


@settings(max_examples=15)
@given(
    st.lists(
        st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=3).filter(
            lambda d: d != 0
        ),
        min_size=1,
        max_size=8,
    )
)
def test_level_is_opening_plus_sum_of_movements(engine, settings, world_a: OrgWorld, deltas):
    with (
        rolled_back(engine) as factory,
        TestClient(create_app(settings, session_factory=factory)) as client,
    ):
        h = world_a.owner.headers
        ids = world_a.ids
        url = f"/api/inventory/stock-levels?item_id={ids['item_id']}"
        opening = Decimal(client.get(url, headers=h).json()["items"][0]["quantity"])
        for d in deltas:
            r = client.post(
                "/api/inventory/stock-movements",
                headers=h,
                json={
                    "item_id": ids["item_id"],
                    "location_id": ids["location_id"],
                    "reason": "adjustment",
                    "quantity": str(d),
                },
            )
            assert r.status_code == 201, r.text
        level = client.get(url, headers=h).json()["items"][0]
        assert Decimal(level["quantity"]) == opening + sum(deltas)
        assert level["negative"] is (Decimal(level["quantity"]) < 0)
        moves = client.get(
            f"/api/inventory/stock-movements?item_id={ids['item_id']}&limit=500", headers=h
        ).json()["items"]
        assert sum(Decimal(m["quantity"]) for m in moves) == Decimal(level["quantity"])


def test_negative_stock_is_listed_as_such(client, world_a: OrgWorld):
    h = world_a.owner.headers
    ids = world_a.ids
    client.post(
        "/api/inventory/stock-movements",
        headers=h,
        json={
            "item_id": ids["item_id"],
            "location_id": ids["location_id"],
            "reason": "adjustment",
            "quantity": "-15",
        },
    )
    neg = client.get("/api/inventory/stock-levels?negative_only=true", headers=h).json()["items"]
    assert [(n["sku"], n["quantity"], n["negative"]) for n in neg] == [(ids["sku"], "-5.000", True)]


def test_untracked_items_have_no_stock_to_move(client, world_a: OrgWorld):
    h = world_a.owner.headers
    svc = client.post(
        "/api/inventory/items",
        headers=h,
        json={"sku": "SVC", "name": "Gift wrapping", "price": "1.50", "tracked": False},
    ).json()
    r = client.post(
        "/api/inventory/stock-movements",
        headers=h,
        json={
            "item_id": svc["id"],
            "location_id": world_a.ids["location_id"],
            "reason": "receipt",
            "quantity": "1",
        },
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "item_not_tracked"


def test_sale_detail_shows_lines_payments_and_taxes(client, world_a: OrgWorld):
    sale = client.get(
        f"/api/pos/sales/{world_a.ids['sale_id']}", headers=world_a.manager.headers
    ).json()
    assert sale["receipt_code"] == "T01-000001"
    assert Decimal(sale["total"]) == sum(Decimal(x["total"]) for x in sale["lines"])
    assert Decimal(sale["tax_total"]) == sum(Decimal(t["amount"]) for t in sale["taxes"])
    paid = sum(Decimal(p["amount"]) for p in sale["payments"])
    assert paid == Decimal(sale["total"])
