"""Settings every test shares: offscreen Qt, cheap password hashing, quiet hypothesis."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ARCOIRIS_ARGON2_PROFILE", "cheapest")

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


# -- PostgreSQL: a fresh database per need, dropped at the end of the run -------------------

import secrets  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine, create_engine, make_url, text  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/arcoiris"


def _server_url() -> str:
    return _pg_url()


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the ``postgres`` database, for creating and dropping DBs."""
    engine = create_engine(
        make_url(_server_url()).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def fresh_database(pg_admin: Engine) -> Iterator[Any]:
    """A factory of empty databases, each dropped when the run ends."""
    created: list[str] = []

    def make() -> str:
        name = f"arcoiris_test_{secrets.token_hex(4)}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(_server_url()).set(database=name).render_as_string(hide_password=False)

    yield make
    with pg_admin.connect() as conn:
        for name in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _pg_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_PG)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
