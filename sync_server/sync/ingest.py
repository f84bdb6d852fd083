"""Push: a terminal's ops applied exactly once, in ``seq`` order, in one transaction.

The terminal's device row is locked for the batch, so two pushes of the same terminal (a
retry racing the original) queue instead of interleaving. Ops at or below ``last_seq`` get
the result stored when they were applied; the next ones are validated, then applied
together with multi-row statements (no per-op round trips); a gap stops the batch. An op
that breaks a business rule is acknowledged as ``rejected`` and kept as a dead letter:
the queue behind it keeps moving. The acknowledgement only leaves after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
import psycopg
from pydantic import ValidationError
from sqlalchemy import BigInteger, Table, Uuid, any_, bindparam, null, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from arcoiris_shared.cash import DEFAULT_OVER_SHORT_THRESHOLD, OVER_SHORT_THRESHOLD_SETTING
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import Customer, Shift
from arcoiris_shared.money import RoundingMode
from arcoiris_shared.ops import LineRow, dec, instant
from arcoiris_shared.sync_protocol import Op, OpResult, PushRequest, PushResponse, payload_digest
from sync_server.accounting import posting
from sync_server.accounting import service as accounting_service
from sync_server.bulk import copy_rows, copy_staged, uuid_array
from sync_server.changelog import service as changelog
from sync_server.errors import Conflict
from sync_server.inventory import repository as inventory_repository
from sync_server.pos.flags import FLAG_COLUMNS
from sync_server.sync.devices import (
    DeviceContext,
    credential_problem,
    detached,
    devices_with_terminals,
)
from sync_server.sync.kinds import HANDLERS
from sync_server.sync.kinds.base import (
    COLUMNS,
    ZERO,
    Batch,
    Context,
    Needs,
    References,
    Rejected,
    ShiftState,
)
from sync_server.sync.models import DeadLetter, SyncOp, TerminalDevice

logger = logging.getLogger(__name__)
# Keys go to PostgreSQL as one array parameter: a 500-op batch's IN list of 1,500 separate
# parameters cost more to build and parse than the lookup itself.
_UUIDS = ARRAY(Uuid())
_INTS = ARRAY(BigInteger())
_SYNC_OP_COLUMNS = tuple(c.key for c in cast(Table, SyncOp.__table__).columns)


@dataclass
class PushJob:
    """One terminal's push, waiting for its answer: a response, or the error to raise."""

    device: DeviceContext
    request: PushRequest
    response: PushResponse | None = None
    error: Exception | None = None
    # Filled while the group is worked on.
    ops: list[Op] = field(default_factory=list)
    fresh: list[Op] = field(default_factory=list)
    digests: dict[int, str] = field(default_factory=dict)
    replayed: list[OpResult] = field(default_factory=list)
    gap: int | None = None
    outcomes: list[tuple[Op, str | None]] = field(default_factory=list)
    # Ops HQ's database refused once already (seq -> why), acknowledged as rejected
    # unchecked; a job of one op (``alone``) is never taken apart further.
    refused: dict[int, str] = field(default_factory=dict)
    alone: bool = False


def push(*, db_session: Session, device: DeviceContext, request: PushRequest) -> PushResponse:
    """One terminal's push in its own transaction."""
    job = PushJob(device, request)
    push_many(db_session=db_session, jobs=[job])
    if job.error is not None:
        raise job.error
    assert job.response is not None
    return job.response


def push_many(*, db_session: Session, jobs: Sequence[PushJob]) -> None:
    """Several terminals' pushes (one org, one job per terminal) in ONE transaction: HQ's
    group commit. Each job gets its own response, or its own error (a 409 for one terminal
    never fails the others). Should the shared transaction fail anyway, each job is retried
    in a transaction of its own, so one terminal's bad batch costs the others nothing."""
    if not jobs:
        return
    org_id = jobs[0].device.org_id
    terminals = [job.device.terminal_id for job in jobs]
    assert all(j.device.org_id == org_id for j in jobs), "a group never spans orgs"
    assert len(set(terminals)) == len(terminals), "one job per terminal in a group"
    try:
        _push_group(db_session, org_id, list(jobs))
    except Exception as exc:
        db_session.rollback()
        if len(jobs) == 1:
            if _refused_data(exc) and not jobs[0].alone:
                _op_by_op(db_session, jobs[0], exc)
            else:
                jobs[0].error = exc
            return
        logger.warning("a group of %d pushes failed together (%r); one by one", len(jobs), exc)
        for job in jobs:
            _reset(job)
            push_many(db_session=db_session, jobs=[job])


def _refused_data(exc: BaseException | None) -> bool:
    """Whether PostgreSQL refused the data itself, past every check: a key it already holds
    (a receipt code used before) or a value it cannot store (out of its column's range, a
    NUL in a text). Anything else (a missing reference, a NOT NULL, a broken connection, a
    bug at HQ) is HQ's trouble, not the op's: it stays an error and the till keeps its op."""
    if not isinstance(exc, IntegrityError | DataError):
        return False
    orig = exc.orig
    return isinstance(orig, psycopg.errors.UniqueViolation | psycopg.DataError)


def _op_by_op(db_session: Session, job: PushJob, exc: Exception) -> None:
    """A push HQ's database refused: its ops again, each in a transaction of its own, and
    the op refused alone acknowledged as rejected with the database's reason (and kept as a
    dead letter), so that one op never blocks the queue behind it. Rare, so slow is fine."""
    logger.warning(
        "HQ's database refused a push of terminal %s (%s); its ops one by one",
        job.device.terminal_id,
        _refusal(exc),
    )
    results: list[OpResult] = []
    last_seq = expected = None
    for op in _in_order(job.request.ops):
        one = PushJob(job.device, PushRequest.model_construct(ops=[op]), alone=True)
        push_many(db_session=db_session, jobs=[one])
        if one.error is not None and _refused_data(one.error):
            reason = _refusal(one.error)
            one = PushJob(
                job.device,
                PushRequest.model_construct(ops=[op]),
                alone=True,
                refused={op.seq: reason},
            )
            push_many(db_session=db_session, jobs=[one])
        if one.error is not None:  # the ops before it are in: a retry gets them replayed
            job.error = one.error
            return
        assert one.response is not None
        results += one.response.results
        last_seq, expected = one.response.last_seq, one.response.expected_seq
        if expected is not None:
            break
    assert last_seq is not None
    job.response = PushResponse(results=results, last_seq=last_seq, expected_seq=expected)


def _storable(payload: dict[str, Any]) -> Any:
    """A refused payload as a dead letter can hold it: JSON in PostgreSQL holds no NUL, so
    one is kept as the six characters that spell it."""
    return orjson.loads(orjson.dumps(payload).replace(b"\\u0000", b"\\\\u0000"))


def _refusal(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    said = getattr(diag, "message_primary", None) or str(orig or exc).splitlines()[0]
    return f"HQ's database cannot store it: {said}"


def _reset(job: PushJob) -> None:
    job.response = job.error = job.gap = None
    job.ops, job.fresh, job.digests, job.replayed, job.outcomes = [], [], {}, [], []


def _push_group(db_session: Session, org_id: uuid.UUID, jobs: list[PushJob]) -> None:
    # Device rows locked in key order: two groups never wait on each other in a circle.
    rows = db_session.execute(
        devices_with_terminals()
        .where(
            TerminalDevice.org_id == org_id,
            TerminalDevice.terminal_id
            == any_(bindparam(None, [j.device.terminal_id for j in jobs], type_=_UUIDS)),
        )
        .order_by(TerminalDevice.terminal_id)
        .with_for_update(of=TerminalDevice)
        # The locked row as it is now, not as an earlier push in this session left it.
        .execution_options(populate_existing=True)
    ).all()
    devices = {dev.terminal_id: dev for dev, _ in rows}
    terminals = {term.id: term for _, term in rows}
    live: list[PushJob] = []
    for job in jobs:
        terminal_id = job.device.terminal_id
        if job.device.credential_sha is not None:
            # Authenticated from memory: the locked row has the last word.
            problem = credential_problem(
                devices.get(terminal_id), terminals.get(terminal_id), job.device.credential_sha
            )
            if problem is not None:
                job.error = problem
                continue
            job.device = replace(job.device, terminal=detached(terminals[terminal_id]))
        try:
            _sort_out(db_session, job, devices[terminal_id].last_seq)
        except Conflict as exc:
            job.error = exc
            continue
        live.append(job)
    _refuse_reused_op_ids(db_session, org_id, live)
    live = [job for job in live if job.error is None]

    now = utcnow()
    batch = _check_and_write(db_session, org_id, live, now)
    letters = []
    for job in live:
        terminal_id = job.device.terminal_id
        for op, reason in job.outcomes:
            if reason:
                letters.append(
                    {
                        "org_id": org_id,
                        "id": uuid.uuid4(),
                        "terminal_id": terminal_id,
                        "seq": op.seq,
                        "op_id": op.op_id,
                        "kind": op.kind,
                        "payload": _storable(op.payload) if job.refused else op.payload,
                        "reason": reason,
                        "received_at": now,
                    }
                )
                logger.warning(
                    "op %s seq %s of %s rejected: %s", op.kind, op.seq, terminal_id, reason
                )
    copy_rows(db_session, DeadLetter.__table__, letters)  # type: ignore[arg-type]
    last_seqs = {t: dev.last_seq for t, dev in devices.items()}
    for job in live:
        if job.fresh:
            last_seqs[job.device.terminal_id] = job.fresh[-1].seq
    _mark_seen(db_session, org_id, live, last_seqs, now)
    if batch is not None:
        _move_hot_rows(db_session, org_id, batch)
    db_session.commit()
    for job in live:
        results = job.replayed + [
            OpResult(seq=op.seq, op_id=op.op_id, status="rejected" if r else "applied", reason=r)
            for op, r in job.outcomes
        ]
        job.response = PushResponse(
            results=sorted(results, key=lambda r: r.seq),
            last_seq=last_seqs[job.device.terminal_id],
            expected_seq=job.gap,
        )


_MARK_SEEN = text(
    """
    UPDATE pos.terminal_devices AS d
       SET last_seq = v.last_seq, last_seen_at = :now, protocol_version = v.protocol
      FROM unnest(CAST(:terminals AS uuid[]), CAST(:seqs AS bigint[]), CAST(:protocols AS int[]))
           AS v(terminal_id, last_seq, protocol)
     WHERE d.org_id = :org AND d.terminal_id = v.terminal_id
    """
)


def _mark_seen(
    db_session: Session,
    org_id: uuid.UUID,
    jobs: list[PushJob],
    last_seqs: dict[uuid.UUID, int],
    now: dt.datetime,
) -> None:
    """Each pushing terminal's new last seq, last contact and protocol, in one statement (a
    group of a hundred tills was a hundred UPDATEs)."""
    if not jobs:
        return
    db_session.execute(
        _MARK_SEEN,
        {
            "org": org_id,
            "now": now,
            "terminals": [job.device.terminal_id for job in jobs],
            "seqs": [last_seqs[job.device.terminal_id] for job in jobs],
            "protocols": [job.device.protocol for job in jobs],
        },
    )


def _sort_out(db_session: Session, job: PushJob, last: int) -> None:
    """Which of the job's ops HQ has (their stored results), which come next, where a gap
    stops them. A loud Conflict when the terminal and HQ disagree."""
    job.ops = _in_order(job.request.ops)
    job.digests = {op.seq: payload_digest(op.payload) for op in job.ops}
    job.replayed = _replays(
        db_session,
        job.device.org_id,
        job.device.terminal_id,
        [op for op in job.ops if op.seq <= last],
        job.digests,
    )
    expected = last + 1
    for op in job.ops:
        if op.seq <= last:
            continue
        if op.seq != expected:
            break
        job.fresh.append(op)
        expected += 1
    if len(job.fresh) < len([op for op in job.ops if op.seq > last]):
        job.gap = expected


def _in_order(ops: Sequence[Op]) -> list[Op]:
    by_seq: dict[int, Op] = {}
    for op in ops:
        seen = by_seq.get(op.seq)
        if seen is not None and (seen.op_id != op.op_id or seen.payload != op.payload):
            raise Conflict(
                f"Two different ops claim seq {op.seq}", code="op_conflict", details=[op.seq]
            )
        by_seq[op.seq] = op
    return [by_seq[s] for s in sorted(by_seq)]


def _replays(
    db_session: Session,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID,
    ops: list[Op],
    digests: dict[int, str],
) -> list[OpResult]:
    """The stored results of ops HQ already has, or a loud 409 if one differs."""
    if not ops:
        return []
    stored = {
        row.seq: row
        for row in db_session.scalars(
            select(SyncOp).where(
                SyncOp.org_id == org_id,
                SyncOp.terminal_id == terminal_id,
                SyncOp.seq == any_(bindparam(None, [op.seq for op in ops], type_=_INTS)),
            )
        )
    }
    conflicts = [
        op.seq
        for op in ops
        if (row := stored.get(op.seq)) is None
        or row.op_id != op.op_id
        or row.payload_sha256 != digests[op.seq]
    ]
    if conflicts:
        raise Conflict(
            "These seqs already hold different ops: the terminal's queue and HQ disagree. "
            "Nothing in this batch was applied.",
            code="op_conflict",
            details=conflicts,
        )
    return [
        OpResult(
            seq=op.seq,
            op_id=op.op_id,
            status="applied" if stored[op.seq].status == "applied" else "rejected",
            reason=stored[op.seq].reason,
            duplicate=True,
        )
        for op in ops
    ]


_USED_OP_IDS = text(
    """
    SELECT t.op_id, t.seq FROM unnest(CAST(:ids AS uuid[])) AS k(id)
      JOIN pos.sync_ops t ON t.org_id = :org AND t.op_id = k.id
    """
)  # a join, not = ANY: see _LOOKUP


def _refuse_reused_op_ids(db_session: Session, org_id: uuid.UUID, jobs: list[PushJob]) -> None:
    """A fresh op whose op_id HQ already holds (or another job in the group carries) fails
    its job with a loud 409."""
    owner: dict[uuid.UUID, PushJob] = {}
    for job in jobs:
        for op in job.fresh:
            if owner.setdefault(op.op_id, job) is not job:
                job.error = Conflict("An op_id was already used for another op", code="op_conflict")
    if not owner:
        return
    used = db_session.execute(_USED_OP_IDS, {"org": org_id, "ids": list(owner)}).all()
    for op_id, seq in used:
        job = owner[op_id]
        job.error = Conflict(
            "An op_id was already used for another op", code="op_conflict", details=[seq]
        )


def _check_and_write(
    db_session: Session, org_id: uuid.UUID, jobs: list[PushJob], now: dt.datetime
) -> Batch | None:
    """Validate every fresh op of every job against its model, check each against HQ and
    the ops before it and stage its rows (its kind's ``check_and_stage``), then write the
    staged batch and every op's result together; each job's ``outcomes`` is
    [(op, rejection or None)] in seq order."""
    if not any(job.fresh for job in jobs):
        return None
    parsed: dict[tuple[uuid.UUID, int], Any] = {}
    outcomes: dict[tuple[uuid.UUID, int], str | None] = {}
    needs = Needs()
    for job in jobs:
        terminal_id = job.device.terminal_id
        for op in job.fresh:
            key = (terminal_id, op.seq)
            handler = HANDLERS.get(op.kind)
            if op.seq in job.refused:
                outcomes[key] = job.refused[op.seq]
                continue
            if handler is None:
                outcomes[key] = f"{op.kind} is not an op this server accepts"
                continue
            try:
                payload = handler.model.model_validate(op.payload)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first.get("loc", ()))
                outcomes[key] = f"malformed payload at {where}: {first.get('msg')}"
                continue
            parsed[key] = payload
            handler.needs(payload, needs)

    found = _lookup(db_session, org_id, needs)
    ctx = Context(
        org_id=str(org_id),
        terminal_id="",
        terminal_location_id="",
        currency=found.currency,
        zone=_zone(found.timezone),
        accounts=found.accounts,
        now=now.isoformat(),
        refs=found.refs,
        batch=Batch(),
        rounding=found.rounding,
        over_short_threshold=found.over_short_threshold,
    )
    for job in jobs:
        ctx.terminal_id = str(job.device.terminal_id)
        ctx.terminal_location_id = str(job.device.terminal.location_id)
        for op in job.fresh:
            key = (job.device.terminal_id, op.seq)
            if key not in outcomes:
                try:
                    HANDLERS[op.kind].check_and_stage(ctx, op, parsed[key])
                    outcomes[key] = None
                except Rejected as exc:
                    outcomes[key] = str(exc)
            job.outcomes.append((op, outcomes[key]))
    _write(db_session, org_id, ctx, now)
    copy_staged(db_session, "pos.sync_ops", _SYNC_OP_COLUMNS, _sync_op_rows(org_id, jobs, now))
    return ctx.batch


def _sync_op_rows(org_id: uuid.UUID, jobs: list[PushJob], now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "org_id": org_id,
            "terminal_id": job.device.terminal_id,
            "seq": op.seq,
            "op_id": op.op_id,
            "kind": op.kind,
            "payload_sha256": job.digests[op.seq],
            "status": "rejected" if reason else "applied",
            "reason": reason,
            "occurred_at": op.occurred_at,
            "received_at": now,
        }
        for job in jobs
        for op, reason in job.outcomes
    ]


# Keys are joined against ``unnest`` of one array parameter rather than tested with
# ``= ANY(array)``: once psycopg prepares a statement, PostgreSQL may plan it generically,
# and a generic ``= ANY`` over a parameter is a linear search of the array for every row it
# filters (a 500-op push against 20,000 sales took 60 ms a query, growing with HQ). A join
# hashes the keys or probes the index, whichever the statistics favour.
_LOOKUP = text(
    """
    SELECT 'org', currency, timezone, NULL, NULL FROM core.organizations WHERE id = :org
    UNION ALL
    SELECT 'rounding', value #>> '{}', NULL, NULL, NULL FROM core.org_settings
     WHERE org_id = :org AND key = 'rounding_mode'
    UNION ALL
    SELECT 'account', system_key, id::text, NULL, NULL FROM acct.chart_of_accounts
     WHERE org_id = :org AND system_key IS NOT NULL
    UNION ALL
    SELECT 'location', id::text, NULL, NULL, NULL FROM inv.locations WHERE org_id = :org
    UNION ALL
    SELECT 'item', t.id::text, NULL, NULL, NULL
      FROM unnest(CAST(:items AS uuid[])) AS k(id)
      JOIN inv.items t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'sale', t.id::text, t.kind, NULL, NULL
      FROM unnest(CAST(:sales AS uuid[])) AS k(id)
      JOIN pos.sales t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'customer', t.id::text, NULL, NULL, NULL
      FROM unnest(CAST(:customers AS uuid[])) AS k(id)
      JOIN pos.customers t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'shift', t.id::text, t.terminal_id::text, t.status, t.currency
      FROM unnest(CAST(:shifts AS uuid[])) AS k(id)
      JOIN pos.shifts t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'shift_cash', s.shift_id::text, sum(p.amount)::text, NULL, NULL
      FROM unnest(CAST(:closing AS uuid[])) AS k(id)
      JOIN pos.sales s ON s.org_id = :org AND s.shift_id = k.id
      JOIN pos.payments p ON p.org_id = :org AND p.sale_id = s.id AND p.method = 'cash'
     GROUP BY s.shift_id
    UNION ALL
    SELECT 'shift_cash', m.shift_id::text, sum(m.amount)::text, NULL, NULL
      FROM unnest(CAST(:closing AS uuid[])) AS k(id)
      JOIN pos.cash_movements m ON m.org_id = :org AND m.shift_id = k.id
     GROUP BY m.shift_id
    UNION ALL
    SELECT 'threshold', value #>> '{}', NULL, NULL, NULL FROM core.org_settings
     WHERE org_id = :org AND key = :threshold_key
    UNION ALL
    SELECT 'cash_movement', t.id::text, NULL, NULL, NULL
      FROM unnest(CAST(:movements AS uuid[])) AS k(id)
      JOIN pos.cash_movements t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'audit', t.id::text, NULL, NULL, NULL
      FROM unnest(CAST(:audits AS uuid[])) AS k(id)
      JOIN pos.audit_events t ON t.org_id = :org AND t.id = k.id
    UNION ALL
    SELECT 'z', t.terminal_id::text, t.z_number::text, NULL, NULL
      FROM unnest(CAST(:z_terminals AS uuid[]), CAST(:z_numbers AS int[])) AS k(terminal_id, z)
      JOIN pos.shifts t ON t.org_id = :org AND t.terminal_id = k.terminal_id
                       AND t.z_number = k.z
    """
)


@dataclass
class _Lookup:
    currency: str
    timezone: str
    accounts: dict[str, uuid.UUID]
    refs: References
    rounding: RoundingMode
    over_short_threshold: Decimal


def _lookup(db_session: Session, org_id: uuid.UUID, needs: Needs) -> _Lookup:
    """The org, its system accounts and stores, and what HQ holds of everything the batch
    points at: one round trip for all of it."""
    org: tuple[str, str] | None = None
    rounding = RoundingMode.HALF_UP
    threshold = DEFAULT_OVER_SHORT_THRESHOLD
    accounts: dict[str, uuid.UUID] = {}
    z_keys = sorted(needs.z_numbers)
    refs = References(items=set(), locations=set(), sales={}, customers=set(), shifts={})
    rows = db_session.execute(
        _LOOKUP,
        {
            "org": org_id,
            # validated ids (the op models' Uuid), as array literals: see bulk.uuid_array
            "items": uuid_array(sorted(needs.items)),
            "sales": uuid_array(sorted(needs.sales)),
            "customers": uuid_array(sorted(needs.customers)),
            "shifts": uuid_array(sorted(needs.shifts)),
            "closing": uuid_array(sorted(needs.closing_shifts)),
            "movements": uuid_array(sorted(needs.cash_movements)),
            "audits": uuid_array(sorted(needs.audit_events)),
            "threshold_key": OVER_SHORT_THRESHOLD_SETTING,
            "z_terminals": uuid_array(t for t, _ in z_keys),
            "z_numbers": [z for _, z in z_keys],
        },
    )
    for kind, a, b, c, d in rows:
        if kind == "org":
            org = (a, b)
        elif kind == "rounding":
            rounding = RoundingMode(a)
        elif kind == "shift_cash":  # a shift's sales, then its paid ins and outs
            refs.shift_cash[a] = refs.shift_cash.get(a, ZERO) + dec(b)
        elif kind == "threshold":
            threshold = _threshold(a)
        elif kind == "cash_movement":
            refs.cash_movements.add(a)
        elif kind == "audit":
            refs.audit_events.add(a)
        elif kind == "z":
            refs.z_numbers.add((a, int(b)))
        elif kind == "account":
            accounts[a] = uuid.UUID(b)
        elif kind == "location":
            refs.locations.add(a)
        elif kind == "item":
            refs.items.add(a)
        elif kind == "sale":
            refs.sales[a] = b
        elif kind == "customer":
            refs.customers.add(a)
        else:
            refs.shifts[a] = ShiftState(b, c, d)
    assert org is not None, "a device of an org that does not exist"
    if needs.refunded_sales:
        _refunded_sales(db_session, org_id, sorted(needs.refunded_sales), refs)
    return _Lookup(
        currency=org[0],
        timezone=org[1],
        accounts=accounts,
        refs=refs,
        rounding=rounding,
        over_short_threshold=threshold,
    )


def _threshold(value: str | None) -> Decimal:
    """The org's over/short threshold setting; the default when it is not a sane amount
    (a setting typed wrong at HQ must not stop the tills' pushes)."""
    try:
        found = Decimal(str(value))
    except ArithmeticError:
        return DEFAULT_OVER_SHORT_THRESHOLD
    return found if found.is_finite() and found >= 0 else DEFAULT_OVER_SHORT_THRESHOLD


# The lines of sales being refunded, and what earlier refunds returned of each line: only
# for pushes with a refund against a receipt (rare next to sales), so a query of its own.
_SOLD_LINES = text(
    """
    SELECT l.sale_id::text, l.line_no, l.item_id::text, l.sku, l.name, l.quantity::text,
           l.unit_price::text, l.gross::text, l.line_discount::text, l.sale_discount::text,
           l.net::text, l.tax::text, l.total::text, l.taxes
      FROM unnest(CAST(:ids AS uuid[])) AS k(id)
      JOIN pos.sale_lines l ON l.org_id = :org AND l.sale_id = k.id
    """
)
_RETURNED = text(
    """
    SELECT r.refund_of_sale_id::text, l.refund_of_line_no, -sum(l.quantity)
      FROM unnest(CAST(:ids AS uuid[])) AS k(id)
      JOIN pos.sales r ON r.org_id = :org AND r.refund_of_sale_id = k.id
      JOIN pos.sale_lines l ON l.org_id = :org AND l.sale_id = r.id
     WHERE l.refund_of_line_no IS NOT NULL
     GROUP BY 1, 2
    """
)
_SOLD_LINE_FIELDS = (
    "sale_id", "line_no", "item_id", "sku", "name", "quantity", "unit_price", "gross",
    "line_discount", "sale_discount", "net", "tax", "total", "taxes",
)  # fmt: skip


def _refunded_sales(
    db_session: Session, org_id: uuid.UUID, ids: list[str], refs: References
) -> None:
    """The lines HQ holds of the sales a push refunds, and what was returned of them."""
    params = {"org": org_id, "ids": ids}
    for sale_id in ids:  # a sale staged in this same push fills its entry when staged
        refs.sold_lines[sale_id] = {}
    for row in db_session.execute(_SOLD_LINES, params):
        line = LineRow.model_construct(**dict(zip(_SOLD_LINE_FIELDS, row, strict=True)))
        refs.sold_lines[row[0]][line.line_no] = line
    for sale_id, line_no, quantity in db_session.execute(_RETURNED, params):
        refs.returned.setdefault(sale_id, {})[line_no] = quantity


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _write(db_session: Session, org_id: uuid.UUID, ctx: Context, now: dt.datetime) -> None:
    """The staged batch in dependency order: customers and opened shifts before the sales
    that name them, closes after; the sales' journals once their rows are in."""
    batch = ctx.batch
    _upsert_customers(db_session, org_id, batch.customers)
    for table in ("pos.shifts", "pos.sales", "pos.sale_lines", "pos.sale_taxes", "pos.payments"):
        copy_staged(db_session, table, COLUMNS[table], batch.rows[table])
    _close_shifts(db_session, org_id, batch.shift_closes)
    for table in ("pos.cash_movements", "pos.audit_events"):
        copy_staged(db_session, table, COLUMNS[table], batch.rows[table])
    copy_staged(
        db_session,
        "inv.stock_movements",
        COLUMNS["inv.stock_movements"],
        batch.rows["inv.stock_movements"],
    )
    copy_staged(db_session, "pos.flags", FLAG_COLUMNS, batch.flags)
    _, moves = accounting_service.write_journals(
        db_session=db_session,
        org_id=org_id,
        entries=batch.journals,
        known_accounts=set(ctx.accounts.values()),
    )
    booked = posting.book_sales(
        db_session,
        org_id=org_id,
        sale_ids=batch.sales_to_book,
        accounts=ctx.accounts,
        zone=ctx.zone,
        currency=ctx.currency,
        posted_at=now,
    )
    batch.balance_moves = accounting_service.add_moves(moves, booked)


def _move_hot_rows(db_session: Session, org_id: uuid.UUID, batch: Batch) -> None:
    """Stock levels and balances, the rows every push of the org wants, moved last so each
    push holds them only for these two statements and its commit."""
    inventory_repository.move_levels(db_session, org_id=org_id, deltas=batch.stock_deltas)
    accounting_service.move_balances(
        db_session=db_session, org_id=org_id, moves=batch.balance_moves
    )


def _upsert_customers(db_session: Session, org_id: uuid.UUID, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:  # the same customer twice in one push: the newer edit
        seen = latest.get(row["id"])
        if seen is None or instant(row["updated_at"]) >= instant(seen["updated_at"]):
            latest[row["id"]] = row
    values = [
        {**row, "id": uuid.UUID(row["id"]), "updated_at": instant(row["updated_at"])}
        for row in latest.values()
    ]
    stmt = pg_insert(Customer).values([{**v, "org_id": org_id} for v in values])
    changed = db_session.scalars(
        stmt.on_conflict_do_update(
            index_elements=[Customer.org_id, Customer.id],
            set_={
                c: stmt.excluded[c]
                for c in ("name", "email", "phone", "tax_id", "notes", "is_active", "updated_at")
            },
            where=Customer.updated_at < stmt.excluded.updated_at,
        ).returning(Customer.id)
    ).all()
    if changed:
        changelog.record(db_session, org_id=org_id, changes=[("customer", c) for c in changed])


def _close_shifts(db_session: Session, org_id: uuid.UUID, closes: list[dict[str, Any]]) -> None:
    for c in closes:
        db_session.execute(
            update(Shift)
            .where(Shift.org_id == org_id, Shift.id == uuid.UUID(c["id"]), Shift.status == "open")
            .values(
                status="closed",
                closed_by=uuid.UUID(c["closed_by"]),
                closed_at=instant(c["closed_at"]),
                expected_cash=dec(c["expected_cash"]),
                counted_cash=dec(c["counted_cash"]),
                over_short=dec(c["over_short"]),
                z_number=c["z_number"],
                over_short_reason=c["over_short_reason"],
                # staged as JSON text for COPY; SQL NULL, not JSON null, for no count
                closing_count=null()
                if c["closing_count"] is None
                else orjson.loads(c["closing_count"]),
            )
        )
