"""The till's screens (PySide6). Widgets call ``Till`` operations through the worker; they
never open a database session.
"""
