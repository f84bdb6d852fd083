"""Database work off the UI thread: one worker, results back on the UI thread by signal.

Every call a screen makes to ``Till`` goes through ``Worker.run``. Work is serialized on a
single thread (SQLite has one writer anyway), so operations happen in the order the
cashier asked for them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

logger = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class Worker(QObject):
    _finished = Signal(object, object, object, object)  # done, failed, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-db")
        self._pending = 0
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Done | None = None,
        failed: Failed | None = None,
        **kwargs: Any,
    ) -> Future[Any]:
        self._pending += 1

        def job() -> Any:
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the UI thread, never lost
                self._finished.emit(done, failed, None, exc)
                raise
            self._finished.emit(done, failed, result, None)
            return result

        return self._pool.submit(job)

    @Slot(object, object, object, object)
    def _deliver(self, done: Done | None, failed: Failed | None, result: Any, error: Any) -> None:
        self._pending -= 1
        if error is not None:
            if failed is not None:
                failed(error)
            else:
                logger.error("till operation failed", exc_info=error)
            return
        if done is not None:
            done(result)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
