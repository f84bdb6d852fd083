"""Signing in, tokens, and what an unauthenticated caller gets."""

from __future__ import annotations

import datetime as dt

import jwt

from tests.server.conftest import SECRET, OrgWorld


def test_health_answers_without_auth(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["database"] == "ok"


def test_login_returns_token_and_memberships(client, world_a: OrgWorld):
    r = client.post(
        "/api/auth/login",
        json={"email": world_a.owner.email.upper(), "password": "correct horse battery"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["email"] == world_a.owner.email
    assert [m["org_id"] for m in body["memberships"]] == [str(world_a.org_id)]
    assert body["memberships"][0]["role"] == "owner"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["id"] == str(world_a.owner.user_id)


def test_wrong_password_and_unknown_email_look_the_same(client, world_a: OrgWorld):
    wrong = client.post("/api/auth/login", json={"email": world_a.owner.email, "password": "nope"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@x.example", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"


def test_missing_expired_and_forged_tokens_are_401(client, world_a: OrgWorld):
    assert client.get("/api/auth/me").json()["error"]["code"] == "unauthorized"
    now = dt.datetime.now(dt.UTC)
    expired = jwt.encode(
        {"sub": str(world_a.owner.user_id), "exp": now - dt.timedelta(minutes=1), "typ": "access"},
        SECRET,
        algorithm="HS256",
    )
    forged = jwt.encode(
        {"sub": str(world_a.owner.user_id), "exp": now + dt.timedelta(hours=1), "typ": "access"},
        "not-the-secret-but-long-enough-for-hs256-xx",
        algorithm="HS256",
    )
    for token in (expired, forged, "garbage"):
        r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "invalid_token"


def test_disabled_member_loses_access_to_that_org(client, world_a: OrgWorld):
    r = client.patch(
        f"/api/org/users/{world_a.cashier.user_id}",
        headers=world_a.owner.headers,
        json={"is_active": False},
    )
    assert r.status_code == 200, r.text
    r = client.get("/api/inventory/items", headers=world_a.cashier.headers)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "org_forbidden"
