"""A hypothesis state machine drives one till against the live server: sales, syncs through
random faults on the wire, engine restarts. At every step HQ holds no sale twice and nothing
the till did not sell; at the end, after a clean drain, HQ holds exactly what was sold, its
stock and books agree with it, and every level the till shows is HQ's."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import create_engine, text

from arcoiris_desktop.sync.engine import SyncEngine
from tests.sync.conftest import enrol_terminal
from tests.sync.helpers import check_invariants, drain, sell

FAULTS = ["ok", "drop_before", "drop_after", "5xx", "timeout_after", "duplicate", "replay_old"]
_codes = itertools.count(1)


@pytest.fixture
def machine_env(live_server, tmp_path: Path):
    return live_server, tmp_path


def test_engine_against_the_protocol(machine_env):
    live_server, tmp_path = machine_env
    hq = create_engine(live_server.database_url)

    class TillAgainstHQ(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            code = f"H{next(_codes)}"
            self.t = enrol_terminal(live_server, tmp_path / code, code)
            self.t.engine.sync_once()
            self.t.open_till()
            self.rng = random.Random(next(_codes))
            self.sold: list[str] = []

        def hq_codes(self) -> list[str]:
            with hq.connect() as c:
                return list(
                    c.execute(
                        text("SELECT receipt_code FROM pos.sales WHERE terminal_id = :t"),
                        {"t": self.t.till.config.terminal_id},
                    ).scalars()
                )

        @rule(n=st.integers(1, 4))
        def sell(self, n: int) -> None:
            self.sold += sell(self.t, self.rng, n)

        @rule(faults=st.lists(st.sampled_from(FAULTS), max_size=3))
        def sync(self, faults: list[str]) -> None:
            self.t.wire.plan = list(faults)
            self.t.engine.sync_once()

        @rule(batch=st.integers(1, 9))
        def restart(self, batch: int) -> None:
            self.t.engine = SyncEngine(
                self.t.db,
                self.t.data_dir,
                batch_size=batch,
                client_factory=self.t.engine.client_factory,
            )

        @invariant()
        def hq_never_double_counts(self) -> None:
            codes = self.hq_codes()
            assert len(codes) == len(set(codes)), "a sale counted twice"
            assert set(codes) <= set(self.sold), "HQ has a sale the till never made"

        def teardown(self) -> None:
            self.t.wire.plan = []
            drain(self.t)
            assert sorted(self.hq_codes()) == sorted(self.sold)
            till = self.t.till
            assert till is not None
            check_invariants(live_server, [self.t], {till.config.terminal_code: self.sold})
            # Nothing waits: every level the till shows is HQ's, each sale counted once.
            with hq.connect() as c:
                levels = c.execute(
                    text(
                        "SELECT item_id, quantity FROM inv.stock_levels "
                        "WHERE org_id = :o AND location_id = :l"
                    ),
                    {"o": live_server.org_id, "l": till.config.location_id},
                ).all()
            assert levels and all(till.stock_of(i) == q for i, q in levels)
            self.t.db.close()

    run = settings(max_examples=6, stateful_step_count=8, deadline=None)(TillAgainstHQ)
    try:
        run.TestCase().runTest()
    finally:
        hq.dispose()
