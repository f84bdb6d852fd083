"""What the sync routes answer besides push and pull: a terminal's view of where it stands
(``meta``), and HQ's view of its terminals (dead letters, health)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from arcoiris_shared.sync_protocol import SUPPORTED_VERSIONS, MetaResponse
from sync_server.changelog import service as changelog
from sync_server.sync import repository
from sync_server.sync.devices import DeviceContext
from sync_server.sync.schemas import DeadLetterRead, TerminalHealth


def meta(*, db_session: Session, device: DeviceContext) -> MetaResponse:
    last_seq = repository.last_seq(db_session, org_id=device.org_id, terminal_id=device.terminal_id)
    return MetaResponse(
        server_time=dt.datetime.now(dt.UTC),
        protocol_versions=list(SUPPORTED_VERSIONS),
        terminal_id=device.terminal_id,
        terminal_code=device.terminal.code,
        last_seq=int(last_seq or 0),
        catalog_version=changelog.current(db_session, org_id=device.org_id).version,
    )


def dead_letters(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> list[DeadLetterRead]:
    """The ops HQ refused, newest first, as HQ reads them."""
    return [
        DeadLetterRead.model_validate(r)
        for r in repository.dead_letters(
            db_session, org_id=org_id, terminal_id=terminal_id, limit=limit, offset=offset
        )
    ]


def health(*, db_session: Session, org_id: uuid.UUID) -> list[TerminalHealth]:
    """Per terminal: enrolled or not, last seen, how far its ops got, how many HQ refused."""
    rejected = repository.rejected_counts(db_session, org_id=org_id)
    return [
        TerminalHealth(
            terminal_id=t.id,
            code=t.code,
            name=t.name,
            status=t.status,
            enrolled=d is not None and d.revoked_at is None,
            last_seen_at=d.last_seen_at if d else None,
            last_seq=d.last_seq if d else 0,
            rejected_ops=rejected.get(t.id, 0),
        )
        for t, d in repository.terminals_with_devices(db_session, org_id=org_id)
    ]
