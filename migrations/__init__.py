"""Alembic migration histories: the server's (``server/``) and, later, the terminal's."""
