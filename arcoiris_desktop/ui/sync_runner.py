"""The sync engine on its own thread: the cashier never waits for it.

It syncs at once when started, when a sale completes (``poke``), when HQ's address answers
again after the network was gone, and otherwise on the engine's own rhythm (steady when
well, jittered backoff when not). Its status reaches the window by a queued signal.
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal

from arcoiris_desktop.sync.engine import SyncEngine

logger = logging.getLogger(__name__)

# How often an offline till looks whether HQ's address answers again (a TCP connection).
PROBE_EVERY = 2.0


class SyncRunner(QObject):
    status_changed = Signal(object)  # SyncStatus

    def __init__(self, engine: SyncEngine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="till-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def poke(self) -> None:
        """Something new to send (a sale): go now rather than at the next tick."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                status = self.engine.sync_once()
            except Exception:  # the engine reports; this only guards the thread
                logger.exception("sync step failed unexpectedly")
                status = self.engine.status
            self.status_changed.emit(status)
            delay = self.engine.next_delay()
            if status.configured and status.online is False:
                self._watch_for_network(delay)
            else:
                self._wake.wait(delay)
            self._wake.clear()

    def _watch_for_network(self, delay: float) -> None:
        """Wait out the backoff, but go at once when HQ's address, unreachable now, takes a
        connection again (the network is back): the queue drains then, not a minute later.
        When it is reachable and still failing, the backoff stands (HQ is not hurried)."""
        if self.engine.reachable():
            self._wake.wait(delay)
            return
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._wake.wait(min(PROBE_EVERY, left)):
                return
            if self.engine.reachable():
                logger.info("HQ answers again: syncing now")
                return
