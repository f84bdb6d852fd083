"""The sync engine: push the outbox exactly once, pull the catalog, never block the till."""
