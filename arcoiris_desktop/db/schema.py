"""The terminal's schema as one MetaData: the mirrored inv/pos tables without PostgreSQL
schemas, plus the local-only tables. Alembic compares against it; the tests too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BLANK_SCHEMA, MetaData

from arcoiris_desktop.db.local import LocalBase
from arcoiris_shared.db import tables
from arcoiris_shared.db.base import HQ_ONLY, NAMING_CONVENTION

# Tables SQLite's FTS5 creates behind the search index; not in any metadata.
FTS_TABLE = "item_search"


def _no_schema(*_: Any) -> Any:
    return BLANK_SCHEMA


def terminal_metadata() -> MetaData:
    md = MetaData(naming_convention=NAMING_CONVENTION)
    # Exactly the shared models: the server registers its own tables in the same schemas.
    for name in tables.__all__:
        table = getattr(tables, name).__table__
        copy = table.to_metadata(md, schema=None, referred_schema_fn=_no_schema)
        hq_only = {i.name for i in table.indexes if i.info.get(HQ_ONLY)}  # (not copied)
        for index in [i for i in copy.indexes if i.name in hq_only]:
            copy.indexes.discard(index)
    for table in LocalBase.metadata.sorted_tables:
        table.to_metadata(md)
    return md


def is_fts_table(name: str | None) -> bool:
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))
