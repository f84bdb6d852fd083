"""The sync protocol on the server: enrolment, device credentials, exactly-once push,
business rejections that never block the queue, journals that balance, pull and snapshot.

Ops are built the way the till builds them (tests/server/ops.py): amounts from the shared
calculator.
"""

from __future__ import annotations

import uuid
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import func, select

from arcoiris_shared.db.pos import Sale
from sync_server.accounting.models import Journal, JournalLine
from tests.server.ops import (
    PROTOCOL,
    closed_shift_row,
    device,
    enroll,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
    stock_level,
)


def test_enrolment_needs_a_manager_and_gives_a_working_credential(client, world_a):
    r = client.post(
        "/api/sync/enroll",
        headers={**world_a.cashier.headers, **PROTOCOL},
        json={"location_id": world_a.ids["location_id"], "code": "T09", "name": "x"},
    )
    assert r.status_code == 403
    enrolled = enroll(client, world_a)
    assert enrolled["last_seq"] == 0 and enrolled["last_receipt_no"] == 0
    meta = client.get("/api/sync/meta", headers=device(enrolled)).json()
    assert meta["terminal_code"] == "T09" and meta["last_seq"] == 0
    assert meta["protocol_versions"] == [1]


def test_protocol_version_is_required_and_checked(client, world_a):
    enrolled = enroll(client, world_a)
    auth = {"Authorization": f"Device {enrolled['credential']}"}
    for headers in (auth, {**auth, "X-Protocol-Version": "9"}, {**auth, "X-Protocol-Version": "x"}):
        r = client.get("/api/sync/meta", headers=headers)
        assert r.status_code == 426
        assert r.json()["error"]["code"] == "protocol_unsupported"
        assert r.json()["error"]["details"] == {"supported": [1]}


def test_bad_revoked_and_replaced_credentials_are_401(client, world_a):
    enrolled = enroll(client, world_a)
    for auth in (
        "Bearer x",
        "Device nonsense",
        f"Device {uuid.uuid4()}.secret",
        f"Device {enrolled['terminal_id']}.wrong-secret",
    ):
        r = client.get("/api/sync/meta", headers={"Authorization": auth, **PROTOCOL})
        assert r.status_code == 401, auth
    again = enroll(client, world_a)  # re-enrolling rotates the credential
    assert client.get("/api/sync/meta", headers=device(enrolled)).status_code == 401
    assert client.get("/api/sync/meta", headers=device(again)).status_code == 200
    client.patch(
        f"/api/pos/terminals/{again['terminal_id']}",
        headers=world_a.owner.headers,
        json={"status": "revoked"},
    )
    r = client.get("/api/sync/meta", headers=device(again))
    assert r.status_code == 401 and r.json()["error"]["code"] == "terminal_revoked"


def test_push_applies_once_moves_stock_and_posts_balanced_journals(client, db, world_a):
    enrolled = enroll(client, world_a)
    before = stock_level(client, world_a)
    ops = [sale_op(world_a, enrolled, s) for s in (1, 2, 3)]
    r = push(client, enrolled, ops)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(x["seq"], x["status"], x["duplicate"]) for x in body["results"]] == [
        (1, "applied", False),
        (2, "applied", False),
        (3, "applied", False),
    ]
    assert body["last_seq"] == 3 and body["expected_seq"] is None
    assert stock_level(client, world_a) == before - 6

    again = push(client, enrolled, ops).json()  # the response was lost; the till retries
    assert [(x["status"], x["duplicate"]) for x in again["results"]] == [("applied", True)] * 3
    assert stock_level(client, world_a) == before - 6
    sale_ids = [op["payload"]["sale"]["id"] for op in ops]
    assert (
        db.scalar(
            select(func.count())
            .select_from(Sale)
            .where(Sale.id.in_([uuid.UUID(i) for i in sale_ids]))
        )
        == 3
    )
    journals = db.scalars(select(Journal).where(Journal.source_type == "sale")).all()
    assert len(journals) == 3
    for j in journals:
        lines = db.scalars(select(JournalLine).where(JournalLine.journal_id == j.id)).all()
        assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines) > 0
    tb = client.get("/api/accounting/trial-balance", headers=world_a.owner.headers).json()
    assert tb["balanced"]
    rows = {r["code"]: D(r["balance"]) for r in tb["rows"]}
    assert rows["1000"] == D("15.00")  # cash: three sales of 5.00
    assert rows["4000"] == -D("12.39")  # revenue net of tax
    assert rows["2100"] == -D("2.61")  # tax payable
    assert rows["5000"] == D("6.00") and rows["1200"] == -D("6.00")  # cost out of inventory


def test_gap_stops_the_batch_and_names_the_seq_it_expects(client, world_a):
    enrolled = enroll(client, world_a)
    r = push(client, enrolled, [sale_op(world_a, enrolled, 1), sale_op(world_a, enrolled, 3)])
    body = r.json()
    assert [x["seq"] for x in body["results"]] == [1]
    assert body["last_seq"] == 1 and body["expected_seq"] == 2


def test_same_seq_with_another_payload_is_refused_loudly(client, world_a):
    enrolled = enroll(client, world_a)
    op = sale_op(world_a, enrolled, 1)
    push(client, enrolled, [op])
    forged = {**op, "payload": {**op["payload"], "extra": 1}}
    r = push(client, enrolled, [forged])
    assert r.status_code == 409 and r.json()["error"]["code"] == "op_conflict"
    other = {**sale_op(world_a, enrolled, 2), "op_id": op["op_id"]}
    r = push(client, enrolled, [other])
    assert r.status_code == 409


def test_a_rejected_op_is_dead_lettered_and_never_blocks_the_queue(client, world_a, world_b):
    enrolled = enroll(client, world_a)
    unknown_item = sale_op(world_a, enrolled, 1, item_id=world_b.ids["item_id"])
    wrong_sums = sale_op(world_a, enrolled, 2)
    wrong_sums["payload"]["sale"]["total"] = "999.00"
    foreign_org = sale_op(world_a, enrolled, 3)
    foreign_org["payload"]["sale"]["org_id"] = str(world_b.org_id)
    malformed = sale_op(world_a, enrolled, 4)
    malformed["payload"]["lines"][0]["quantity"] = "lots"
    good = sale_op(world_a, enrolled, 5)
    body = push(client, enrolled, [unknown_item, wrong_sums, foreign_org, malformed, good]).json()
    statuses = [(x["seq"], x["status"]) for x in body["results"]]
    assert statuses == [
        (1, "rejected"),
        (2, "rejected"),
        (3, "rejected"),
        (4, "rejected"),
        (5, "applied"),
    ]
    reasons = [x["reason"] for x in body["results"][:4]]
    assert "unknown item" in reasons[0] and "sum of the lines" in reasons[1]
    assert "another organization" in reasons[2] and "malformed" in reasons[3]
    letters = client.get("/api/sync/dead-letters", headers=world_a.manager.headers).json()["items"]
    assert sorted(x["seq"] for x in letters) == [1, 2, 3, 4]
    assert letters[0]["payload"]["sale"]
    health = client.get("/api/sync/health", headers=world_a.manager.headers).json()
    mine = next(h for h in health if h["code"] == "T09")
    assert mine["last_seq"] == 5 and mine["rejected_ops"] == 4 and mine["enrolled"]
    # Org B never sees A's dead letters.
    assert client.get("/api/sync/dead-letters", headers=world_b.owner.headers).json()["items"] == []


def test_refund_reverses_revenue_through_sales_refunds(client, db, world_a):
    enrolled = enroll(client, world_a)
    sale = sale_op(world_a, enrolled, 1)
    refund = sale_op(
        world_a, enrolled, 2, kind="refund", refund_of=sale["payload"]["sale"]["id"], qty=D(2)
    )
    body = push(client, enrolled, [sale, refund]).json()
    assert [x["status"] for x in body["results"]] == ["applied", "applied"]
    tb = {
        r["code"]: D(r["balance"])
        for r in client.get("/api/accounting/trial-balance", headers=world_a.owner.headers).json()[
            "rows"
        ]
    }
    assert tb["4900"] == D("4.13") and tb["4000"] == -D("4.13")
    orphan = sale_op(world_a, enrolled, 3, kind="refund", refund_of=str(uuid.uuid4()))
    body = push(client, enrolled, [orphan]).json()
    assert body["results"][0]["status"] == "rejected"


def test_too_many_ops_is_413_so_the_client_halves(client, world_a):
    enrolled = enroll(client, world_a)
    op = sale_op(world_a, enrolled, 1)
    ops = [{**op, "seq": n, "op_id": str(uuid.uuid4())} for n in range(1, 502)]
    r = push(client, enrolled, ops)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"


def test_pull_snapshot_then_deltas_in_version_order(client, world_a):
    enrolled = enroll(client, world_a)
    first = client.get("/api/sync/pull?cursor=0", headers=device(enrolled)).json()
    assert first["snapshot_required"] is True
    version = first["catalog_version"]
    seen: dict[str, list[dict[str, Any]]] = {}
    for entity in ("setting", "tax_rate", "location", "staff", "customer", "item"):
        after = None
        while True:
            url = f"/api/sync/snapshot?entity={entity}&limit=2" + (
                f"&after={after}" if after else ""
            )
            page = client.get(url, headers=device(enrolled)).json()
            seen.setdefault(entity, []).extend(page["rows"])
            after = page["next_after"]
            if after is None:
                break
    assert [i["sku"] for i in seen["item"]] == [world_a.ids["sku"]]
    assert {s["role"] for s in seen["staff"]} == {"owner", "manager", "cashier"}
    assert all(s["pin_hash"] for s in seen["staff"] if s["role"] != "owner")
    assert {s["id"] for s in seen["setting"]} >= {"currency", "locale", "timezone", "org_name"}
    empty = client.get(f"/api/sync/pull?cursor={version}", headers=device(enrolled)).json()
    assert empty["changes"] == [] and empty["cursor"] == version and not empty["has_more"]

    h = world_a.owner.headers
    client.patch(
        f"/api/inventory/items/{world_a.ids['item_id']}",
        headers=h,
        json={"price": "2.75", "barcodes": ["96385074"]},
    )
    client.patch("/api/org/settings", headers=h, json={"idle_lock_seconds": 90})
    delta = client.get(f"/api/sync/pull?cursor={version}", headers=device(enrolled)).json()
    changed = {(c["entity"], c["key"]): c for c in delta["changes"]}
    item = changed[("item", world_a.ids["item_id"])]["data"]
    assert item["price"] == "2.7500" and item["barcodes"] == ["96385074"]
    assert changed[("setting", "idle_lock_seconds")]["data"]["value"] == 90
    assert delta["cursor"] == delta["catalog_version"] > version
    # Paging by one still walks every change, a whole version per page.
    cursor, walked = version, []
    while True:
        page = client.get(
            f"/api/sync/pull?cursor={cursor}&limit=1", headers=device(enrolled)
        ).json()
        walked += [(c["entity"], c["key"]) for c in page["changes"]]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert set(walked) == set(changed)
    too_new = client.get(f"/api/sync/pull?cursor={cursor + 50}", headers=device(enrolled)).json()
    assert too_new["snapshot_required"] is True


@pytest.mark.parametrize(
    "path",
    [
        "/api/sync/pull?cursor=-1",
        "/api/sync/snapshot?entity=users",
        "/api/sync/snapshot?entity=item&after=x",
    ],
)
def test_bad_pull_requests_get_4xx(client, world_a, path):
    enrolled = enroll(client, world_a)
    r = client.get(path, headers=device(enrolled))
    assert 400 <= r.status_code < 500 and r.json()["error"]["code"]


def test_a_reenrolled_till_goes_on_from_its_last_z_number(client, world_a):
    """A till restored or re-enrolled must not print Z No. 1 again: enrolment tells it the
    highest Z number HQ holds from it, and the till raises its counter to it."""
    enrolled = enroll(client, world_a)
    assert enrolled["last_z_number"] == 0
    shift = shift_row(world_a, enrolled)
    closed = {**closed_shift_row(shift, world_a, "100.00", "100.00"), "z_number": 7}
    r = push(
        client,
        enrolled,
        [
            op(1, "shift.opened", {"shift": shift}),
            op(2, "shift.closed", {"shift": closed}),
        ],
    )
    assert statuses(r.json()) == ["applied", "applied"]
    assert enroll(client, world_a)["last_z_number"] == 7
