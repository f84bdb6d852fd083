"""The baseline migration builds exactly what the models describe, and comes apart cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from sync_server.migrate import alembic_config, upgrade
from sync_server.models import metadata

SCHEMAS = {"core", "acct", "inv", "pos"}


def _diff(conn):
    ctx = MigrationContext.configure(
        conn,
        opts={
            "include_schemas": True,
            "compare_type": True,
            "compare_server_default": True,
            "include_name": lambda name, type_, _: name in SCHEMAS if type_ == "schema" else True,
        },
    )
    return compare_metadata(ctx, metadata)


def test_migrated_database_matches_the_models(engine):
    with engine.connect() as conn:
        assert _diff(conn) == []


def test_baseline_builds_four_schemas_on_an_empty_database(fresh_database):
    url = fresh_database()
    engine = create_engine(url)
    try:
        upgrade(engine)
        insp = inspect(engine)
        assert SCHEMAS <= set(insp.get_schema_names())
        tables = {s: set(insp.get_table_names(schema=s)) for s in SCHEMAS}
        assert tables["core"] == {
            "organizations",
            "users",
            "user_org_roles",
            "org_settings",
            "catalog_versions",
            "catalog_changes",
        }
        assert tables["acct"] == {
            "chart_of_accounts",
            "journals",
            "journal_lines",
            "balances",
            "bank_accounts",
        }
        assert tables["inv"] == {
            "items",
            "item_barcodes",
            "item_taxes",
            "locations",
            "stock_levels",
            "stock_movements",
        }
        assert tables["pos"] == {
            "customers",
            "tax_rates",
            "terminals",
            "sales",
            "sale_lines",
            "sale_taxes",
            "payments",
            "shifts",
            "terminal_devices",
            "sync_ops",
            "sync_dead_letters",
            "flags",
            "cash_movements",
            "audit_events",
        }
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0006"
            # Downgrade to nothing, and back: the baseline is reversible.
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
            conn.commit()
            assert not SCHEMAS & set(inspect(conn).get_schema_names())
            command.upgrade(cfg, "head")
            conn.commit()
            assert _diff(conn) == []
    finally:
        engine.dispose()


def test_every_org_scoped_table_keys_on_org_id(engine):
    """Invariant 5: org_id in the primary key (Citus distributes on it)."""
    insp = inspect(engine)
    for schema in ("acct", "inv", "pos"):
        for table in insp.get_table_names(schema=schema):
            pk = insp.get_pk_constraint(table, schema=schema)["constrained_columns"]
            assert pk[0] == "org_id", f"{schema}.{table} primary key {pk}"
    for table in ("user_org_roles", "org_settings"):
        assert insp.get_pk_constraint(table, schema="core")["constrained_columns"][0] == "org_id"


def test_money_columns_are_numeric_never_float(engine):
    insp = inspect(engine)
    for schema in SCHEMAS:
        for table in insp.get_table_names(schema=schema):
            for col in insp.get_columns(table, schema=schema):
                kind = str(col["type"]).upper()
                assert "FLOAT" not in kind and "REAL" not in kind and "DOUBLE" not in kind, (
                    f"{schema}.{table}.{col['name']} is {kind}"
                )


def test_0006_gives_an_existing_org_the_accounts_paid_ins_and_outs_book_to(fresh_database):
    """An org made before 0006 gets the new system accounts; one that used 6100 for its rent
    keeps its rent and gets petty cash under its key as the code."""
    engine = create_engine(fresh_database())
    try:
        with engine.connect() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
            conn.commit()
            org = conn.scalar(
                text(
                    "INSERT INTO core.organizations "
                    "(id, name, slug, currency, timezone, created_at) "
                    "VALUES (gen_random_uuid(), 'Old shop', 'old', 'EUR', 'Europe/Madrid', now()) "
                    "RETURNING id"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO acct.chart_of_accounts "
                    "(org_id, id, code, name, type, is_active, created_at) "
                    "VALUES (:o, gen_random_uuid(), '6100', 'Rent', 'expense', true, now())"
                ),
                {"o": org},
            )
            conn.commit()
            command.upgrade(cfg, "0006")
            conn.commit()
            rows = conn.execute(
                text(
                    "SELECT code, name, system_key FROM acct.chart_of_accounts "
                    "WHERE org_id = :o ORDER BY code"
                ),
                {"o": org},
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("4800", "Other income", "other_income"),
        ("6100", "Rent", None),
        ("6110", "Shop supplies", "supplies"),
        ("6120", "Postage and delivery", "postage"),
        ("PETTY_CASH", "Petty cash expenses", "petty_cash"),
    ]
