"""Run the server's Alembic migrations from code (``arcoiris-admin init-db``, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

import migrations

SCRIPT_LOCATION = Path(migrations.__file__).parent / "server"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(target: Engine | Connection, revision: str = "head") -> None:
    cfg = alembic_config()
    if isinstance(target, Engine):
        with target.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    else:
        cfg.attributes["connection"] = target
        command.upgrade(cfg, revision)
