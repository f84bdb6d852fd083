"""The declarative base every table on both sides hangs from.

One ``MetaData`` with an explicit naming convention, so constraint names are stable in
migrations. The server's own schemas (``core``, ``acct``) register their models on the same
base; the terminal maps the ``inv`` and ``pos`` schemas away with ``schema_translate_map``
(SQLite has no schemas), so the mirrored tables have the same columns on both sides.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase

from arcoiris_shared.db.types import Money, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Schemas of the mirrored tables; the terminal maps each to None.
INV = "inv"
POS = "pos"
# ``info`` key of an index only HQ's database has: the till's mirror of the table leaves it
# out (what it serves is a query only HQ runs).
HQ_ONLY = "hq_only"
MIRRORED_SCHEMAS = (INV, POS)
SQLITE_SCHEMA_MAP: dict[str | None, str | None] = {INV: None, POS: None}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid(),
        dt.datetime: UTCDateTime(),
        Decimal: Money(),
    }


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def one_of(column: str, values: Sequence[str], name: str | None = None) -> CheckConstraint:
    """Enumerations are TEXT validated by a CHECK, never a database enum type."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or f"{column}_valid")


def org_fk(
    columns: Sequence[str], target: str, *, ondelete: str | None = None, name: str | None = None
) -> ForeignKeyConstraint:
    """A composite foreign key that keeps ``org_id`` in it, as a Citus-distributed table needs.

    ``target`` is ``"schema.table"``; the referenced key is ``(org_id, id)``.
    """
    return ForeignKeyConstraint(
        ["org_id", *columns],
        [f"{target}.org_id", f"{target}.id"],
        ondelete=ondelete,
        name=name,
    )
