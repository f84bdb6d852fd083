"""Every column of a table an op writes is carried by that op, or declared left out (with
why) in ``arcoiris_shared.ops.CARRIED``: a column added to a mirrored table and forgotten
by its op fails here, not at HQ as a missing value."""

from __future__ import annotations

import pytest

from arcoiris_shared.db import tables
from arcoiris_shared.db.base import Base
from arcoiris_shared.ops import CARRIED, NOT_PUSHED


def _table(name: str):  # type: ignore[no-untyped-def]
    return Base.metadata.tables[name]


@pytest.mark.parametrize(
    ("table", "model", "left_out"), CARRIED, ids=[f"{t}:{m.__name__}" for t, m, _ in CARRIED]
)
def test_the_op_carries_every_column_not_declared_left_out(table, model, left_out) -> None:  # type: ignore[no-untyped-def]
    columns = {c.key for c in _table(table).columns}
    fields = set(model.model_fields)
    assert not (fields - columns), f"{model.__name__} carries fields {table} has no column for"
    assert set(left_out) <= columns, f"{table} has no such column to leave out"
    assert not (fields & set(left_out)), "a field both carried and declared left out"
    missing = columns - fields - set(left_out)
    assert not missing, (
        f"{table} has column(s) {sorted(missing)} that {model.__name__} does not carry: "
        "add the field to the op (arcoiris_shared/ops.py) or declare it left out in CARRIED"
    )


def test_every_mirrored_table_is_pushed_by_an_op_or_declared_pulled() -> None:
    # The shared definitions only (HQ's own tables share the metadata once imported).
    mirrored = {getattr(tables, name).__table__.fullname for name in tables.__all__}
    pushed = {t for t, _, _ in CARRIED}
    assert mirrored == pushed | set(NOT_PUSHED)
    assert not pushed & set(NOT_PUSHED)


def test_a_column_no_op_carries_is_caught() -> None:
    """The check above fails for a table that gained a column (a fake one, here)."""
    _, model, left_out = CARRIED[0]
    columns = {c.key for c in _table("pos.sales").columns} | {"loyalty_points"}
    assert columns - set(model.model_fields) - set(left_out) == {"loyalty_points"}
