"""Batch-shaped writes: PostgreSQL's COPY for rows that are new by construction.

A push writes thousands of rows of facts that cannot already exist (their keys are fresh
UUIDs, checked before writing); COPY moves them at the database's own pace instead of one
round trip, or one parse, per row. It runs inside the caller's transaction: a failure
rolls back with everything else.

Rows are rendered to COPY's text format here rather than through the driver's per-value
adaptation: at ~17 rows a sale that per-row cost was the largest part of ingest.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import Table
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _json_columns(table: Table) -> set[str]:
    out = set()
    for column in table.columns:
        impl = column.type
        variant = getattr(impl, "_variant_mapping", {}).get("postgresql")
        if isinstance(variant, JSONB) or isinstance(impl, JSONB):
            out.add(column.key)
    return out


def _text(value: Any, is_json: bool) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if is_json:
        return json.dumps(value, separators=(",", ":"), default=str).translate(_ESCAPES)
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, uuid.UUID | Decimal | int):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def copy_tuples(
    db_session: Session, target: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``target`` ("schema.table").

    Values go through psycopg's own COPY writer (its C implementation escapes text and
    writes ``None`` as NULL), streamed: PostgreSQL starts on the first rows while the
    last are still being written. Strings are written as they are, for PostgreSQL to parse
    into the column's type: this is how ingest hands over the till's values untouched.
    """
    if not rows:
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f"COPY {target} ({quoted}) FROM STDIN"
    raw = db_session.connection().connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
    except psycopg.errors.IntegrityError as exc:
        raise sa_exc.IntegrityError(statement, None, exc) from exc
    except psycopg.errors.DataError as exc:
        raise sa_exc.DataError(statement, None, exc) from exc


def copy_rows(db_session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY ``rows`` (dicts with the same keys) into ``table``."""
    if not rows:
        return
    columns = list(rows[0])
    json_cols = _json_columns(table)
    flags = [(c, c in json_cols) for c in columns]
    target = f"{table.schema}.{table.name}" if table.schema else table.name
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f"COPY {target} ({quoted}) FROM STDIN"
    data = "".join("\t".join(_text(row[c], j) for c, j in flags) + "\n" for row in rows).encode()
    raw = db_session.connection().connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            copy.write(data)
    except psycopg.errors.IntegrityError as exc:
        # The same exception SQLAlchemy raises for an INSERT, so callers handle one kind.
        raise sa_exc.IntegrityError(statement, None, exc) from exc
    except psycopg.errors.DataError as exc:
        raise sa_exc.DataError(statement, None, exc) from exc
