"""Group commit for pushes: when many terminals of one org push at once, one request
thread (the leader) applies all the pushes waiting at that moment in ONE transaction and
answers every one of them; the others wait for their answer holding no connection.

A push costs a dozen statements and a commit whatever its size, so two hundred terminals
each pushing two sales cost two hundred transactions one after the other; grouped they cost
a handful. Groups never span orgs (nothing may need a cross-org transaction) and hold one
push per terminal (a retry racing its original waits for the next group, as it would wait
for the original's row lock). When the leader's group is done it hands the lead to the
oldest waiting push, which takes everything queued by then.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from arcoiris_shared.sync_protocol import PushRequest, PushResponse
from sync_server.sync import ingest
from sync_server.sync.devices import DeviceContext

# Enough to amortise a transaction, small enough that the first push in a group is not kept
# waiting long behind the rest.
MAX_GROUP_OPS = 2000
# Groups of one org in flight at once in this process: while one waits on PostgreSQL (its
# COPYs, its commit) the next is validated and staged in Python. Their row locks are taken
# in the same order (devices, stock levels, balances), so they queue, never deadlock.
LEADERS_PER_ORG = 2


@dataclass
class _Waiting:
    job: ingest.PushJob
    wake: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # woken to lead the next group, not with an answer


class GroupCommit:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[uuid.UUID, list[_Waiting]] = {}
        self._leading: dict[uuid.UUID, int] = {}

    def push(
        self,
        *,
        device: DeviceContext,
        request: PushRequest,
        session: Session,
        release: Callable[[], None],
    ) -> PushResponse:
        """Apply ``request`` (alone or with others') and return its answer or raise its error.

        ``session`` is this request's own; ``release`` gives its connection back while the
        request waits for someone else's group to answer it."""
        me = _Waiting(ingest.PushJob(device, request))
        org = device.org_id
        with self._lock:
            self._queues.setdefault(org, []).append(me)
            lead = self._leading.get(org, 0) < LEADERS_PER_ORG
            if lead:
                self._leading[org] = self._leading.get(org, 0) + 1
        if not lead:
            release()
            me.wake.wait()
            if not me.lead:
                return _answer(me.job)
        self._lead(org, me, session)
        return _answer(me.job)

    def _lead(self, org: uuid.UUID, me: _Waiting, session: Session) -> None:
        group = self._take(org, me)
        try:
            ingest.push_many(db_session=session, jobs=[w.job for w in group])
        except BaseException as exc:  # every waiter must wake, whatever happened
            for w in group:
                if w.job.response is None and w.job.error is None:
                    w.job.error = exc if isinstance(exc, Exception) else RuntimeError(str(exc))
            raise
        finally:
            successor: _Waiting | None = None
            with self._lock:
                queue = self._queues.get(org)
                if queue:
                    # Out of the queue at once: no other group may take it as a member.
                    successor = queue.pop(0)
                    successor.lead = True
                else:
                    self._leading[org] -= 1
                    if not self._leading[org]:
                        del self._leading[org]
                    self._queues.pop(org, None)
            for w in group:
                w.wake.set()
            if successor is not None:
                successor.wake.set()

    def _take(self, org: uuid.UUID, leader: _Waiting) -> list[_Waiting]:
        """The leader's push and the waiting pushes of ``org`` for one group: oldest first,
        one per terminal, up to MAX_GROUP_OPS ops."""
        with self._lock:
            group = [leader]
            terminals = {leader.job.device.terminal_id}
            ops = len(leader.job.request.ops)
            rest = []
            for w in self._queues.get(org, []):
                if w is leader:
                    continue
                t = w.job.device.terminal_id
                if t in terminals or ops + len(w.job.request.ops) > MAX_GROUP_OPS:
                    rest.append(w)
                    continue
                group.append(w)
                terminals.add(t)
                ops += len(w.job.request.ops)
            self._queues[org] = rest
            return group


def _answer(job: ingest.PushJob) -> PushResponse:
    if job.error is not None:
        raise job.error
    assert job.response is not None
    return job.response
