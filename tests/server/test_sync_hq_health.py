"""What ``/api/sync`` tells HQ and a terminal about where things stand, answered by the sync
service: a terminal's meta, HQ's dead letters and per-terminal health. The shapes are
pinned field by field: the console and the tills read them."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.server.ops import device, enroll


def _nonsense(seq: int) -> dict:
    """An op HQ can only refuse: a sale with nothing in it."""
    return {
        "seq": seq,
        "op_id": str(uuid.uuid4()),
        "kind": "sale.completed",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "payload": {"nothing": "here"},
    }


def test_meta_dead_letters_and_health_answer_as_before(client, world_a, world_b):
    till = enroll(client, world_a, "H1")
    meta = client.get("/api/sync/meta", headers=device(till)).json()
    assert set(meta) == {
        "server_time",
        "protocol_versions",
        "terminal_id",
        "terminal_code",
        "last_seq",
        "catalog_version",
    }
    assert meta["terminal_code"] == "H1" and meta["last_seq"] == 0
    assert meta["catalog_version"] >= 1 and 1 in meta["protocol_versions"]

    ops = [_nonsense(1), _nonsense(2)]
    r = client.post("/api/sync/push", headers=device(till), json={"ops": ops})
    assert [x["status"] for x in r.json()["results"]] == ["rejected", "rejected"]
    assert client.get("/api/sync/meta", headers=device(till)).json()["last_seq"] == 2

    h = world_a.manager.headers
    page = client.get("/api/sync/dead-letters", params={"limit": 1}, headers=h).json()
    assert set(page) == {"items", "limit", "offset", "next_offset"}
    assert page["limit"] == 1 and page["offset"] == 0 and page["next_offset"] == 1
    (letter,) = page["items"]
    assert set(letter) == {
        "id",
        "terminal_id",
        "seq",
        "op_id",
        "kind",
        "reason",
        "received_at",
        "payload",
    }
    assert letter["terminal_id"] == till["terminal_id"] and letter["kind"] == "sale.completed"
    assert letter["payload"] == {"nothing": "here"} and letter["op_id"] in {o["op_id"] for o in ops}
    rest = client.get("/api/sync/dead-letters", params={"offset": 1}, headers=h).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    other = client.get(
        "/api/sync/dead-letters", params={"terminal_id": world_a.ids["terminal_id"]}, headers=h
    )
    assert other.json()["items"] == []

    health = client.get("/api/sync/health", headers=h).json()
    assert [t["code"] for t in health] == sorted(t["code"] for t in health)
    by_code = {t["code"]: t for t in health}
    mine = by_code["H1"]
    assert set(mine) == {
        "terminal_id",
        "code",
        "name",
        "status",
        "enrolled",
        "last_seen_at",
        "last_seq",
        "rejected_ops",
    }
    assert (mine["enrolled"], mine["last_seq"], mine["rejected_ops"]) == (True, 2, 2)
    # T01 was made at HQ but never enrolled: listed all the same, with nothing sent.
    never = by_code["T01"]
    assert (never["enrolled"], never["last_seen_at"], never["last_seq"]) == (False, None, 0)
    assert never["rejected_ops"] == 0
    # Org B sees none of it.
    assert "H1" not in {
        t["code"] for t in client.get("/api/sync/health", headers=world_b.owner.headers).json()
    }
