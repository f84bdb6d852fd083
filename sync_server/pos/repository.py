"""Queries on the ``pos`` tables."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from arcoiris_shared.db.pos import (
    Customer,
    Payment,
    Sale,
    SaleLine,
    SaleTax,
    Shift,
    TaxRate,
    Terminal,
)
from sync_server.pos.flags import Flag


def _like(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def customer(db_session: Session, *, org_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    return db_session.get(Customer, (org_id, customer_id))


def customers(
    db_session: Session, *, org_id: uuid.UUID, q: str | None, limit: int, offset: int
) -> Sequence[Customer]:
    stmt = select(Customer).where(Customer.org_id == org_id)
    if q:
        p = _like(q)
        stmt = stmt.where(
            or_(
                Customer.name.ilike(p, escape="\\"),
                Customer.email.ilike(p, escape="\\"),
                Customer.phone.ilike(p, escape="\\"),
            )
        )
    return db_session.scalars(
        stmt.order_by(Customer.name, Customer.id).limit(limit).offset(offset)
    ).all()


def tax_rate(db_session: Session, *, org_id: uuid.UUID, tax_rate_id: uuid.UUID) -> TaxRate | None:
    return db_session.get(TaxRate, (org_id, tax_rate_id))


def tax_rates(db_session: Session, *, org_id: uuid.UUID) -> Sequence[TaxRate]:
    return db_session.scalars(
        select(TaxRate).where(TaxRate.org_id == org_id).order_by(TaxRate.code)
    ).all()


def tax_rate_ids(db_session: Session, *, org_id: uuid.UUID) -> set[uuid.UUID]:
    return set(db_session.scalars(select(TaxRate.id).where(TaxRate.org_id == org_id)))


def tax_code_taken(db_session: Session, *, org_id: uuid.UUID, code: str) -> bool:
    found = db_session.scalar(
        select(TaxRate.id).where(TaxRate.org_id == org_id, TaxRate.code == code)
    )
    return found is not None


def terminal(db_session: Session, *, org_id: uuid.UUID, terminal_id: uuid.UUID) -> Terminal | None:
    return db_session.get(Terminal, (org_id, terminal_id))


def shift(db_session: Session, *, org_id: uuid.UUID, shift_id: uuid.UUID) -> Shift | None:
    return db_session.get(Shift, (org_id, shift_id))


def terminal_code_taken(db_session: Session, *, org_id: uuid.UUID, code: str) -> bool:
    found = db_session.scalar(
        select(Terminal.id).where(Terminal.org_id == org_id, Terminal.code == code)
    )
    return found is not None


def terminals(
    db_session: Session, *, org_id: uuid.UUID, limit: int, offset: int
) -> Sequence[Terminal]:
    return db_session.scalars(
        select(Terminal)
        .where(Terminal.org_id == org_id)
        .order_by(Terminal.code)
        .limit(limit)
        .offset(offset)
    ).all()


def sales(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    offset: int,
) -> Sequence[Sale]:
    stmt = select(Sale).where(Sale.org_id == org_id)
    if terminal_id is not None:
        stmt = stmt.where(Sale.terminal_id == terminal_id)
    if location_id is not None:
        stmt = stmt.where(Sale.location_id == location_id)
    if kind is not None:
        stmt = stmt.where(Sale.kind == kind)
    if since is not None:
        stmt = stmt.where(Sale.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(Sale.occurred_at < until)
    stmt = stmt.order_by(Sale.occurred_at.desc(), Sale.id).limit(limit).offset(offset)
    return db_session.scalars(stmt).all()


def sale(db_session: Session, *, org_id: uuid.UUID, sale_id: uuid.UUID) -> Sale | None:
    return db_session.get(Sale, (org_id, sale_id))


def sale_parts(
    db_session: Session, *, org_id: uuid.UUID, sale_id: uuid.UUID
) -> tuple[Sequence[SaleLine], Sequence[Payment], Sequence[SaleTax]]:
    lines = db_session.scalars(
        select(SaleLine)
        .where(SaleLine.org_id == org_id, SaleLine.sale_id == sale_id)
        .order_by(SaleLine.line_no)
    ).all()
    payments = db_session.scalars(
        select(Payment)
        .where(Payment.org_id == org_id, Payment.sale_id == sale_id)
        .order_by(Payment.payment_no)
    ).all()
    taxes = db_session.scalars(
        select(SaleTax)
        .where(SaleTax.org_id == org_id, SaleTax.sale_id == sale_id)
        .order_by(SaleTax.tax_code)
    ).all()
    return lines, payments, taxes


def flagged_sales(
    db_session: Session, *, org_id: uuid.UUID, limit: int, offset: int
) -> Sequence[tuple[Sale, Flag]]:
    """Flagged sales, the latest flagged first."""
    rows = db_session.execute(
        select(Sale, Flag)
        .join(
            Flag,
            (Flag.org_id == Sale.org_id)
            & (Flag.source_type == "sale")
            & (Flag.source_id == Sale.id),
        )
        .where(Sale.org_id == org_id)
        .order_by(Flag.flagged_at.desc(), Sale.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(sale, flag) for sale, flag in rows]


def flagged_shifts(
    db_session: Session, *, org_id: uuid.UUID, limit: int, offset: int
) -> Sequence[tuple[Shift, Flag]]:
    """Flagged shift closes, the latest flagged first."""
    rows = db_session.execute(
        select(Shift, Flag)
        .join(
            Flag,
            (Flag.org_id == Shift.org_id)
            & (Flag.source_type == "shift")
            & (Flag.source_id == Shift.id),
        )
        .where(Shift.org_id == org_id)
        .order_by(Flag.flagged_at.desc(), Shift.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(shift, flag) for shift, flag in rows]
