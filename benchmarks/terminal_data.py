"""The benchmark's terminal database: the demo store with a million items, built once and
kept in ``.bench-cache/`` (it takes minutes; a benchmark run reuses it)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from arcoiris_desktop.catalog.demo import seed_demo
from arcoiris_desktop.db.database import DB_FILENAME, Database, alembic_config

CACHE = Path(__file__).resolve().parent.parent / ".bench-cache"


def catalog_db(items: int) -> Path:
    """A folder holding a seeded till database with ``items`` items (built if missing)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    folder = CACHE / f"till-{items}-{head}"
    ready = folder / "READY"
    if ready.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ.setdefault("ARCOIRIS_ARGON2_PROFILE", "cheapest")
    start = time.perf_counter()
    print(f"building a {items:,}-item till database in {folder} (once) ...", flush=True)
    db = Database(folder / DB_FILENAME)

    def progress(done: int, total: int) -> None:
        if done % 100_000 == 0:
            print(f"  {done:,}/{total:,} items, {time.perf_counter() - start:.0f} s", flush=True)

    seed_demo(db, items=items, progress=progress)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA optimize")
        conn.exec_driver_sql("INSERT INTO item_search(item_search) VALUES ('optimize')")
    db.close()
    ready.write_text(f"{time.perf_counter() - start:.1f}s\n")
    return folder


def working_copy(items: int, into: Path) -> Path:
    """A throw-away copy to sell on, so the cached catalog stays pristine."""
    src = catalog_db(items)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(src / DB_FILENAME, into / DB_FILENAME)
    return into
