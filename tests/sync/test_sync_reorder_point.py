"""An item's reorder point set at HQ reaches the tills with the item, on a delta and on a
first snapshot alike, and clearing it at HQ clears it on the till."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import httpx

from arcoiris_shared.db.inv import Item
from tests.sync.conftest import hq_headers
from tests.sync.helpers import hq_catalog, till_catalog


def _on_till(t, live_server, item_id: str) -> D | None:
    with t.db.read() as s:
        item = s.get(Item, (live_server.org_id, uuid.UUID(item_id)))
        assert item is not None
        return item.reorder_point


def test_a_reorder_point_set_at_hq_is_on_the_tills_item(live_server, make_terminal):
    t = make_terminal("R01")
    assert t.engine.sync_once().last_error is None
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id)
        item = hq.get("/api/inventory/items?limit=1", headers=h).json()["items"][0]
        r = hq.patch(f"/api/inventory/items/{item['id']}", headers=h, json={"reorder_point": "6"})
        assert r.status_code == 200, r.text
        assert D(r.json()["reorder_point"]) == 6
        refused = hq.patch(
            f"/api/inventory/items/{item['id']}", headers=h, json={"reorder_point": "-1"}
        )
        assert refused.status_code == 422
        assert t.engine.sync_once().last_error is None
        assert _on_till(t, live_server, item["id"]) == D("6.000")

        # A till's first snapshot brings it too, as it brings every other field.
        fresh = make_terminal("R02")
        assert fresh.engine.sync_once().last_error is None
        assert _on_till(fresh, live_server, item["id"]) == D("6.000")
        assert till_catalog(fresh) == hq_catalog(live_server)

        r = hq.patch(f"/api/inventory/items/{item['id']}", headers=h, json={"reorder_point": None})
        assert r.status_code == 200 and r.json()["reorder_point"] is None
        assert t.engine.sync_once().last_error is None
        assert _on_till(t, live_server, item["id"]) is None
