"""Every org-scoped route the app serves, read off the app itself (its OpenAPI document), so
a route added later is covered by the tenancy and bad-input tests without anyone
remembering to list it."""

from __future__ import annotations

from sync_server.main import create_app

NOT_ORG_SCOPED = {
    ("POST", "/api/auth/login"),
    ("GET", "/api/auth/me"),
    ("GET", "/api/org/orgs"),
    ("POST", "/api/org/orgs"),
}
"""Routes that act on the caller, not on an org."""
DEVICE_ROUTES = {
    ("GET", "/api/sync/meta"),
    ("POST", "/api/sync/push"),
    ("GET", "/api/sync/pull"),
    ("GET", "/api/sync/snapshot"),
    ("GET", "/api/sync/stock"),
    ("GET", "/api/sync/takings"),
}
"""Routes a terminal calls with its device credential, which names the org itself (their
isolation is tested in test_sync.py)."""


def org_routes() -> list[tuple[str, str]]:
    """(method, path) of every /api/ route that acts on the org its X-Org-ID header names."""
    paths = create_app().openapi()["paths"]
    return sorted(
        (method.upper(), path)
        for path, ops in paths.items()
        if path.startswith("/api/")
        for method in ops
        if (method.upper(), path) not in NOT_ORG_SCOPED | DEVICE_ROUTES
    )


ORG_ROUTES = org_routes()
"""The org-scoped routes, sorted."""
