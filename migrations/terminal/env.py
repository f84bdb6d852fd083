"""Alembic environment for the terminal's SQLite database (batch mode: SQLite alters by copy)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine, pool

from arcoiris_desktop.db.schema import is_fts_table, terminal_metadata

config = context.config


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and is_fts_table(name))


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=terminal_metadata(),
        render_as_batch=True,
        include_name=include_name,
        compare_type=True,
        **kwargs,
    )


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()


run_online()
