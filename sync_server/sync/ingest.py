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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, Location
from arcoiris_shared.db.pos import Customer, Payment, Sale, SaleLine, SaleTax
from arcoiris_shared.money import currency_exponent
from arcoiris_shared.sync_protocol import Op, OpResult, PushRequest, PushResponse, payload_digest
from sync_server.accounting import repository as accounting_repository
from sync_server.accounting import service as accounting_service
from sync_server.bulk import copy_rows
from sync_server.errors import Conflict
from sync_server.inventory import repository as inventory_repository
from sync_server.org.models import Organization
from sync_server.sync.devices import DeviceContext
from sync_server.sync.models import DeadLetter, SyncOp, TerminalDevice
from sync_server.sync.payloads import SalePayload, check_sale

logger = logging.getLogger(__name__)

ZERO = Decimal(0)
SALE_KINDS = {"sale.completed": "sale", "sale.refunded": "refund"}
# Which ledger account a tender lands in.
TENDER_ACCOUNTS = {
    "cash": "cash",
    "card": "card_clearing",
    "voucher": "card_clearing",
    "other": "card_clearing",
}


@dataclass
class _Batch:
    """What the validated ops of one push add up to, written in a few statements."""

    sales: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    taxes: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    movements: list[dict[str, Any]] = field(default_factory=list)
    journals: list[accounting_service.JournalEntry] = field(default_factory=list)


class _Rejected(Exception):
    pass


def push(*, db_session: Session, device: DeviceContext, request: PushRequest) -> PushResponse:
    org_id, terminal_id = device.org_id, device.terminal_id
    dev = db_session.scalars(
        select(TerminalDevice)
        .where(TerminalDevice.org_id == org_id, TerminalDevice.terminal_id == terminal_id)
        .with_for_update()
    ).one()
    last = dev.last_seq
    ops = _in_order(request.ops)
    digests = {op.seq: payload_digest(op.payload) for op in ops}
    results = _replays(
        db_session, org_id, terminal_id, [op for op in ops if op.seq <= last], digests
    )

    fresh, expected = [], last + 1
    for op in ops:
        if op.seq <= last:
            continue
        if op.seq != expected:
            break
        fresh.append(op)
        expected += 1
    gap = expected if len(fresh) < len([op for op in ops if op.seq > last]) else None
    _refuse_reused_op_ids(db_session, org_id, fresh)

    outcomes = _apply(db_session, device, fresh)
    now = utcnow()
    if fresh:
        copy_rows(
            db_session,
            SyncOp.__table__,  # type: ignore[arg-type]
            [
                {
                    "org_id": org_id,
                    "terminal_id": terminal_id,
                    "seq": op.seq,
                    "op_id": op.op_id,
                    "kind": op.kind,
                    "payload_sha256": digests[op.seq],
                    "status": "rejected" if reason else "applied",
                    "reason": reason,
                    "occurred_at": op.occurred_at,
                    "received_at": now,
                }
                for op, reason in outcomes
            ],
        )
        rejected = [(op, reason) for op, reason in outcomes if reason]
        if rejected:
            copy_rows(
                db_session,
                DeadLetter.__table__,  # type: ignore[arg-type]
                [
                    {
                        "org_id": org_id,
                        "id": uuid.uuid4(),
                        "terminal_id": terminal_id,
                        "seq": op.seq,
                        "op_id": op.op_id,
                        "kind": op.kind,
                        "payload": op.payload,
                        "reason": reason,
                        "received_at": now,
                    }
                    for op, reason in rejected
                ],
            )
            for op, reason in rejected:
                logger.warning(
                    "op %s seq %s of %s rejected: %s", op.kind, op.seq, terminal_id, reason
                )
        dev.last_seq = fresh[-1].seq
    dev.last_seen_at = now
    dev.protocol_version = device.protocol
    db_session.commit()
    results += [
        OpResult(seq=op.seq, op_id=op.op_id, status="rejected" if r else "applied", reason=r)
        for op, r in outcomes
    ]
    return PushResponse(
        results=sorted(results, key=lambda r: r.seq), last_seq=dev.last_seq, expected_seq=gap
    )


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
                SyncOp.seq.in_([op.seq for op in ops]),
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


def _refuse_reused_op_ids(db_session: Session, org_id: uuid.UUID, ops: list[Op]) -> None:
    if not ops:
        return
    used = db_session.scalars(
        select(SyncOp.seq).where(
            SyncOp.org_id == org_id, SyncOp.op_id.in_([op.op_id for op in ops])
        )
    ).all()
    if used:
        raise Conflict(
            "An op_id was already used for another op", code="op_conflict", details=list(used)
        )


def _apply(
    db_session: Session, device: DeviceContext, ops: list[Op]
) -> list[tuple[Op, str | None]]:
    """Validate every op, then write the valid ones together. [(op, rejection or None)]."""
    if not ops:
        return []
    org = db_session.get(Organization, device.org_id)
    assert org is not None
    parsed: dict[int, SalePayload] = {}
    outcomes: dict[int, str | None] = {}
    for op in ops:
        if op.kind not in SALE_KINDS:
            outcomes[op.seq] = f"{op.kind} is not accepted by this server yet"
            continue
        try:
            parsed[op.seq] = SalePayload.model_validate(op.payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            outcomes[op.seq] = f"malformed payload at {where}: {first.get('msg')}"

    refs = _References.load(db_session, device, parsed.values())
    batch = _Batch()
    accounts = {
        k: a.id
        for k, a in accounting_repository.accounts_by_system_key(
            db_session, org_id=device.org_id
        ).items()
    }
    zone = _zone(org.timezone)
    for op in ops:
        if op.seq in outcomes:
            continue
        payload = parsed[op.seq]
        try:
            _validate_sale(op, payload, device, org.currency, refs)
        except _Rejected as exc:
            outcomes[op.seq] = str(exc)
            continue
        _stage_sale(batch, device, payload, accounts, zone, org.currency)
        refs.sale_ids.add(payload.sale.id)
        refs.sale_kinds[payload.sale.id] = payload.sale.kind
        outcomes[op.seq] = None
    _write(db_session, device.org_id, batch)
    return [(op, outcomes[op.seq]) for op in ops]


@dataclass
class _References:
    """Everything the batch points at, fetched once for the whole batch."""

    items: set[uuid.UUID]
    sale_ids: set[uuid.UUID]
    sale_kinds: dict[uuid.UUID, str]
    locations: set[uuid.UUID]
    customers: set[uuid.UUID]

    @classmethod
    def load(cls, db_session: Session, device: DeviceContext, payloads: Any) -> _References:
        payloads = list(payloads)
        org_id = device.org_id
        item_ids = {ln.item_id for p in payloads for ln in p.lines} | {
            m.item_id for p in payloads for m in p.movements
        }
        sale_refs = {p.sale.id for p in payloads} | {
            p.sale.refund_of_sale_id for p in payloads if p.sale.refund_of_sale_id
        }
        items = (
            set(
                db_session.scalars(
                    select(Item.id).where(Item.org_id == org_id, Item.id.in_(item_ids))
                )
            )
            if item_ids
            else set()
        )
        known: dict[uuid.UUID, str] = {}
        if sale_refs:
            known = {
                sale_id: kind
                for sale_id, kind in db_session.execute(
                    select(Sale.id, Sale.kind).where(Sale.org_id == org_id, Sale.id.in_(sale_refs))
                )
            }
        locations = set(db_session.scalars(select(Location.id).where(Location.org_id == org_id)))
        customer_ids = {p.sale.customer_id for p in payloads if p.sale.customer_id}
        customers = (
            set(
                db_session.scalars(
                    select(Customer.id).where(
                        Customer.org_id == org_id, Customer.id.in_(customer_ids)
                    )
                )
            )
            if customer_ids
            else set()
        )
        return cls(
            items=items,
            sale_ids=set(known),
            sale_kinds=known,
            locations=locations,
            customers=customers,
        )


def _validate_sale(
    op: Op, p: SalePayload, device: DeviceContext, currency: str, refs: _References
) -> None:
    s = p.sale
    if s.org_id != device.org_id:
        raise _Rejected("the sale belongs to another organization")
    if s.terminal_id != device.terminal_id:
        raise _Rejected("the sale says another terminal made it")
    if SALE_KINDS[op.kind] != s.kind:
        raise _Rejected(f"a {op.kind} op carries a {s.kind}")
    if s.currency != currency:
        raise _Rejected(f"the sale is in {s.currency}; this organization sells in {currency}")
    if s.location_id not in refs.locations:
        raise _Rejected("the sale's store is unknown")
    if s.id in refs.sale_ids:
        raise _Rejected(f"sale {s.id} is already recorded (by another op)")
    if s.customer_id is not None and s.customer_id not in refs.customers:
        raise _Rejected("the sale names a customer HQ does not have")
    if s.shift_id is not None:
        raise _Rejected("shifts are not synced yet; the sale names one")
    refund_of = s.refund_of_sale_id
    if s.kind == "refund" and refund_of is not None and refs.sale_kinds.get(refund_of) != "sale":
        raise _Rejected("the refund points at a sale HQ does not have")
    missing = {ln.item_id for ln in p.lines} - refs.items
    missing |= {m.item_id for m in p.movements} - refs.items
    if missing:
        raise _Rejected(f"unknown item(s): {', '.join(sorted(str(i) for i in missing))}")
    if any(m.location_id not in refs.locations for m in p.movements):
        raise _Rejected("a stock movement names an unknown location")
    problem = check_sale(p)
    if problem:
        raise _Rejected(problem)


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _stage_sale(
    batch: _Batch,
    device: DeviceContext,
    p: SalePayload,
    accounts: dict[str, uuid.UUID],
    zone: dt.tzinfo,
    currency: str,
) -> None:
    org_id, s = device.org_id, p.sale
    now = utcnow()
    batch.sales.append({**s.model_dump(), "org_id": org_id, "created_at": now})
    batch.lines.extend({**ln.model_dump(), "org_id": org_id} for ln in p.lines)
    batch.taxes.extend({**t.model_dump(), "org_id": org_id} for t in p.taxes)
    batch.payments.extend({**x.model_dump(), "org_id": org_id} for x in p.payments)
    batch.movements.extend(
        {
            **m.model_dump(),
            "org_id": org_id,
            "source_type": "sale",
            "terminal_id": device.terminal_id,
            "note": None,
            "created_at": now,
        }
        for m in p.movements
    )
    batch.journals.append(_journal(p, accounts, zone, currency))


def _journal(
    p: SalePayload, accounts: dict[str, uuid.UUID], zone: dt.tzinfo, currency: str
) -> accounting_service.JournalEntry:
    """Dr tenders, Cr revenue (or Dr refunds) and tax payable; cash rounding to over/short;
    cost of goods out of inventory where a line has a cost. Debit-positive, so a refund is
    the same arithmetic with the signs the sale's numbers already carry."""
    s = p.sale
    grid = Decimal(1).scaleb(-currency_exponent(currency))
    amounts: dict[uuid.UUID, Decimal] = {}

    def add(key: str, amount: Decimal) -> None:
        account = accounts[key]
        amounts[account] = amounts.get(account, ZERO) + amount

    for x in p.payments:
        add(TENDER_ACCOUNTS[x.method], x.amount)
    add("sales_revenue" if s.kind == "sale" else "sales_refunds", -s.net)
    add("tax_payable", -s.tax_total)
    add("cash_over_short", -s.cash_rounding)
    cost = sum(
        ((ln.quantity * ln.unit_cost).quantize(grid) for ln in p.lines if ln.unit_cost),
        ZERO,
    )
    add("cogs", cost)
    add("inventory", -cost)
    return accounting_service.JournalEntry(
        entry_date=s.occurred_at.astimezone(zone).date(),
        memo=f"{'Sale' if s.kind == 'sale' else 'Refund'} {s.receipt_code}",
        source_type=s.kind,
        source_id=s.id,
        postings=accounting_service.signed_postings(amounts),
    )


def _write(db_session: Session, org_id: uuid.UUID, batch: _Batch) -> None:
    if not batch.sales:
        return
    copy_rows(db_session, Sale.__table__, batch.sales)  # type: ignore[arg-type]
    copy_rows(db_session, SaleLine.__table__, batch.lines)  # type: ignore[arg-type]
    copy_rows(db_session, SaleTax.__table__, batch.taxes)  # type: ignore[arg-type]
    copy_rows(db_session, Payment.__table__, batch.payments)  # type: ignore[arg-type]
    inventory_repository.append_movements(db_session, movements=batch.movements)
    accounting_service.post_journals(db_session=db_session, org_id=org_id, entries=batch.journals)
