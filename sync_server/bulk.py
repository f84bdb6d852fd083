"""Batch-shaped writes: PostgreSQL's COPY for rows that are new by construction.

A push writes thousands of rows of facts that cannot already exist (their keys are fresh
UUIDs, checked before writing); COPY moves them at the database's own pace instead of one
round trip, or one parse, per row. It runs inside the caller's transaction: a failure
rolls back with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import Table
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session


def _json_columns(table: Table) -> set[str]:
    out = set()
    for column in table.columns:
        impl = column.type
        variant = getattr(impl, "_variant_mapping", {}).get("postgresql")
        if isinstance(variant, JSONB) or isinstance(impl, JSONB):
            out.add(column.key)
    return out


def copy_rows(db_session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    columns = list(rows[0])
    json_cols = _json_columns(table)
    wrap = [c in json_cols for c in columns]
    target = f"{table.schema}.{table.name}" if table.schema else table.name
    quoted = ", ".join(f'"{c}"' for c in columns)
    raw = db_session.connection().connection.driver_connection
    assert raw is not None
    statement = f"COPY {target} ({quoted}) FROM STDIN"
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    tuple(
                        Jsonb(row[c]) if w and row[c] is not None else row[c]
                        for c, w in zip(columns, wrap, strict=True)
                    )
                )
    except psycopg.errors.IntegrityError as exc:
        # The same exception SQLAlchemy raises for an INSERT, so callers handle one kind.
        raise sa_exc.IntegrityError(statement, None, exc) from exc
    except psycopg.errors.DataError as exc:
        raise sa_exc.DataError(statement, None, exc) from exc
