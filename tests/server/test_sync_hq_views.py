"""What HQ reads of what the tills sent: sales across stores and terminals, narrowed by
terminal, store, kind and time, paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.server.ops import enroll, push, sale_op


def _ops(world, enrolled: dict[str, Any], code: str, seqs: range, refund_at: int | None = None):
    ops = []
    for seq in seqs:
        op = sale_op(world, enrolled, seq)
        op["payload"]["sale"]["receipt_code"] = f"{code}-{seq:06d}"
        ops.append(op)
    if refund_at is not None:
        original = ops[0]["payload"]["sale"]["id"]
        refund = sale_op(world, enrolled, refund_at, kind="refund", refund_of=original)
        refund["payload"]["sale"]["receipt_code"] = f"{code}-R{refund_at:05d}"
        ops.append(refund)
    return ops


def test_hq_lists_sales_by_terminal_store_kind_and_time(client, world_a):
    a, b = enroll(client, world_a, code="V1"), enroll(client, world_a, code="V2")
    before = dt.datetime.now(dt.UTC)
    assert push(client, a, _ops(world_a, a, "V1", range(1, 4), refund_at=4)).status_code == 200
    assert push(client, b, _ops(world_a, b, "V2", range(1, 3))).status_code == 200
    after = dt.datetime.now(dt.UTC)
    h = world_a.manager.headers

    def codes(**query: Any) -> list[str]:
        params = {"limit": 500, **query}
        r = client.get("/api/pos/sales", params=params, headers=h)
        assert r.status_code == 200, r.text
        return sorted(s["receipt_code"] for s in r.json()["items"])

    mine = {"since": before.isoformat(), "until": after.isoformat()}
    assert codes(**mine) == [
        "V1-000001", "V1-000002", "V1-000003", "V1-R00004", "V2-000001", "V2-000002",
    ]  # fmt: skip
    assert codes(terminal_id=b["terminal_id"]) == ["V2-000001", "V2-000002"]
    assert codes(terminal_id=a["terminal_id"], kind="refund") == ["V1-R00004"]
    assert codes(location_id=world_a.ids["location_id"], **mine) == codes(**mine)
    assert codes(until=before.isoformat(), terminal_id=a["terminal_id"]) == []
    first = client.get(
        "/api/pos/sales", params={"limit": 2, **mine, "terminal_id": a["terminal_id"]}, headers=h
    ).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
