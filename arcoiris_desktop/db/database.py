"""Opening the terminal's database: durable settings, migrations, and refusing to touch a
database that is corrupt or newer than this app.

Every connection runs WAL with ``synchronous=FULL`` (a committed sale survives a power cut)
and enforces foreign keys (every transaction but one whose writer asks otherwise for either,
see ``Database.write``). Writers begin with ``BEGIN IMMEDIATE`` so two writers queue at
the start instead of failing half-way; readers never block the writer in WAL mode.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

import migrations
from arcoiris_shared.db.base import SQLITE_SCHEMA_MAP
from migrations.terminal import HEAD

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

SCRIPT_LOCATION = Path(migrations.__file__).parent / "terminal"
DB_FILENAME = "arcoiris.db"


class DatabaseRefused(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


def _on_connect(dbapi_connection: sqlite3.Connection, _: Any) -> None:
    # We issue BEGIN ourselves (see _on_begin); pysqlite's implicit transactions are off.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    for pragma in (
        "journal_mode = WAL",
        "synchronous = FULL",
        "foreign_keys = ON",
        "busy_timeout = 10000",
        "temp_store = MEMORY",
        "cache_size = -32000",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()
    # SQLite's lower() and LIKE fold ASCII only: "Ángela" never matched "ángela".
    dbapi_connection.create_function("fold", 1, fold, deterministic=True)


def fold(text: str | None) -> str | None:
    """Text as a search compares it: case folded, accents dropped ("Ángela" -> "angela")."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _on_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    # Settled for every transaction (they cannot change inside one), so a writer that asked
    # for no checks leaves none of its setting to the next user of the connection. Sent
    # only when they differ from what the connection has: a scan or a search pays nothing.
    wanted = (
        "ON" if options.get("sqlite_foreign_keys", True) else "OFF",
        "FULL" if options.get("sqlite_durable", True) else "NORMAL",
    )
    info = conn.connection.info
    if info.get("pragmas", _CONNECTED) != wanted:
        conn.exec_driver_sql(f"PRAGMA foreign_keys = {wanted[0]}")
        conn.exec_driver_sql(f"PRAGMA synchronous = {wanted[1]}")
        info["pragmas"] = wanted
    conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")


# What _on_connect sets on every new connection.
_CONNECTED = ("ON", "FULL")


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "os")
    return cfg


def _check_readable(path: Path) -> None:
    """Refuse, untouched, a file that is not an SQLite database or is visibly damaged.

    Start-up only reads the header, checks the file holds every page the header promises,
    and reads the schema: milliseconds, whatever the catalog's size. The full page-by-page
    check (``integrity_problem``) runs in the background once the till is up.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or header[:16] != b"SQLite format 3\x00":
        raise DatabaseRefused(
            f"{path} is not an Arcoiris database (or is damaged). It has been left as it "
            "is; move it away or restore a backup, then start again."
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only trustworthy while the two change counters agree.
    counted = header[24:28] == header[92:96] and pages > 0
    valid_size = page_size >= 512 and page_size & (page_size - 1) == 0
    if not valid_size or (counted and path.stat().st_size < pages * page_size):
        raise DatabaseRefused(
            f"{path} is damaged (it is shorter than it says it is, or its header is broken). "
            "It has been left as it is; restore a backup or call support."
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path} cannot be read ({exc}); it has been left as it is.") from exc


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if exists is None:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def migrate(engine: Engine, path: Path) -> None:
    """Bring the database to this app's head, backing it up first if it needs upgrading."""
    current = _current_revision(engine)
    if current == HEAD:
        return  # the usual start: no Alembic to load
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:
            raise DatabaseRefused(
                f"This database was written by a newer Arcoiris (schema {current}). "
                "Update the app on this till; the database has been left untouched."
            ) from exc
    if current == head:
        return
    if current is not None and path.exists():
        backup = path.with_name(f"{path.name}.before-{head}")
        _backup(engine, backup)
        logger.info("backed up %s to %s before upgrading %s -> %s", path, backup, current, head)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    logger.info("database at %s is at schema %s", path, head)


def _backup(engine: Engine, target: Path) -> None:
    raw = engine.raw_connection()
    try:
        dst = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dst)  # type: ignore[union-attr]
        finally:
            dst.close()
    finally:
        raw.close()


class Database:
    """The terminal's database. Services get sessions from it; widgets never do."""

    def __init__(self, path: Path, *, migrate_now: bool = True) -> None:
        self.path = path
        self._checking: sqlite3.Connection | None = None
        self._folding: tuple[threading.Thread, sqlite3.Connection] | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        _check_readable(path)
        self.engine = make_engine(path)
        try:
            if migrate_now:
                migrate(self.engine, path)
        except DatabaseError as exc:
            self.engine.dispose()
            raise DatabaseRefused(f"{path} cannot be opened ({exc.orig}).") from exc
        except Exception:
            self.engine.dispose()
            raise
        self._mapped = self.engine.execution_options(schema_translate_map=SQLITE_SCHEMA_MAP)
        self._writer = self._mapped.execution_options(sqlite_begin="IMMEDIATE")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading. Closing it discards anything it changed (never committed);
        the objects it loaded stay readable afterwards."""
        with Session(bind=self._mapped, expire_on_commit=False) as session:
            yield session

    @contextlib.contextmanager
    def write(self, *, foreign_keys: bool = True, durable: bool = True) -> Iterator[Session]:
        """One durable transaction: commits if the block finishes, else rolls back.

        ``foreign_keys=False`` skips the per-row reference checks, for a writer whose rows
        reference each other by construction (a first catalog load joining its staged
        items: a million lookups of what it has just written).

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL``): the
        transaction is atomic and survives the app being killed, but a power cut may take it
        back (with every later one: the log is written in order). Only for what HQ can send
        again and whose progress commits with it (a first load's staged pages); the next
        durable commit makes it durable too."""
        bind = self._writer
        if not foreign_keys or not durable:
            bind = bind.execution_options(sqlite_foreign_keys=foreign_keys, sqlite_durable=durable)
        with Session(bind=bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def integrity_problem(self) -> str | None:
        """Read every page (seconds on a big catalog: run it off the UI thread). None if
        sound. ``close()`` interrupts it, so a till never waits on it to shut down."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._checking = conn
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None
            raise
        finally:
            self._checking = None
            conn.close()
        return None if rows == ["ok"] else "; ".join(str(r) for r in rows)

    def interrupt_checks(self) -> None:
        checking = self._checking
        if checking is not None:
            checking.interrupt()

    def fold_wal_in_background(self) -> None:
        """Copy what the write-ahead log holds into the database file (a checkpoint) on a
        thread and connection of its own, for a writer that committed a very large
        transaction without folding it in (a first catalog load: a gigabyte of log). Writers
        and readers carry on meanwhile; a commit that would fold the log itself finds the
        checkpoint busy and leaves it to this one."""
        if self._folding is not None and self._folding[0].is_alive():
            return
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=10)

        def fold() -> None:
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.OperationalError as exc:  # interrupted by close(), or busy
                logger.info("folding the write-ahead log in stopped: %s", exc)
            finally:
                conn.close()

        thread = threading.Thread(target=fold, name="wal-fold", daemon=True)
        self._folding = (thread, conn)
        thread.start()

    def wait_for_background(self) -> None:
        """Until the log folded in by ``fold_wal_in_background`` is in the database file."""
        if self._folding is not None:
            self._folding[0].join()
            self._folding = None

    def close(self) -> None:
        self.interrupt_checks()
        if self._folding is not None:
            self._folding[1].interrupt()
            self.wait_for_background()
        self.engine.dispose()
