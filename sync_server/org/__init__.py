"""Organizations, users, their roles in each org, and per-org settings (schema ``core``)."""
