"""The org's own fields a till needs (its receipts and reports print them), sent down as
settings so one mechanism carries them: the org's name as ``org_name``, the rest under
their own names. The pull reads them from here; a change to one is logged like a setting's.
"""

from __future__ import annotations

from typing import Any

from sync_server.org.models import Organization

ORG_FIELDS = ("name", "currency", "locale", "timezone")


def setting_key(field: str) -> str:
    """The setting a till knows the org field ``field`` by."""
    return f"org_{field}" if field == "name" else field


def as_settings(org: Organization) -> dict[str, Any]:
    """The org's synced fields, keyed as the till's settings."""
    return {setting_key(f): getattr(org, f) for f in ORG_FIELDS}
