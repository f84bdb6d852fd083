"""The catalog's version and change log, HQ-only tables below every domain: a domain that
writes something a terminal must hear about records it here (see ``service``)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import Base

CORE = "core"


class CatalogVersion(Base):
    """The org's catalog version. Every catalog write bumps it under a row lock, so versions
    grow in commit order and a cursor never skips a change committed late."""

    __tablename__ = "catalog_versions"
    __table_args__ = ({"schema": CORE},)

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{CORE}.organizations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    # A cursor below this must take a snapshot: changes at or below it were pruned, or what
    # terminals receive changed shape (raise it to the current version to force snapshots).
    floor: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class CatalogChange(Base):
    """One entity changed at one version (a delete is a tombstone). Pull reads this log."""

    __tablename__ = "catalog_changes"
    __table_args__ = ({"schema": CORE},)

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{CORE}.organizations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    deleted: Mapped[bool] = mapped_column(server_default=text("false"))
