"""A till killed with ``kill -9`` in the middle of pushing a long backlog, restarted on the
same database: the queue drains and HQ has every sale exactly once."""

from __future__ import annotations

import random
import signal
import textwrap
import time

from sqlalchemy import create_engine, func, select, text

from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.sync.engine import SyncEngine
from tests.sync.conftest import start_child
from tests.sync.helpers import drain, queued, sell

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from arcoiris_desktop.db.database import Database, DB_FILENAME
    from arcoiris_desktop.sync.engine import SyncEngine
    data = Path(sys.argv[1])
    db = Database(data / DB_FILENAME)
    engine = SyncEngine(db, data, batch_size=5)
    print("PUSHING", flush=True)
    while engine.refresh_status().waiting:
        engine.sync_once()
    print("DONE", flush=True)
    """
)


def test_killed_mid_push_then_restarted_drains_exactly_once(live_server, make_terminal):
    t = make_terminal("T71")
    t.engine.sync_once()
    t.open_till()
    sold = sell(t, random.Random(71), 60)
    assert queued(t, audits=False) == 61  # the shift's opening and the 60 sales
    with t.db.read() as s:  # and the audit log's entries: the whole queue, seq 1 to last
        last = s.scalar(select(func.max(OutboxOp.seq)))
    assert last is not None and queued(t) == last
    rng = random.Random(7)
    for _ in range(3):
        proc = start_child(CHILD, t.data_dir, "PUSHING")
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # Restart on the same database: the engine picks up where the queue stands.
    t.engine = SyncEngine(t.db, t.data_dir, batch_size=7)
    drain(t)
    hq = create_engine(live_server.database_url)
    try:
        with hq.connect() as c:
            codes = (
                c.execute(
                    text("SELECT receipt_code FROM pos.sales WHERE terminal_id = :t"),
                    {"t": t.till.config.terminal_id},
                )
                .scalars()
                .all()
            )
            ops = c.execute(
                text("SELECT count(*), max(seq) FROM pos.sync_ops WHERE terminal_id = :t"),
                {"t": t.till.config.terminal_id},
            ).one()
    finally:
        hq.dispose()
    assert sorted(codes) == sorted(sold)
    assert ops == (last, last)  # every op the till queued, each once, none missing
