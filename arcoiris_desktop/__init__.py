"""The Arcoiris terminal: a till that sells offline on its own SQLite database.

Domain packages (db, catalog, staff, sales, receipts, sync) know no Qt; ``ui`` sits on top.
"""
