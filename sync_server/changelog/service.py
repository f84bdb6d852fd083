"""The catalog's version and change log: every write a terminal must hear about records
(entity, key) at a new version, in the same transaction as the write itself.

The version row is updated (and so locked) by each recording transaction, so versions are
handed out in commit order for the org: a terminal that pulled up to version V has seen
every change at or below V, even one whose transaction started earlier.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Literal

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from sync_server.changelog.models import CatalogChange, CatalogVersion

Entity = Literal["setting", "tax_rate", "location", "staff", "customer", "item"]


def bump(db_session: Session, *, org_id: uuid.UUID) -> int:
    """The org's next catalog version (creating its row on first use); locks it to commit."""
    stmt = (
        insert(CatalogVersion)
        .values(org_id=org_id, version=1)
        .on_conflict_do_update(
            index_elements=[CatalogVersion.org_id],
            set_={"version": CatalogVersion.version + 1},
        )
        .returning(CatalogVersion.version)
    )
    return int(db_session.execute(stmt).scalar_one())


def record(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    changes: Iterable[tuple[Entity, object]],
    deleted: bool = False,
) -> int:
    """Log that these (entity, key) changed; returns the version they changed at."""
    rows = {(entity, str(key)) for entity, key in changes}
    version = bump(db_session, org_id=org_id)
    if rows:
        db_session.execute(
            insert(CatalogChange)
            .values(
                [
                    {
                        "org_id": org_id,
                        "version": version,
                        "entity": entity,
                        "entity_key": key,
                        "deleted": deleted,
                    }
                    for entity, key in sorted(rows)
                ]
            )
            .on_conflict_do_nothing()
        )
    return version


def prune(db_session: Session, *, org_id: uuid.UUID, keep: int, batch: int = 10_000) -> int:
    """Forget the changes of all but the newest ``keep`` versions (the log would otherwise
    grow with every price change for ever). A till whose cursor is older than what is kept
    is told to take a snapshot. Returns the org's floor: the oldest cursor still served.

    The floor is raised and committed first (the version row, which every catalog write
    locks, is held for that one statement only); the changes below it are then deleted a
    batch a transaction, with nothing anyone waits on. Commits its own transactions."""
    floor = db_session.scalar(
        update(CatalogVersion)
        .where(CatalogVersion.org_id == org_id)
        .values(floor=func.greatest(CatalogVersion.floor, CatalogVersion.version - keep))
        .returning(CatalogVersion.floor)
    )
    db_session.commit()
    if floor is None:
        return 0
    below = select(CatalogChange.version, CatalogChange.entity, CatalogChange.entity_key).where(
        CatalogChange.org_id == org_id, CatalogChange.version <= floor
    )
    while True:
        chunk = below.limit(batch).subquery()
        done = db_session.execute(
            delete(CatalogChange).where(
                CatalogChange.org_id == org_id,
                tuple_(CatalogChange.version, CatalogChange.entity, CatalogChange.entity_key).in_(
                    select(chunk.c.version, chunk.c.entity, chunk.c.entity_key)
                ),
            )
        )
        db_session.commit()
        if done.rowcount < batch:  # type: ignore[attr-defined]
            return int(floor)


def floor_now(db_session: Session, *, org_id: uuid.UUID) -> int:
    """The floor as committed at this moment (not as this session first read it)."""
    return int(
        db_session.scalar(select(CatalogVersion.floor).where(CatalogVersion.org_id == org_id)) or 0
    )


def current(db_session: Session, *, org_id: uuid.UUID) -> CatalogVersion:
    row = db_session.scalar(select(CatalogVersion).where(CatalogVersion.org_id == org_id))
    if row is None:
        return CatalogVersion(org_id=org_id, version=0, floor=0)
    return row
