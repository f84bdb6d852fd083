"""The catalog's change log kept within bounds: HQ forgets old changes (a floor), and a till
whose cursor is below it, or whose rows were loaded under another catalog schema, is told
to take a snapshot; every other till carries on with deltas."""

from __future__ import annotations

from typing import Any

from arcoiris_shared.sync_protocol import CATALOG_SCHEMA
from sync_server.changelog import service as changelog
from tests.server.ops import device, enroll


def _pull(client, enrolled: dict[str, Any], cursor: int, **extra: Any) -> dict[str, Any]:
    params = {"cursor": cursor, **extra}
    r = client.get("/api/sync/pull", params=params, headers=device(enrolled))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_cursor_below_the_floor_or_another_schema_takes_a_snapshot(client, db, world_a):
    enrolled = enroll(client, world_a)
    start = _pull(client, enrolled, 0)["catalog_version"]
    for seconds in (60, 90, 120):
        r = client.patch(
            "/api/org/settings", headers=world_a.owner.headers, json={"idle_lock_seconds": seconds}
        )
        assert r.status_code == 200, r.text
    assert len(_pull(client, enrolled, start)["changes"]) == 1  # the latest value, once

    floor = changelog.prune(db, org_id=world_a.org_id, keep=1)
    db.commit()
    assert floor == start + 2
    assert changelog.prune(db, org_id=world_a.org_id, keep=5) == floor  # never lowered
    behind = _pull(client, enrolled, start)
    assert behind["snapshot_required"] and behind["changes"] == []
    current = _pull(client, enrolled, floor)
    assert not current["snapshot_required"]
    assert [(c["key"], c["data"]["value"]) for c in current["changes"]] == [
        ("idle_lock_seconds", 120)
    ]

    assert _pull(client, enrolled, floor, schema=CATALOG_SCHEMA)["snapshot_required"] is False
    reshaped = _pull(client, enrolled, floor, schema=CATALOG_SCHEMA + 1)
    assert reshaped["snapshot_required"] and reshaped["catalog_schema"] == CATALOG_SCHEMA


def test_a_prune_between_reading_the_floor_and_the_changes_means_a_snapshot(
    client, db, world_a, monkeypatch
):
    """Pruning commits while a pull is reading: the changes it read may lack what was just
    forgotten, so the till is told to take a snapshot rather than skip them for ever."""
    enrolled = enroll(client, world_a)
    start = _pull(client, enrolled, 0)["catalog_version"]
    for seconds in (60, 90):
        client.patch(
            "/api/org/settings", headers=world_a.owner.headers, json={"idle_lock_seconds": seconds}
        )
    real = changelog.current

    def current_then_pruned(db_session, *, org_id):
        state = real(db_session, org_id=org_id)
        seen = changelog.CatalogVersion(org_id=org_id, version=state.version, floor=state.floor)
        changelog.prune(db, org_id=org_id, keep=0)  # another process, just after the read
        return seen

    monkeypatch.setattr(changelog, "current", current_then_pruned)
    racing = _pull(client, enrolled, start)
    assert racing["snapshot_required"] and racing["changes"] == []
