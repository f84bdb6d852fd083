"""Enrolling this till with HQ, from the settings screen or ``arcoiris-desktop --enroll``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arcoiris_desktop.db.database import Database
from arcoiris_desktop.sync import client as sync_client
from arcoiris_desktop.sync.engine import SyncEngine, SyncStatus, adopt_enrolment
from arcoiris_shared.sync_protocol import EnrollResponse


def enroll_till(
    db: Database,
    data_dir: Path,
    *,
    url: str,
    email: str,
    password: str,
    store_code: str,
    terminal_code: str,
    terminal_name: str,
    org_id: str | None = None,
    transport: Any = None,
) -> tuple[EnrollResponse, SyncStatus]:
    """Register with HQ, take this till's identity, and pull the catalog once."""
    enrolled = sync_client.enroll(
        url,
        email=email,
        password=password,
        store_code=store_code.strip().upper(),
        terminal_code=terminal_code.strip().upper(),
        terminal_name=terminal_name.strip(),
        org_id=org_id,
        transport=transport,
    )
    adopt_enrolment(db, data_dir, url, enrolled, terminal_name.strip())
    engine = SyncEngine(
        db, data_dir, client_factory=lambda u, c: sync_client.SyncClient(u, c, transport=transport)
    )
    return enrolled, engine.sync_once()
