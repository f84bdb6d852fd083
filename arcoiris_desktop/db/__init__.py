"""The terminal's SQLite database: engine, local-only tables, migrations."""
