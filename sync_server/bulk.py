"""Batch-shaped writes: PostgreSQL's COPY for rows that are new by construction.

A push writes thousands of rows of facts that cannot already exist (their keys are fresh
UUIDs, checked before writing); COPY moves them at the database's own pace instead of one
round trip, or one parse, per row. It runs inside the caller's transaction: a failure
rolls back with everything else.

Rows go through psycopg's COPY writer (its C implementation formats and escapes them);
ingest hands it the strings the till sent, so nothing is converted twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import psycopg
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


def copy_tuples(
    db_session: Session, target: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``target`` ("schema.table").

    Values go through psycopg's own COPY writer (its C implementation escapes text and
    writes ``None`` as NULL), streamed: PostgreSQL starts on the first rows while the
    last are still being written. Strings are written as they are, for PostgreSQL to parse
    into the column's type: this is how ingest hands over the till's values untouched.
    """
    if isinstance(rows, Sequence) and not rows:
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


def copy_staged(
    db_session: Session, target: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """COPY ``rows`` staged as dicts keyed by column name: the one place they become tuples
    in ``columns`` order (a value can only land in the column it is named for, and a column
    no row has a value for is a KeyError here, not a shifted row)."""
    if not rows:
        return
    copy_tuples(db_session, target, columns, map(itemgetter(*columns), rows))


def copy_rows(db_session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY ``rows`` (dicts with the same keys) into ``table``: ``copy_tuples`` with JSON
    columns serialised first."""
    if not rows:
        return
    columns = list(rows[0])
    json_cols = _json_columns(table)
    target = f"{table.schema}.{table.name}" if table.schema else table.name
    copy_tuples(
        db_session,
        target,
        columns,
        [
            tuple(
                _json(row[c]) if c in json_cols and row[c] is not None else row[c] for c in columns
            )
            for row in rows
        ],
    )


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


_UUID_ARRAY = re.compile(r"\{(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?:,|\}\Z))*\Z|\{\}\Z")


def uuid_array(ids: Iterable[str]) -> str:
    """A PostgreSQL array literal of canonical UUID strings, for ``CAST(:x AS uuid[])``.

    psycopg dumps a list of strings element by element in Python (a quoting check and
    escape each: ~1 µs an id, some 2,000 ids a 500-op push); a canonical UUID needs no
    quoting, so the literal is one join, checked in one regular-expression pass (anything
    but canonical UUIDs is a ValueError here, never a different array)."""
    ids = list(ids)
    literal = "{" + ",".join(ids) + "}"
    # the length says each string was one UUID (37 characters with its comma), not two
    if len(literal) != 1 + 37 * len(ids) + (not ids) or not _UUID_ARRAY.match(literal):
        raise ValueError("not a list of canonical UUID strings")
    return literal
