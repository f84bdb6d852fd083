"""Customers, tax rates and terminals (managed at HQ), and reading the sales that arrived."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from arcoiris_shared import takings
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import Customer, TaxRate, Terminal
from arcoiris_shared.money import quantize
from sync_server.changelog import service as changelog
from sync_server.errors import Conflict, NotFound, Unprocessable
from sync_server.inventory import service as inventory_service
from sync_server.pos import repository
from sync_server.pos.flags import Flag
from sync_server.pos.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    FlaggedSaleRead,
    FlaggedShiftRead,
    PaymentRead,
    SaleDetail,
    SaleLineRead,
    SaleRead,
    SaleTaxRead,
    ShiftZRead,
    TaxRateCreate,
    TaxRateRead,
    TaxRateUpdate,
    TerminalCreate,
    TerminalRead,
    TerminalUpdate,
    ZTaxRead,
    ZTenderRead,
)


def _apply(obj: Any, changes: dict[str, Any], not_null: frozenset[str]) -> None:
    nulls = sorted(k for k, v in changes.items() if v is None and k in not_null)
    if nulls:
        raise Unprocessable("These fields cannot be null", details=nulls)
    for field, value in changes.items():
        setattr(obj, field, value)


def create_customer(
    *, db_session: Session, org_id: uuid.UUID, data: CustomerCreate
) -> CustomerRead:
    customer = Customer(org_id=org_id, **data.model_dump())
    if customer.email:
        customer.email = customer.email.lower()
    db_session.add(customer)
    db_session.flush()
    changelog.record(db_session, org_id=org_id, changes=[("customer", customer.id)])
    db_session.commit()
    return CustomerRead.model_validate(customer)


def _customer(db_session: Session, org_id: uuid.UUID, customer_id: uuid.UUID) -> Customer:
    customer = repository.customer(db_session, org_id=org_id, customer_id=customer_id)
    if customer is None:
        raise NotFound("Customer not found", code="customer_not_found")
    return customer


def get_customer(*, db_session: Session, org_id: uuid.UUID, customer_id: uuid.UUID) -> CustomerRead:
    return CustomerRead.model_validate(_customer(db_session, org_id, customer_id))


def update_customer(
    *, db_session: Session, org_id: uuid.UUID, customer_id: uuid.UUID, data: CustomerUpdate
) -> CustomerRead:
    customer = _customer(db_session, org_id, customer_id)
    _apply(customer, data.model_dump(exclude_unset=True), frozenset({"name", "is_active"}))
    customer.updated_at = utcnow()
    changelog.record(db_session, org_id=org_id, changes=[("customer", customer.id)])
    db_session.commit()
    return CustomerRead.model_validate(customer)


def list_customers(
    *, db_session: Session, org_id: uuid.UUID, q: str | None, limit: int, offset: int
) -> list[CustomerRead]:
    rows = repository.customers(db_session, org_id=org_id, q=q, limit=limit, offset=offset)
    return [CustomerRead.model_validate(c) for c in rows]


def create_tax_rate(*, db_session: Session, org_id: uuid.UUID, data: TaxRateCreate) -> TaxRateRead:
    if repository.tax_code_taken(db_session, org_id=org_id, code=data.code):
        raise Conflict(f"Tax code {data.code} already exists", code="tax_code_taken")
    rate = TaxRate(org_id=org_id, **data.model_dump())
    db_session.add(rate)
    db_session.flush()
    changelog.record(db_session, org_id=org_id, changes=[("tax_rate", rate.id)])
    db_session.commit()
    return TaxRateRead.model_validate(rate)


def update_tax_rate(
    *, db_session: Session, org_id: uuid.UUID, tax_rate_id: uuid.UUID, data: TaxRateUpdate
) -> TaxRateRead:
    rate = repository.tax_rate(db_session, org_id=org_id, tax_rate_id=tax_rate_id)
    if rate is None:
        raise NotFound("Tax rate not found", code="tax_rate_not_found")
    # Past sales keep the rate they were charged (a snapshot on each line), so a rate may change.
    _apply(rate, data.model_dump(exclude_unset=True), frozenset({"name", "rate", "is_active"}))
    changelog.record(db_session, org_id=org_id, changes=[("tax_rate", rate.id)])
    db_session.commit()
    return TaxRateRead.model_validate(rate)


def list_tax_rates(*, db_session: Session, org_id: uuid.UUID) -> list[TaxRateRead]:
    return [TaxRateRead.model_validate(r) for r in repository.tax_rates(db_session, org_id=org_id)]


def create_terminal(
    *, db_session: Session, org_id: uuid.UUID, data: TerminalCreate
) -> TerminalRead:
    loc = inventory_service.get_location(
        db_session=db_session, org_id=org_id, location_id=data.location_id
    )
    if loc.kind != "store":
        raise Unprocessable("Terminals stand in stores, not warehouses", code="not_a_store")
    if repository.terminal_code_taken(db_session, org_id=org_id, code=data.code):
        raise Conflict(f"Terminal code {data.code} already exists", code="terminal_code_taken")
    terminal = Terminal(org_id=org_id, **data.model_dump())
    db_session.add(terminal)
    db_session.commit()
    return TerminalRead.model_validate(terminal)


def update_terminal(
    *, db_session: Session, org_id: uuid.UUID, terminal_id: uuid.UUID, data: TerminalUpdate
) -> TerminalRead:
    terminal = repository.terminal(db_session, org_id=org_id, terminal_id=terminal_id)
    if terminal is None:
        raise NotFound("Terminal not found", code="terminal_not_found")
    _apply(terminal, data.model_dump(exclude_unset=True), frozenset({"name", "status"}))
    db_session.commit()
    return TerminalRead.model_validate(terminal)


def list_terminals(
    *, db_session: Session, org_id: uuid.UUID, limit: int, offset: int
) -> list[TerminalRead]:
    rows = repository.terminals(db_session, org_id=org_id, limit=limit, offset=offset)
    return [TerminalRead.model_validate(t) for t in rows]


def list_sales(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    terminal_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    offset: int,
) -> list[SaleRead]:
    rows = repository.sales(
        db_session,
        org_id=org_id,
        terminal_id=terminal_id,
        location_id=location_id,
        kind=kind,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return [SaleRead.model_validate(s) for s in rows]


def get_sale(*, db_session: Session, org_id: uuid.UUID, sale_id: uuid.UUID) -> SaleDetail:
    sale = repository.sale(db_session, org_id=org_id, sale_id=sale_id)
    if sale is None:
        raise NotFound("Sale not found", code="sale_not_found")
    lines, payments, taxes = repository.sale_parts(db_session, org_id=org_id, sale_id=sale_id)
    return SaleDetail(
        **SaleRead.model_validate(sale).model_dump(),
        lines=[SaleLineRead.model_validate(x) for x in lines],
        payments=[PaymentRead.model_validate(x) for x in payments],
        taxes=[SaleTaxRead.model_validate(x) for x in taxes],
    )


def list_flagged_sales(
    *, db_session: Session, org_id: uuid.UUID, limit: int, offset: int
) -> list[FlaggedSaleRead]:
    """Sales HQ recorded whose amounts the shared calculator does not give, with why."""
    rows = repository.flagged_sales(db_session, org_id=org_id, limit=limit, offset=offset)
    return [_flagged(FlaggedSaleRead, sale, flag) for sale, flag in rows]


def list_flagged_shifts(
    *, db_session: Session, org_id: uuid.UUID, limit: int, offset: int
) -> list[FlaggedShiftRead]:
    """Shift closes HQ recorded whose expected cash it makes different, with why."""
    rows = repository.flagged_shifts(db_session, org_id=org_id, limit=limit, offset=offset)
    return [_flagged(FlaggedShiftRead, shift, flag) for shift, flag in rows]


_FlaggedRead = TypeVar("_FlaggedRead", FlaggedSaleRead, FlaggedShiftRead)


def _flagged(model: type[_FlaggedRead], row: object, flag: Flag) -> _FlaggedRead:
    """The recorded row as ``model`` reads it, with the flag's reason and time."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in _FLAG_FIELDS}
    return model(**values, reason=flag.reason, flagged_at=flag.flagged_at)


_FLAG_FIELDS = frozenset({"reason", "flagged_at"})


def shift_z(*, db_session: Session, org_id: uuid.UUID, shift_id: uuid.UUID) -> ShiftZRead:
    """HQ's own Z of a shift: the shared definition of every figure run over what HQ
    received, set beside what the till said when it closed the shift."""
    shift = repository.shift(db_session, org_id=org_id, shift_id=shift_id)
    if shift is None:
        raise NotFound("No such shift in this organization", code="shift_not_found")
    z = takings.z_figures(db_session, shift)
    f = z.figures
    cur = shift.currency

    def money(amount: Decimal) -> str:
        return format(quantize(amount, cur), "f")

    def maybe(amount: Decimal | None) -> str | None:
        return None if amount is None else money(amount)

    agrees = (
        shift.status == "closed"
        and shift.expected_cash is not None
        and shift.expected_cash == z.expected_cash
        and shift.over_short == z.over_short
    )
    return ShiftZRead(
        shift_id=shift.id,
        terminal_id=shift.terminal_id,
        status=shift.status,
        z_number=z.z_number,
        currency=cur,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        opening_float=money(z.opening_float),
        sales_count=f.sales_count,
        sales_total=money(f.sales_total),
        refunds_count=f.refunds_count,
        refunds_total=money(f.refunds_total),
        net_takings=money(f.net_takings),
        gross=money(f.gross),
        discounts=money(f.discounts),
        net_excl_tax=money(f.net_excl_tax),
        tax_total=money(f.tax_total),
        cash_rounding=money(f.cash_rounding),
        tax_by_rate=[
            ZTaxRead(
                code=t.code, name=t.name, rate=t.rate, base=money(t.base), amount=money(t.amount)
            )
            for t in f.tax_by_rate
        ],
        by_tender=[
            ZTenderRead(method=t.method, count=t.count, amount=money(t.amount)) for t in f.by_tender
        ],
        cash_sales=money(f.cash_sales),
        cash_refunds=money(f.cash_refunds),
        paid_in=money(f.paid_in),
        paid_out=money(f.paid_out),
        movements_count=f.movements_count,
        expected_cash=money(z.expected_cash),
        counted_cash=maybe(z.counted_cash),
        over_short=maybe(z.over_short),
        over_short_reason=z.over_short_reason,
        till_expected_cash=maybe(shift.expected_cash),
        till_over_short=maybe(shift.over_short),
        agrees=agrees,
    )
