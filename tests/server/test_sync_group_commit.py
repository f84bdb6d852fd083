"""HQ's group commit: pushes of several terminals applied in one transaction, each with
its own answer, and one terminal's trouble never failing the others."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import func, select

from arcoiris_shared.db.pos import Sale, Terminal
from arcoiris_shared.sync_protocol import PushRequest
from sync_server.errors import Conflict
from sync_server.sync.devices import DeviceContext, KnownDevices
from sync_server.sync.ingest import PushJob, push_many
from tests.server.ops import enroll, push, sale_op


def _device(db, world, enrolled: dict[str, Any]) -> DeviceContext:
    terminal = db.get(Terminal, (world.org_id, uuid.UUID(enrolled["terminal_id"])))
    assert terminal is not None
    return DeviceContext(org_id=world.org_id, terminal=terminal, protocol=1)


def _job(db, world, enrolled, ops) -> PushJob:
    return PushJob(_device(db, world, enrolled), PushRequest.model_validate({"ops": ops}))


def _sales(db, ops) -> int:
    ids = [uuid.UUID(op["payload"]["sale"]["id"]) for op in ops]
    return db.scalar(select(func.count()).select_from(Sale).where(Sale.id.in_(ids)))


def _receipts(world, enrolled, ops):
    # Receipt codes are unique per org: give each terminal its own.
    for op in ops:
        sale = op["payload"]["sale"]
        sale["receipt_code"] = f"{enrolled['terminal_id'][:8]}-{sale['receipt_no']}"
    return ops


def test_three_terminals_in_one_transaction_each_get_their_own_answer(client, db, world_a):
    tills = [enroll(client, world_a, code=f"G{k}") for k in range(3)]
    batches = [
        _receipts(world_a, t, [sale_op(world_a, t, s) for s in range(1, 2 + k)])
        for k, t in enumerate(tills)
    ]
    # The second till already pushed seq 1, and now claims another op for it.
    first = _receipts(world_a, tills[1], [sale_op(world_a, tills[1], 1)])
    assert push(client, tills[1], first).status_code == 200
    jobs = [_job(db, world_a, t, ops) for t, ops in zip(tills, batches, strict=True)]

    push_many(db_session=db, jobs=jobs)

    assert jobs[0].error is None and jobs[2].error is None
    assert isinstance(jobs[1].error, Conflict)
    assert jobs[0].response is not None and jobs[2].response is not None
    assert [r.seq for r in jobs[0].response.results] == [1]
    assert [r.seq for r in jobs[2].response.results] == [1, 2, 3]
    assert jobs[2].response.last_seq == 3
    assert all(r.status == "applied" for r in jobs[2].response.results)
    assert _sales(db, batches[0]) == 1 and _sales(db, batches[2]) == 3
    assert _sales(db, batches[1]) == 0


def test_a_push_that_breaks_the_shared_transaction_fails_alone(client, db, world_a):
    tills = [enroll(client, world_a, code=f"H{k}") for k in range(2)]
    good = _receipts(world_a, tills[0], [sale_op(world_a, tills[0], 1)])
    earlier = _receipts(world_a, tills[1], [sale_op(world_a, tills[1], 1)])
    assert push(client, tills[1], earlier).status_code == 200
    # A till bug: a new sale reusing a stock movement id HQ already holds.
    poison = _receipts(world_a, tills[1], [sale_op(world_a, tills[1], 2)])
    poison[0]["payload"]["movements"][0]["id"] = earlier[0]["payload"]["movements"][0]["id"]
    jobs = [_job(db, world_a, tills[0], good), _job(db, world_a, tills[1], poison)]

    push_many(db_session=db, jobs=jobs)

    assert jobs[0].error is None and jobs[0].response is not None
    assert jobs[0].response.results[0].status == "applied"
    # The poisoned op is refused alone (the database's reason kept), never the push.
    assert jobs[1].error is None and jobs[1].response is not None
    refused = jobs[1].response.results[0]
    assert refused.status == "rejected" and "pk_stock_movements" in (refused.reason or "")
    assert jobs[1].response.last_seq == 2
    assert _sales(db, good) == 1 and _sales(db, poison) == 0


def test_a_remembered_credential_is_refused_at_once_when_revoked_or_replaced(client, world_a):
    first = enroll(client, world_a, code="R1")
    ops = _receipts(world_a, first, [sale_op(world_a, first, s) for s in (1, 2, 3)])
    assert push(client, first, ops[:1]).status_code == 200  # the server now knows it
    again = enroll(client, world_a, code="R1")  # re-enrolled: the old credential is dead
    r = push(client, first, ops[1:2])
    assert r.status_code == 401 and r.json()["error"]["code"] == "terminal_unknown"
    assert push(client, again, ops[1:2]).status_code == 200
    client.patch(
        f"/api/pos/terminals/{again['terminal_id']}",
        headers=world_a.owner.headers,
        json={"status": "revoked"},
    )
    r = push(client, again, ops[2:])
    assert r.status_code == 401 and r.json()["error"]["code"] == "terminal_revoked"


def test_a_push_whose_last_op_the_database_refuses_keeps_the_rest(client, db, world_a):
    """A COPY that fails on the push's last row takes the whole transaction back; HQ then
    applies the push op by op, so the ops before it are in, that one op is rejected alone
    with the database's reason, and the same push sent again gets the same answers."""
    till = enroll(client, world_a, code="J1")
    earlier = _receipts(world_a, till, [sale_op(world_a, till, 1)])
    assert push(client, till, earlier).status_code == 200
    ops = _receipts(world_a, till, [sale_op(world_a, till, s) for s in range(2, 8)])
    ops[-1]["payload"]["movements"][0]["id"] = earlier[0]["payload"]["movements"][0]["id"]
    job = _job(db, world_a, till, ops)

    push_many(db_session=db, jobs=[job])

    assert job.error is None and job.response is not None
    assert [r.status for r in job.response.results] == ["applied"] * 5 + ["rejected"]
    assert job.response.last_seq == 7 and job.response.expected_seq is None
    assert _sales(db, ops) == 5
    again = _job(db, world_a, till, ops)
    push_many(db_session=db, jobs=[again])
    assert again.response is not None
    assert [(r.status, r.duplicate) for r in again.response.results] == [
        (r.status, True) for r in job.response.results
    ]
    assert _sales(db, ops) == 5


def test_a_restarted_server_knows_every_live_credential_before_the_first_push(
    client, session_factory, world_a
):
    """Start-up remembers the live credentials (one query), so tills reconnecting after a
    restart push without a look-up each; a revoked one is not remembered."""
    live = enroll(client, world_a, code="W1")
    gone = enroll(client, world_a, code="W2")
    client.patch(
        f"/api/pos/terminals/{gone['terminal_id']}",
        headers=world_a.owner.headers,
        json={"status": "revoked"},
    )
    known = KnownDevices()

    assert known.warm(session_factory) >= 1

    def sha(enrolled):
        return hashlib.sha256(enrolled["credential"].split(".", 1)[1].encode()).hexdigest()

    found = known.get(uuid.UUID(live["terminal_id"]), sha(live))
    assert found is not None and found.org_id == world_a.org_id
    assert found.terminal.code == "W1"
    assert known.get(uuid.UUID(gone["terminal_id"]), sha(gone)) is None
    assert known.get(uuid.UUID(live["terminal_id"]), sha(gone)) is None
    # The process that enrolled a till knows it at once, too.
    assert client.app.state.known_devices.get(uuid.UUID(live["terminal_id"]), sha(live))
