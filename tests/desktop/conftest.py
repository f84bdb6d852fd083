"""Terminal tests: a real SQLite file (copied from a demo store seeded once per run) and
real widgets offscreen. Only the printer's port is outside the system: receipts go to a
file the tests read back byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from arcoiris_desktop.catalog.demo import DEMO_TILL_STAFF, seed_demo
from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.db.schema import is_fts_table, terminal_metadata
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.till import Till
from arcoiris_shared.db.pos import TaxRate
from tests.desktop.pull_rows import ORG, VAT

if TYPE_CHECKING:
    from arcoiris_desktop.sales.service import CompletedSale
    from arcoiris_desktop.ui.main_window import MainWindow

DEMO_ITEMS = 600
MILK = "8410001000008"  # Fresco Whole Milk 250 g, 3.09, VAT10
BREAD = "8410001000015"  # La Huerta Sourdough Loaf 400 g, 3.99, VAT10
WATER = "8410001000039"  # 6.59, VAT21
BANANAS_512G = "2000000005126"  # scale label: 0.512 kg of bananas at 1.79/kg
MANAGER_PIN, CASHIER_PIN = "1234", "0000"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template")
    db = Database(folder / DB_FILENAME)
    seed_demo(db, items=DEMO_ITEMS)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / DB_FILENAME


@pytest.fixture
def data_dir(tmp_path: Path, demo_template: Path) -> Path:
    shutil.copy(demo_template, tmp_path / DB_FILENAME)
    return tmp_path


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    database = Database(data_dir / DB_FILENAME)
    yield database
    database.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    """A new till database, empty but for one tax rate (``VAT``, 21% in ``ORG``): what a
    catalog pull starts from."""
    db = Database(tmp_path / DB_FILENAME)
    with db.write() as s:
        s.add(TaxRate(org_id=ORG, id=VAT, code="VAT21", name="VAT 21%", rate=Decimal("21")))
    yield db
    db.close()


@pytest.fixture
def bare_till(db: Database, data_dir: Path) -> Till:
    """The till as it first starts: no shift open, so it sells nothing yet."""
    return Till(db, data_dir=data_dir)


@pytest.fixture
def till(bare_till: Till) -> Till:
    """A till with a shift open (a manager counted a 100.00 float in): ready to sell. The
    shift's ``shift.opened`` op is the outbox's seq 1."""
    open_shift(bare_till)
    return bare_till


OPENING_FLOAT = Decimal("100.00")


def open_shift(till: Till, opening_float: Decimal = OPENING_FLOAT) -> None:
    manager = next(s for s in till.staff() if s.role == "manager")
    till.open_shift(manager, opening_float)


def _person(till: Till, role: str) -> Staff:
    return next(s for s in till.staff() if s.role == role)


@pytest.fixture
def cashier(bare_till: Till) -> Staff:
    return _person(bare_till, "cashier")


@pytest.fixture
def manager(bare_till: Till) -> Staff:
    return _person(bare_till, "manager")


@pytest.fixture
def printed(data_dir: Path) -> Path:
    """Where the default (file) printer writes each job's bytes."""
    return data_dir / "receipts" / "printer.bin"


DEMO_PINS = {s.full_name.split()[0]: s.pin for s in DEMO_TILL_STAFF}


def schema_drift(conn: Connection) -> list[object]:
    """How the database behind ``conn`` differs from the models (the search index aside:
    FTS5 tables are SQLite's own); empty when the migrations and the models agree."""
    ctx = MigrationContext.configure(
        conn,
        opts={
            "compare_type": True,
            "include_name": lambda n, t, _: not (t == "table" and is_fts_table(n)),
        },
    )
    return list(compare_metadata(ctx, terminal_metadata()))


def shown_window(qtbot, till: Till) -> Iterator[MainWindow]:
    """The real main window on ``till`` at the smallest till screen, its staff loaded; for a
    test's ``window`` fixture (``yield from``). Its worker stops after the test."""
    from arcoiris_desktop.ui.main_window import MainWindow

    w = MainWindow(till, demo_pins=DEMO_PINS)
    qtbot.addWidget(w)
    w.resize(1024, 768)
    w.show()
    qtbot.waitUntil(lambda: w.login.people.count() == 3)
    yield w
    w.worker.shutdown()


@pytest.fixture
def window(qtbot, till: Till) -> Iterator[MainWindow]:
    """The real main window on a till with a shift open, signed out."""
    yield from shown_window(qtbot, till)


@pytest.fixture
def no_shift_window(qtbot, bare_till: Till) -> Iterator[MainWindow]:
    """The real main window on a till with no shift open, signed out."""
    yield from shown_window(qtbot, bare_till)


def idle(qtbot, w: MainWindow) -> None:
    """Wait until the window's worker has finished what it was given."""
    qtbot.waitUntil(lambda: not w.worker.busy, timeout=5000)


def sell_for_cash(
    till: Till, cashier: Staff, codes: list[str], cash: Decimal | None = None
) -> CompletedSale:
    """A sale of ``codes`` paid in cash (``cash`` handed over, exact when None), through the
    till's own operations."""
    cart = till.new_cart()
    for code in codes:
        cart.add_scan(till.scan(code))
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(tender.cash_due if cash is None else cash)
    return till.complete(cart, tender, cashier)
