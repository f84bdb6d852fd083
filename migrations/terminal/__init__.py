"""The terminal's migration history (SQLite).

``HEAD`` names the newest revision so a till whose database is already current starts
without loading Alembic at all; a test keeps it equal to the scripts' real head.
"""

HEAD = "t0008"
