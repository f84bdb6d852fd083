"""The sync protocol on the server: enrolment, device credentials, exactly-once push,
business rejections that never block the queue, journals that balance, pull and snapshot.

Ops are built the way the till builds them: amounts from the shared calculator.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import func, select

from arcoiris_shared.db.pos import Sale
from arcoiris_shared.tax import LineInput, TaxRate, compute_sale_totals
from sync_server.accounting.models import Journal, JournalLine
from tests.server.conftest import OrgWorld

V = {"X-Protocol-Version": "1"}
STD = TaxRate("STD", "Standard", D("21"))


def enroll(client, world: OrgWorld, code: str = "T09") -> dict[str, Any]:
    r = client.post(
        "/api/sync/enroll",
        headers={**world.manager.headers, **V},
        json={"location_id": world.ids["location_id"], "code": code, "name": f"Till {code}"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def device(enrolled: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Device {enrolled['credential']}", **V}


def sale_op(
    world: OrgWorld,
    enrolled: dict[str, Any],
    seq: int,
    *,
    qty: D = D(2),
    item_id: str | None = None,
    kind: str = "sale",
    refund_of: str | None = None,
    cash: bool = True,
) -> dict[str, Any]:
    """A sale (or refund) op as the till writes it: 2.50 each at 21 % inclusive."""
    sale_id = str(uuid.uuid4())
    sign = 1 if kind == "sale" else -1
    totals = compute_sale_totals(
        [LineInput(quantity=qty, unit_price=D("2.50"), rates=(STD,))],
        currency="EUR",
        prices_include_tax=True,
    )
    t = totals.lines[0]
    now = dt.datetime.now(dt.UTC).isoformat()
    org, term = str(world.org_id), enrolled["terminal_id"]
    n = lambda v: str(v * sign)  # noqa: E731 - a refund is the negative of the same sale
    payload = {
        "sale": {
            "org_id": org,
            "id": sale_id,
            "kind": kind,
            "terminal_id": term,
            "location_id": world.ids["location_id"],
            "shift_id": None,
            "receipt_no": seq,
            "receipt_code": f"T09-{seq:06d}",
            "refund_of_sale_id": refund_of,
            "cashier_id": str(world.cashier.user_id),
            "approved_by": None,
            "customer_id": None,
            "currency": "EUR",
            "prices_include_tax": True,
            "tax_rounding": "per_line",
            "gross": n(totals.gross),
            "discount_total": "0",
            "net": n(totals.net),
            "tax_total": n(totals.tax_total),
            "total": n(totals.total),
            "cash_rounding": "0",
            "occurred_at": now,
        },
        "lines": [
            {
                "org_id": org,
                "sale_id": sale_id,
                "line_no": 1,
                "item_id": item_id or world.ids["item_id"],
                "sku": world.ids["sku"],
                "name": "Item",
                "quantity": n(qty),
                "unit_price": "2.50",
                "gross": n(t.gross),
                "line_discount": "0",
                "sale_discount": "0",
                "net": n(t.net),
                "tax": n(t.tax),
                "total": n(t.total),
                "unit_cost": "1.00",
                "taxes": [{"code": "STD", "rate": "21", "base": n(t.net), "amount": n(t.tax)}],
                "price_overridden": False,
                "refund_of_line_no": 1 if refund_of else None,
            }
        ],
        "taxes": [
            {
                "org_id": org,
                "sale_id": sale_id,
                "tax_code": "STD",
                "tax_name": "Standard",
                "rate": "21",
                "base": n(totals.net),
                "amount": n(totals.tax_total),
            }
        ],
        "payments": [
            {
                "org_id": org,
                "sale_id": sale_id,
                "payment_no": 1,
                "method": "cash" if cash else "card",
                "amount": n(totals.total),
                "tendered": None,
                "change": "0",
                "reference": None,
                "occurred_at": now,
            }
        ],
        "movements": [
            {
                "org_id": org,
                "id": str(uuid.uuid4()),
                "item_id": item_id or world.ids["item_id"],
                "location_id": world.ids["location_id"],
                "quantity": n(-qty),
                "unit_cost": "1.00",
                "reason": kind,
                "source_type": "sale",
                "source_id": sale_id,
                "terminal_id": term,
                "note": None,
                "occurred_at": now,
            }
        ],
    }
    return {
        "seq": seq,
        "op_id": str(uuid.uuid4()),
        "kind": "sale.completed" if kind == "sale" else "sale.refunded",
        "occurred_at": now,
        "payload": payload,
    }


def push(client, enrolled, ops):
    return client.post("/api/sync/push", headers=device(enrolled), json={"ops": ops})


def _level(client, world):
    url = f"/api/inventory/stock-levels?item_id={world.ids['item_id']}"
    return D(client.get(url, headers=world.owner.headers).json()["items"][0]["quantity"])


def test_enrolment_needs_a_manager_and_gives_a_working_credential(client, world_a):
    r = client.post(
        "/api/sync/enroll",
        headers={**world_a.cashier.headers, **V},
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
        r = client.get("/api/sync/meta", headers={"Authorization": auth, **V})
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
    before = _level(client, world_a)
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
    assert _level(client, world_a) == before - 6

    again = push(client, enrolled, ops).json()  # the response was lost; the till retries
    assert [(x["status"], x["duplicate"]) for x in again["results"]] == [("applied", True)] * 3
    assert _level(client, world_a) == before - 6
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
