"""A crowd of terminals pushing at the same moment never stalls the server.

Each request takes a pooled connection in one threadpool hop and runs the route in
another; unbounded, requests holding connections wait for threads while threads wait for
connections. The live server here has a pool of 5 (+5 overflow): 80 pushes at once used to
hang until the pool timed out.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import httpx

from tests.sync.conftest import hq_headers


def test_eighty_terminals_push_at_once_and_all_get_answers(live_server):
    with httpx.Client(base_url=live_server.url) as http:
        h = {**hq_headers(http, live_server.org_id, "manager"), "X-Protocol-Version": "1"}
        store = next(
            x
            for x in http.get("/api/inventory/locations", headers=h).json()["items"]
            if x["code"] == "MAIN"
        )["id"]
        devices = [
            http.post(
                "/api/sync/enroll",
                headers=h,
                json={"location_id": store, "code": f"CR{k:02d}", "name": "crowd"},
            ).json()
            for k in range(80)
        ]
    now = dt.datetime.now(dt.UTC).isoformat()
    results: list[object] = []
    barrier = threading.Barrier(len(devices))

    def push(device: dict[str, str]) -> None:
        # An op this server does not take yet: acknowledged as rejected, the full push path.
        body = {
            "ops": [
                {
                    "seq": 1,
                    "op_id": str(uuid.uuid4()),
                    "kind": "stock.moved",
                    "occurred_at": now,
                    "payload": {},
                }
            ]
        }
        headers = {"Authorization": f"Device {device['credential']}", "X-Protocol-Version": "1"}
        with httpx.Client(base_url=live_server.url, timeout=20) as c:
            barrier.wait()
            try:
                results.append(c.post("/api/sync/push", json=body, headers=headers).status_code)
            except httpx.TransportError as exc:
                results.append(type(exc).__name__)

    threads = [threading.Thread(target=push, args=(d,)) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 80
