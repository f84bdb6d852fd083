"""What the terminal and the server must agree on: money, tax, the mirrored tables.

Imports neither Qt nor FastAPI (an import-linter contract in pyproject.toml checks it).
"""
