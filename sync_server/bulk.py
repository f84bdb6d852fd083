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
import queue
import threading
from collections.abc import Sequence
from types import TracebackType
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
    db_session: Session, target: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``target`` ("schema.table").

    Values go through psycopg's own COPY writer (its C implementation escapes text and
    writes ``None`` as NULL), streamed: PostgreSQL starts on the first rows while the
    last are still being written. Strings are written as they are, for PostgreSQL to parse
    into the column's type: this is how ingest hands over the till's values untouched.
    """
    if rows:
        _copy(_driver_connection(db_session), target, columns, rows)


def _driver_connection(db_session: Session) -> psycopg.Connection[Any]:
    raw = db_session.connection().connection.driver_connection
    assert raw is not None
    return raw  # type: ignore[no-any-return]


def _copy(
    raw: psycopg.Connection[Any],
    target: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f"COPY {target} ({quoted}) FROM STDIN"
    try:
        with raw.cursor() as cur, cur.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
    except psycopg.errors.IntegrityError as exc:
        raise sa_exc.IntegrityError(statement, None, exc) from exc
    except psycopg.errors.DataError as exc:
        raise sa_exc.DataError(statement, None, exc) from exc


class BackgroundCopy:
    """COPYs handed-over rows on a thread of its own, on the session's connection and in
    its transaction, while the caller goes on preparing the next rows.

    A push is Python work (checking and staging ops) followed by database work (PostgreSQL
    parsing and indexing the COPYs); done one after the other, each waits for the other.
    Handing rows over in chunks lets PostgreSQL write one chunk while Python stages the
    next. Until ``close`` returns, the caller must not use the session: the connection is
    the writer's. ``close`` waits for every COPY and raises the first one's error; after
    an error the rest are skipped and the transaction is left for the caller to roll back.
    """

    def __init__(self, db_session: Session) -> None:
        self._raw = _driver_connection(db_session)
        self._queue: queue.SimpleQueue[tuple[str, Sequence[str], Sequence[Any]] | None]
        self._queue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="copy-writer", daemon=True)
        self._thread.start()

    def put(self, target: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        if rows and self.error is None:
            self._queue.put((target, columns, rows))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self.error is None and not self._abandoned:
                try:
                    _copy(self._raw, *item)
                except BaseException as exc:  # handed to the caller by close()
                    self.error = exc

    def __enter__(self) -> BackgroundCopy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
            return
        # The caller failed: what is queued is skipped, and the writer lets go of the
        # connection; the caller's error is the one to raise.
        self._abandoned = True
        self._queue.put(None)
        self._thread.join()


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
