"""HQ's own Z of a shift (``GET /api/pos/shifts/{id}/z``) and the whole store's takings for
a till (``GET /api/sync/takings``): each figure checked against plain SQL over HQ's own
tables, so the shared definition (``arcoiris_shared.takings``) is held to what is stored."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from arcoiris_shared.takings import Scope, day_range
from arcoiris_shared.takings import figures as takings_figures
from arcoiris_shared.takings_wire import figures_from_wire
from sync_server.org.models import Organization, User
from tests.server.conftest import OrgWorld
from tests.server.ops import (
    PROTOCOL,
    closed_shift_row,
    device,
    enroll,
    in_shift,
    now,
    op,
    push,
    sale_op,
    shift_row,
    statuses,
)


def _movement(world: OrgWorld, enrolled: dict[str, Any], shift: dict[str, Any], amount: str):
    kind = "paid_in" if D(amount) > 0 else "paid_out"
    return {
        "movement": {
            "org_id": str(world.org_id),
            "id": str(uuid.uuid4()),
            "terminal_id": enrolled["terminal_id"],
            "location_id": world.ids["location_id"],
            "shift_id": shift["id"],
            "kind": kind,
            "amount": amount,
            "account": "bank" if kind == "paid_in" else "petty_cash",
            "reason": "Change from the bank" if kind == "paid_in" else "Window cleaner",
            "staff_id": str(world.manager.user_id),
            "approved_by": None,
            "occurred_at": now(),
        }
    }


def _a_day(client, world: OrgWorld, code: str = "T09") -> tuple[dict[str, Any], dict[str, Any]]:
    """A shift on a 100.00 float: a cash sale (5.00), a card sale (10.00), the cash sale
    refunded, 12.50 paid out and 20.00 paid in; expected 107.50, counted 107.00."""
    enrolled = enroll(client, world, code)
    shift = shift_row(world, enrolled)
    first = in_shift(sale_op(world, enrolled, 2), shift["id"])
    card = in_shift(sale_op(world, enrolled, 3, qty=D(4), cash=False), shift["id"])
    refund = in_shift(
        sale_op(world, enrolled, 4, kind="refund", refund_of=first["payload"]["sale"]["id"]),
        shift["id"],
    )
    for sale in (first, card, refund):  # receipt codes are the till's own
        row = sale["payload"]["sale"]
        row["receipt_code"] = f"{code}-{row['receipt_no']:06d}"
    closed = {
        **closed_shift_row(shift, world, "107.50", "107.00"),
        "z_number": 1,
        "over_short_reason": "A coin rolled under the counter",
    }
    body = push(
        client,
        enrolled,
        [
            op(1, "shift.opened", {"shift": shift}),
            first,
            card,
            refund,
            op(5, "cash.moved", _movement(world, enrolled, shift, "-12.50")),
            op(6, "cash.moved", _movement(world, enrolled, shift, "20.00")),
            op(7, "shift.closed", {"shift": closed}),
        ],
    ).json()
    assert statuses(body) == ["applied"] * 7, body
    return enrolled, shift


def _sql(db, sql: str, **params: Any) -> Any:
    return db.execute(text(sql), params).scalar()


def test_hq_works_out_the_z_itself_and_it_matches_its_tables(client, db, world_a):
    _, shift = _a_day(client, world_a)
    sid = uuid.UUID(shift["id"])
    r = client.get(f"/api/pos/shifts/{sid}/z", headers=world_a.manager.headers)
    assert r.status_code == 200, r.text
    z = r.json()

    def sales(kind: str, what: str) -> D:
        return D(
            _sql(
                db,
                f"SELECT coalesce(sum({what}), 0) FROM pos.sales WHERE shift_id = :s AND kind = :k",
                s=sid,
                k=kind,
            )
        )

    def paid(method: str, kind: str) -> D:
        return D(
            _sql(
                db,
                "SELECT coalesce(sum(p.amount), 0) FROM pos.payments p JOIN pos.sales s"
                " ON s.org_id = p.org_id AND s.id = p.sale_id"
                " WHERE s.shift_id = :s AND p.method = :m AND s.kind = :k",
                s=sid,
                m=method,
                k=kind,
            )
        )

    def moved(kind: str) -> D:
        return D(
            _sql(
                db,
                "SELECT coalesce(sum(amount), 0) FROM pos.cash_movements"
                " WHERE shift_id = :s AND kind = :k",
                s=sid,
                k=kind,
            )
        )

    count = "1"  # Σ 1: how many
    assert z["sales_count"] == sales("sale", count) == 2
    assert z["refunds_count"] == sales("refund", count) == 1
    assert D(z["sales_total"]) == sales("sale", "total") == D("15.00")
    assert D(z["refunds_total"]) == sales("refund", "total") == D("-5.00")
    assert D(z["net_takings"]) == D("10.00")
    assert D(z["discounts"]) == sales("sale", "discount_total")
    assert D(z["tax_total"]) == sales("sale", "tax_total") + sales("refund", "tax_total")
    tax_sql = D(
        _sql(
            db,
            "SELECT sum(t.amount) FROM pos.sale_taxes t JOIN pos.sales s"
            " ON s.org_id = t.org_id AND s.id = t.sale_id WHERE s.shift_id = :s",
            s=sid,
        )
    )
    assert [(t["code"], D(t["amount"])) for t in z["tax_by_rate"]] == [("STD", tax_sql)]
    tenders = {t["method"]: D(t["amount"]) for t in z["by_tender"]}
    assert tenders == {
        "cash": paid("cash", "sale") + paid("cash", "refund"),
        "card": paid("card", "sale"),
    }
    assert D(z["cash_sales"]) == paid("cash", "sale") == D("5.00")
    assert D(z["cash_refunds"]) == paid("cash", "refund") == D("-5.00")
    assert D(z["paid_in"]) == moved("paid_in") == D("20.00")
    assert D(z["paid_out"]) == moved("paid_out") == D("-12.50")
    # Money shows in the currency's places, as printed on the Z.
    assert z["expected_cash"] == "107.50" and z["counted_cash"] == "107.00"
    assert z["over_short"] == "-0.50"
    assert z["till_expected_cash"] == "107.50" and z["agrees"] is True
    assert z["z_number"] == 1
    assert z["over_short_reason"] == "A coin rolled under the counter"


def test_a_till_that_left_a_paid_out_out_of_its_expected_cash_disagrees(client, world_a):
    enrolled = enroll(client, world_a)
    shift = shift_row(world_a, enrolled)
    closed = closed_shift_row(shift, world_a, "100.00", "87.50")  # forgot the paid out
    body = push(
        client,
        enrolled,
        [
            op(1, "shift.opened", {"shift": shift}),
            op(2, "cash.moved", _movement(world_a, enrolled, shift, "-12.50")),
            op(3, "shift.closed", {"shift": {**closed, "over_short_reason": "Paid out"}}),
        ],
    ).json()
    assert statuses(body) == ["applied"] * 3, body
    z = client.get(f"/api/pos/shifts/{shift['id']}/z", headers=world_a.owner.headers).json()
    assert (z["expected_cash"], z["till_expected_cash"]) == ("87.50", "100.00")
    assert z["over_short"] == "0.00" and z["agrees"] is False


def test_a_cashier_may_not_read_a_z_and_an_unknown_or_foreign_shift_is_not_found(
    client, world_a, world_b
):
    _, shift = _a_day(client, world_a)
    r = client.get(f"/api/pos/shifts/{shift['id']}/z", headers=world_a.cashier.headers)
    assert r.status_code == 403
    r = client.get(f"/api/pos/shifts/{uuid.uuid4()}/z", headers=world_a.manager.headers)
    assert r.status_code == 404 and r.json()["error"]["code"] == "shift_not_found", r.text
    r = client.get(f"/api/pos/shifts/{shift['id']}/z", headers=world_b.owner.headers)
    assert r.status_code == 404


def _today(db, world: OrgWorld) -> dt.date:
    org = db.get(Organization, world.org_id)
    return dt.datetime.now(ZoneInfo(org.timezone)).date()


def test_a_till_gets_its_whole_store_from_hq(client, db, world_a):
    one, _ = _a_day(client, world_a, "T21")
    two, _ = _a_day(client, world_a, "T22")
    day = _today(db, world_a)
    r = client.get(f"/api/sync/takings?first={day}&last={day}", headers=device(one))
    assert r.status_code == 200, r.text
    body = r.json()
    figs = figures_from_wire(body["figures"])
    start, end = day_range(day, db.get(Organization, world_a.org_id).timezone)
    where = "location_id = :loc AND occurred_at >= :start AND occurred_at < :end"
    at = {"loc": uuid.UUID(world_a.ids["location_id"]), "start": start, "end": end}
    store = db.execute(
        text(
            "SELECT count(*) FILTER (WHERE kind = 'sale'), count(*) FILTER (WHERE kind = 'refund'),"
            f" sum(total) FROM pos.sales WHERE {where}"
        ),
        at,
    ).one()
    assert (figs.sales_count, figs.refunds_count, figs.net_takings) == tuple(store)
    tills = D(
        _sql(
            db,
            "SELECT sum(total) FROM pos.sales WHERE terminal_id IN (:a, :b)",
            a=uuid.UUID(one["terminal_id"]),
            b=uuid.UUID(two["terminal_id"]),
        )
    )
    assert tills == D("20.00") and figs.net_takings >= tills  # both tills are in it
    # What the till rebuilds is what HQ computed, field for field, exponent for exponent.
    scope = Scope(org_id=world_a.org_id, location_id=at["loc"], start=start, end=end)
    assert figs == takings_figures(db, scope)
    assert (figs.paid_in, figs.paid_out) == (D("40.00"), D("-25.00"))
    assert figures_from_wire(body["compared"]).sales_count == 0
    assert body["compared_first"] == str(day - dt.timedelta(days=7))
    assert {t["code"] for t in body["tills"]} >= {"T21", "T22"}
    assert body["as_of"] is not None
    cashier = db.get(User, world_a.cashier.user_id)
    assert body["names"][str(cashier.id)] == cashier.full_name

    r = client.get(
        f"/api/sync/takings?first={day}&last={day - dt.timedelta(days=1)}", headers=device(one)
    )
    assert r.status_code == 422
    # A person's sign-in is not a till's credential.
    r = client.get(
        f"/api/sync/takings?first={day}", headers={**world_a.manager.headers, **PROTOCOL}
    )
    assert r.status_code == 401
