"""The sync server: HQ's FastAPI service on PostgreSQL (schemas core, acct, inv, pos)."""
