"""What HQ does with ops its checks pass but its database would not store, with times the
calendar does not have, and with tills that are in touch without pushing: one bad op is
rejected alone (never a 500, never a 409 that stops the till's queue), and HQ's health list
and the tills' settings stay current."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from arcoiris_shared.db.pos import Sale
from tests.server.ops import (
    customer_payload,
    device,
    enroll,
    now,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
)


def _results(body: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {x["seq"]: x for x in body["results"]}


def test_times_the_calendar_does_not_have_are_rejected_alone(client, world_a):
    enrolled = enroll(client, world_a)
    thirteenth_month = customer_payload(world_a, "Ana", "2024-13-01T10:00:00Z")
    leap_day = sale_op(world_a, enrolled, 2)
    leap_day["payload"]["sale"]["occurred_at"] = "2023-02-29T10:00:00+00:00"
    late_hour = shift_row(world_a, enrolled, opened_at="2024-05-01T25:00:00+02:00")
    far_future = sale_op(world_a, enrolled, 4)
    far_future["payload"]["movements"][0]["occurred_at"] = "9999-12-31T23:59:59-05:00"
    ops = [
        op(1, "customer.upserted", thirteenth_month),
        leap_day,
        op(3, "shift.opened", {"shift": late_hour}),
        far_future,
        sale_op(world_a, enrolled, 5),
    ]
    r = push(client, enrolled, ops)
    assert r.status_code == 200, r.text
    results = _results(r.json())
    assert [results[s]["status"] for s in range(1, 6)] == ["rejected"] * 4 + ["applied"]
    assert "customer.updated_at" in results[1]["reason"] and "month" in results[1]["reason"]
    assert "sale.occurred_at" in results[2]["reason"] and "day" in results[2]["reason"]
    assert "opened_at" in results[3]["reason"] and "hour" in results[3]["reason"]
    assert "year is out of range" in results[4]["reason"]
    assert r.json()["last_seq"] == 5


def test_an_op_the_database_refuses_is_rejected_alone_and_the_queue_moves_on(client, db, world_a):
    enrolled = enroll(client, world_a)
    first = sale_op(world_a, enrolled, 1)
    assert statuses(push(client, enrolled, [first]).json()) == ["applied"]
    # A till restored from an old backup prints receipt codes HQ already has: the checks
    # cannot see it, the unique key does.
    reused = sale_op(world_a, enrolled, 2)
    reused["payload"]["sale"]["receipt_code"] = first["payload"]["sale"]["receipt_code"]
    ops = [first, reused, sale_op(world_a, enrolled, 3), sale_op(world_a, enrolled, 4)]
    r = push(client, enrolled, ops)
    assert r.status_code == 200, r.text
    body = r.json()
    results = _results(body)
    assert len(results) == 4, body
    assert results[1]["duplicate"] and results[1]["status"] == "applied"
    assert [results[s]["status"] for s in (2, 3, 4)] == ["rejected", "applied", "applied"]
    assert "cannot store it" in results[2]["reason"]
    assert "receipt_code" in results[2]["reason"]
    assert body["last_seq"] == 4 and body["expected_seq"] is None
    assert _sales_of(db, enrolled) == 3

    letters = client.get("/api/sync/dead-letters", headers=world_a.manager.headers).json()
    assert [x["seq"] for x in letters["items"]] == [2]
    # Sent again (the answer lost on the way): the same answers, nothing applied twice.
    again = push(client, enrolled, ops).json()
    assert [(x["seq"], x["status"]) for x in again["results"]] == [
        (1, "applied"),
        (2, "rejected"),
        (3, "applied"),
        (4, "applied"),
    ]
    assert all(x["duplicate"] for x in again["results"])
    db.expire_all()
    assert _sales_of(db, enrolled) == 3


def _sales_of(db, enrolled: dict[str, Any]) -> int:
    mine = Sale.terminal_id == uuid.UUID(enrolled["terminal_id"])
    return int(db.scalar(select(func.count()).select_from(Sale).where(mine)))


def test_a_till_that_only_pulls_is_seen_by_hq(client, world_a):
    enrolled = enroll(client, world_a)

    def seen() -> str | None:
        health = client.get("/api/sync/health", headers=world_a.manager.headers).json()
        mine: dict[str, Any] = next(h for h in health if h["code"] == "T09")
        return mine["last_seen_at"]

    assert seen() is None
    r = client.get("/api/sync/pull?cursor=0", headers=device(enrolled))
    assert r.status_code == 200
    first = seen()
    assert first is not None
    # Within the minute, a pull does not write again.
    client.get("/api/sync/pull?cursor=0", headers=device(enrolled))
    assert seen() == first


def test_the_orgs_name_and_timezone_reach_the_tills(client, world_a):
    enrolled = enroll(client, world_a)
    version = client.get("/api/sync/meta", headers=device(enrolled)).json()["catalog_version"]
    r = client.patch(
        "/api/org/current",
        headers=world_a.owner.headers,
        json={"name": "Arcoiris Lisboa", "timezone": "Europe/Lisbon"},
    )
    assert r.status_code == 200, r.text
    delta = client.get(f"/api/sync/pull?cursor={version}", headers=device(enrolled)).json()
    changed = {c["key"]: c["data"]["value"] for c in delta["changes"] if c["entity"] == "setting"}
    assert changed == {"org_name": "Arcoiris Lisboa", "timezone": "Europe/Lisbon"}
    # Saving the same values again tells the tills nothing new.
    client.patch(
        "/api/org/current", headers=world_a.owner.headers, json={"timezone": "Europe/Lisbon"}
    )
    after = client.get(f"/api/sync/pull?cursor={delta['cursor']}", headers=device(enrolled)).json()
    assert after["changes"] == []


def test_meta_says_the_time_versions_last_seq_and_catalog_version(client, world_a):
    enrolled = enroll(client, world_a)
    push(client, enrolled, [sale_op(world_a, enrolled, 1), sale_op(world_a, enrolled, 2)])
    meta = client.get("/api/sync/meta", headers=device(enrolled)).json()
    assert meta["protocol_versions"] == [1]
    assert meta["last_seq"] == 2
    assert meta["terminal_code"] == "T09"
    pulled = client.get("/api/sync/pull?cursor=0", headers=device(enrolled)).json()
    assert meta["catalog_version"] == pulled["catalog_version"] >= 1
    assert abs((_parse(meta["server_time"]) - _parse(now())).total_seconds()) < 60


def _parse(text: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_nul_in_a_text_is_refused_alone_and_its_dead_letter_kept(client, world_a):
    enrolled = enroll(client, world_a)
    nul = sale_op(world_a, enrolled, 1)
    nul["payload"]["lines"][0]["name"] = "Leche\x00entera"
    r = push(client, enrolled, [nul, sale_op(world_a, enrolled, 2)])
    assert r.status_code == 200, r.text
    results = _results(r.json())
    assert results[1]["status"] == "rejected" and "NUL" in results[1]["reason"]
    assert results[2]["status"] == "applied"
    letters = client.get("/api/sync/dead-letters", headers=world_a.manager.headers).json()
    (letter,) = letters["items"]
    assert letter["payload"]["lines"][0]["name"] == "Leche\\u0000entera"


def test_only_the_datas_own_faults_reject_an_op():
    """A key HQ already holds or a value it cannot store is the op's fault; a missing
    reference, a NOT NULL, a lost connection are HQ's: the till must keep that op."""
    import psycopg
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    from sync_server.sync.ingest import _refused_data

    assert _refused_data(IntegrityError("COPY", None, psycopg.errors.UniqueViolation()))
    assert _refused_data(DataError("COPY", None, psycopg.errors.NumericValueOutOfRange()))
    assert _refused_data(DataError("COPY", None, psycopg.DataError("NUL")))
    assert not _refused_data(IntegrityError("x", None, psycopg.errors.ForeignKeyViolation()))
    assert not _refused_data(IntegrityError("x", None, psycopg.errors.NotNullViolation()))
    assert not _refused_data(IntegrityError("x", None, psycopg.errors.CheckViolation()))
    assert not _refused_data(OperationalError("x", None, psycopg.OperationalError()))
    assert not _refused_data(None)
