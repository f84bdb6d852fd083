"""HQ's takings report (``/api/reports/takings``) answered by the reports service: one row
per day, store, terminal or tender, in key order, exact to the cent, one org's sales only.

Each org's world holds one cash sale of 5.00 (0.87 of it tax) at its till T01 "Till 1" in
its store "Main store <label>"; the answers below are pinned to the byte.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.server.conftest import OrgWorld

# Sums as PostgreSQL gives them back: at the columns' scale (tax by tender is no sum: 0).
ROW = {"sales": 1, "refunds": 0, "sold": "5.0000", "refunded": "0.0000", "takings": "5.0000"}


def _takings(client, world: OrgWorld, **params: str) -> dict:
    r = client.get("/api/reports/takings", params=params, headers=world.manager.headers)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    ("group_by", "key", "label", "tax"),
    [
        ("store", "location_id", "Main store a", "0.8700"),
        ("terminal", "terminal_id", "Till 1", "0.8700"),
        ("tender", None, "cash", "0"),
    ],
)
def test_takings_by_store_terminal_and_tender(client, world_a, group_by, key, label, tax):
    body = _takings(client, world_a, group_by=group_by)
    expected_key = world_a.ids[key] if key else "cash"
    assert body == {
        "group_by": group_by,
        "since": None,
        "until": None,
        "rows": [{"key": expected_key, "label": label, **ROW, "tax": tax}],
        "total": "5.0000",
    }


def test_takings_by_day_in_the_orgs_zone_and_narrowed_by_time(client, world_a, world_b):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    body = _takings(client, world_a)
    assert body["group_by"] == "day"
    assert body["rows"] == [{"key": today, "label": today, **ROW, "tax": "0.8700"}]
    since = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    later = _takings(client, world_a, since=since)
    assert later["rows"] == [] and later["total"] == "0"
    assert dt.datetime.fromisoformat(later["since"]) == dt.datetime.fromisoformat(since)
    # Org B's report holds its own sale, never A's.
    assert _takings(client, world_b, group_by="store")["rows"][0]["label"] == "Main store b"


def test_takings_are_for_those_who_may_read_sales(client, world_a):
    r = client.get("/api/reports/takings", headers=world_a.cashier.headers)
    assert r.status_code == 403
    r = client.get("/api/reports/takings?group_by=week", headers=world_a.manager.headers)
    assert r.status_code == 422
