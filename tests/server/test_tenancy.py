"""Tenants never meet: a matrix over every org-scoped route.

The routes come from the app itself (tests/server/routes.py), so a route added later is in
the matrix without anyone remembering to add it.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.server.conftest import OrgWorld
from tests.server.routes import ORG_ROUTES


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def test_matrix_covers_every_domain():
    prefixes = {p.split("/")[2] for _, p in ORG_ROUTES}
    assert prefixes == {"org", "inventory", "pos", "accounting", "sync", "reports"}
    assert len(ORG_ROUTES) >= 30


@pytest.mark.parametrize(("method", "path"), ORG_ROUTES)
def test_foreign_missing_and_malformed_org_are_refused(
    client, world_a: OrgWorld, world_b: OrgWorld, method, path
):
    url = _fill(path, world_b.ids)
    token = {"Authorization": f"Bearer {world_a.owner.token}"}
    cases = [
        ({**token, "X-Org-ID": str(world_b.org_id)}, 403, "org_forbidden"),
        (token, 400, "org_required"),
        ({**token, "X-Org-ID": "not-a-uuid"}, 400, "org_id_invalid"),
        ({"X-Org-ID": str(world_b.org_id)}, 401, "unauthorized"),
    ]
    for headers, status, code in cases:
        r = client.request(method, url, headers=headers, json={})
        assert r.status_code == status, (headers, r.text)
        assert r.json()["error"]["code"] == code


ID_ROUTES = [(m, p) for m, p in ORG_ROUTES if "{" in p]


@pytest.mark.parametrize(("method", "path"), ID_ROUTES)
def test_own_org_header_never_reaches_anothers_rows(
    client, world_a: OrgWorld, world_b: OrgWorld, method, path
):
    """A's owner, in A, naming B's ids: not found, and B's row is unchanged."""
    url = _fill(path, world_b.ids)
    before = client.get(url, headers=world_b.owner.headers) if method != "GET" else None
    bodies = {
        "PATCH": {"name": "hijacked"} if "/users/" not in path else {"role": "cashier"},
        "DELETE": None,
        "GET": None,
    }
    r = client.request(method, url, headers=world_a.owner.headers, json=bodies[method])
    assert r.status_code == 404, r.text
    assert str(world_b.org_id) not in r.text
    if before is not None and before.status_code == 200:
        after = client.get(url, headers=world_b.owner.headers)
        assert after.json() == before.json()


LIST_ROUTES = [(m, p) for m, p in ORG_ROUTES if m == "GET" and "{" not in p]


@pytest.mark.parametrize(("method", "path"), LIST_ROUTES)
def test_lists_show_only_own_rows(client, world_a: OrgWorld, world_b: OrgWorld, method, path):
    r = client.get(path, headers=world_a.owner.headers)
    assert r.status_code == 200, r.text
    text = r.text
    leaked = [k for k, v in world_b.ids.items() if str(v) in text]
    assert not leaked, f"{path} shows org B's {leaked}"
    assert "of b" not in text.lower()


def test_member_of_both_orgs_sees_each_only_under_its_header(
    client, db, world_a: OrgWorld, world_b: OrgWorld
):
    from sync_server.org.models import User
    from sync_server.org.service import stage_membership

    user = db.get(User, world_a.manager.user_id)
    stage_membership(db_session=db, org_id=world_b.org_id, user=user, role="cashier", pin=None)
    db.commit()
    in_a = client.get("/api/inventory/items", headers=world_a.manager.headers_for(world_a.org_id))
    in_b = client.get("/api/inventory/items", headers=world_a.manager.headers_for(world_b.org_id))
    assert [i["sku"] for i in in_a.json()["items"]] == [world_a.ids["sku"]]
    assert [i["sku"] for i in in_b.json()["items"]] == [world_b.ids["sku"]]
    # And the role is per org: a manager in A is only a cashier in B.
    r = client.get("/api/accounting/journals", headers=world_a.manager.headers_for(world_b.org_id))
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "permission_denied"


def test_barcode_lookup_is_per_org(client, world_a: OrgWorld, world_b: OrgWorld):
    r = client.get(
        f"/api/inventory/items/by-barcode/{world_b.ids['barcode']}", headers=world_a.owner.headers
    )
    assert r.status_code == 404
    assert json.loads(r.text)["error"]["code"] == "barcode_unknown"
