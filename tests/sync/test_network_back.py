"""The network goes away for a long while, then comes back: the till's queue goes up as
soon as HQ's address answers again, not when a backoff of up to a minute runs out. The
network here is a TCP relay between the till and HQ, switched off and on."""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time

from arcoiris_desktop.db.local import Setting
from arcoiris_desktop.sync.engine import SERVER_URL
from arcoiris_desktop.ui.sync_runner import SyncRunner
from tests.sync.helpers import queued, sell


def _hang_up(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)


class Relay:
    """Bytes both ways between a local port and HQ's, until switched off."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []

    def on(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def off(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for s in self._open:
            _hang_up(s)
            s.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                _hang_up(s)


def test_the_queue_goes_up_as_soon_as_the_network_is_back(qtbot, live_server, make_terminal):
    t = make_terminal("N1")
    t.engine.sync_once()
    t.open_till()
    relay = Relay(int(live_server.url.rsplit(":", 1)[1]))
    with t.db.write() as s:  # the till reaches HQ through the relay from now on
        row = s.get(Setting, SERVER_URL)
        assert row is not None
        row.value = f"http://127.0.0.1:{relay.port}"
    sell(t, random.Random(91), 2)
    t.engine.failures = 6  # offline for a while already: the next wait is 30-60 s
    runner = SyncRunner(t.engine)
    runner.start()
    try:
        qtbot.waitUntil(lambda: t.engine.status.online is False, timeout=10_000)
        # The shift's opening and the two sales wait, with whatever the audit log queued.
        assert queued(t, audits=False) == 3
        assert t.engine.status.waiting == queued(t) and t.engine.next_delay() >= 30
        back = time.monotonic()
        relay.on()
        qtbot.waitUntil(
            lambda: t.engine.status.online and t.engine.status.waiting == 0, timeout=15_000
        )
        assert time.monotonic() - back < 15
    finally:
        runner.stop()
        relay.off()
