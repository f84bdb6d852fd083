"""Group commit for pushes: the pushes of one org that arrive while HQ is busy are applied
together, in ONE transaction, and each gets its own answer.

A push costs a dozen statements and a commit whatever its size, so two hundred terminals
each pushing two sales cost two hundred transactions one after the other; grouped they cost
a handful. A waiting push is a coroutine awaiting its answer: it holds no thread and no
connection, so however many terminals push at once, they all fit in the next group. One
drain per org (per process) takes the queue, applies it on a worker thread, answers every
push in it, and goes again while pushes keep arriving.

Groups never span orgs (nothing may need a cross-org transaction) and hold one push per
terminal: a retry racing its original waits for the next group, as it would wait for the
original's row lock.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable

import anyio.to_thread
from sqlalchemy.orm import Session

from arcoiris_shared.sync_protocol import PushRequest, PushResponse
from sync_server.sync import ingest
from sync_server.sync.devices import DeviceContext

logger = logging.getLogger(__name__)

# Enough to amortise a transaction, small enough that the first push in a group is not kept
# waiting long behind the rest.
MAX_GROUP_OPS = 2000

_Waiting = tuple[ingest.PushJob, "asyncio.Future[None]"]


class GroupCommit:
    """Lives on the app; every method runs on the event loop's thread, so its queues need
    no lock."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._queues: dict[uuid.UUID, list[_Waiting]] = {}
        self._drains: dict[uuid.UUID, asyncio.Task[None]] = {}

    async def push(self, *, device: DeviceContext, request: PushRequest) -> PushResponse:
        """Apply ``request`` (alone or with others') and return its answer or raise its error."""
        job = ingest.PushJob(device, request)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        org = device.org_id
        self._queues.setdefault(org, []).append((job, done))
        if org not in self._drains:
            self._drains[org] = asyncio.create_task(self._drain(org))
        await asyncio.shield(done)  # a client that hangs up does not cancel the group
        if job.error is not None:
            raise job.error
        assert job.response is not None
        return job.response

    async def _drain(self, org: uuid.UUID) -> None:
        try:
            while self._queues.get(org):
                group = self._take(org)
                try:
                    await anyio.to_thread.run_sync(self._apply, [job for job, _ in group])
                except Exception as exc:  # every waiter must hear, whatever happened
                    logger.exception("a group of %d pushes failed", len(group))
                    for job, _ in group:
                        if job.response is None and job.error is None:
                            job.error = exc
                finally:
                    for _, done in group:
                        if not done.done():
                            done.set_result(None)
        finally:
            self._drains.pop(org, None)
            if not self._queues.get(org):
                self._queues.pop(org, None)

    def _apply(self, jobs: list[ingest.PushJob]) -> None:
        with self._session_factory() as session:
            ingest.push_many(db_session=session, jobs=jobs)

    def _take(self, org: uuid.UUID) -> list[_Waiting]:
        """The waiting pushes of ``org`` for one group: oldest first, one per terminal, up
        to MAX_GROUP_OPS ops (always at least one push)."""
        group: list[_Waiting] = []
        rest: list[_Waiting] = []
        terminals: set[uuid.UUID] = set()
        ops = 0
        for waiting in self._queues[org]:
            job = waiting[0]
            t = job.device.terminal_id
            size = len(job.request.ops)
            if t in terminals or (group and ops + size > MAX_GROUP_OPS):
                rest.append(waiting)
                continue
            group.append(waiting)
            terminals.add(t)
            ops += size
        self._queues[org] = rest
        return group
