"""Sales as durable facts: completing a sale, parking carts, audit, receipts from the record.

``complete_sale`` writes the sale, its lines, taxes, payments, stock movements and the
outbox row in ONE SQLite transaction (WAL, synchronous=FULL). Only after it returns may
the receipt print or the drawer open: if the till dies a moment later, the sale is on disk
exactly once, with its outbox row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.audit import record_audit
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import ParkedSale, StaffMember
from arcoiris_desktop.outbox import enqueue, next_number
from arcoiris_desktop.receipts.model import Receipt, ReceiptLine, ReceiptPayment, ReceiptTax
from arcoiris_desktop.sales import rollup
from arcoiris_desktop.sales.cart import MAX_LINE_AMOUNT, MAX_QUANTITY, MAX_SALE_TOTAL, Cart
from arcoiris_desktop.sales.tender import Payment as TenderPayment
from arcoiris_desktop.sales.tender import Tender
from arcoiris_desktop.shifts.current import open_shift_row
from arcoiris_desktop.staff import Staff
from arcoiris_shared.cash import payable
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import Customer, Payment, Sale, SaleLine, SaleTax
from arcoiris_shared.ops import (
    LineRow,
    PaymentRow,
    SaleMovementRow,
    SalePayload,
    SaleRow,
    TaxRow,
)
from arcoiris_shared.tax import LineTotals

ZERO = Decimal(0)


class SaleError(ValueError):
    """The sale cannot be completed as it is; nothing was written."""


NO_SHIFT = "No shift is open on this till: a manager opens one (F6) before selling"


@dataclass(frozen=True, slots=True)
class CompletedSale:
    sale_id: uuid.UUID
    receipt_no: int
    receipt_code: str
    outbox_seq: int
    receipt: Receipt


def receipt_code(terminal_code: str, receipt_no: int) -> str:
    return f"{terminal_code}-{receipt_no:06d}"


def sale_payload(
    sale: Sale,
    lines: Sequence[SaleLine],
    taxes: Sequence[SaleTax],
    payments: Sequence[Payment],
    movements: Sequence[StockMovement],
) -> dict[str, Any]:
    """The op HQ applies, built with the op's own model (``arcoiris_shared.ops``): each row
    read off the fact's rows by the model's fields, amounts as exact strings."""
    return SalePayload(
        sale=SaleRow.of(sale),
        lines=[LineRow.of(x) for x in lines],
        taxes=[TaxRow.of(x) for x in taxes],
        payments=[PaymentRow.of(x) for x in payments],
        movements=[SaleMovementRow.of(x) for x in movements],
    ).wire()


def _line_taxes(t: Any) -> list[dict[str, str]]:
    return [
        {"code": x.code, "rate": str(x.rate), "base": str(x.base), "amount": str(x.amount)}
        for x in t.taxes
    ]


@dataclass(frozen=True, slots=True)
class FactLine:
    """One line of a sale or refund as it is written: quantities and amounts signed (a
    refund's are negative), amounts from the shared calculator."""

    item_id: uuid.UUID
    sku: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    unit_cost: Decimal | None
    totals: LineTotals
    tracked: bool = True
    price_overridden: bool = False
    refund_of_line_no: int | None = None


@dataclass(frozen=True, slots=True)
class FactTax:
    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


def check_fact_bounds(kind: Literal["sale", "refund"], lines: Sequence[FactLine]) -> None:
    """The last word before anything is written, whatever path the lines came by (a cart, a
    resumed parked cart, a refund): every quantity a finite number with the kind's sign (a
    sale's positive, a refund's negative) and at most ``MAX_QUANTITY``, every line and the
    whole at most ``MAX_LINE_AMOUNT`` / ``MAX_SALE_TOTAL``. Raises ``SaleError``."""
    sign = 1 if kind == "sale" else -1
    for ln in lines:
        q = ln.quantity
        if not isinstance(q, Decimal) or not q.is_finite() or q == 0:
            raise SaleError(f"{ln.name}: the quantity is not a number over zero")
        if (q > 0) != (sign > 0):
            raise SaleError(f"{ln.name}: a {kind} cannot carry a quantity of {q}")
        if abs(q) > MAX_QUANTITY:
            raise SaleError(f"{ln.name}: a quantity over {MAX_QUANTITY} is surely a mistake")
        total = ln.totals.total
        if not total.is_finite() or abs(total) > MAX_LINE_AMOUNT:
            raise SaleError(f"{ln.name}: a line over {MAX_LINE_AMOUNT:,} is surely a mistake")
    whole = sum((ln.totals.total for ln in lines), ZERO)
    if abs(whole) > MAX_SALE_TOTAL:
        raise SaleError(f"A {kind} over {MAX_SALE_TOTAL:,} is surely a mistake")


def record_sale_fact(
    session: Session,
    *,
    config: TerminalConfig,
    kind: Literal["sale", "refund"],
    cashier: Staff,
    lines: Sequence[FactLine],
    taxes: Sequence[FactTax],
    payments: Sequence[TenderPayment],
    cash_rounding: Decimal,
    currency: str,
    prices_include_tax: bool,
    tax_rounding: str,
    approver_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    refund_of: Sale | None = None,
    require_shift: bool = False,
    audit_entries: Sequence[tuple[Approval, dict[str, Any]]] = (),
) -> CompletedSale:
    """Stage a sale or refund with everything under it, in the caller's write transaction:
    the next receipt number, the sale, its lines, tax summary, payments, stock movements
    (the opposite of each tracked line's quantity), audit rows and the outbox op.

    The sale belongs to the shift open on this terminal, read in this same transaction
    (so it never lands in a shift that has just closed); ``require_shift`` refuses to
    write it when none is open. Lines out of bounds (``check_fact_bounds``) are refused."""
    check_fact_bounds(kind, lines)
    shift = open_shift_row(session, config)
    if shift is None and require_shift:
        raise SaleError(NO_SHIFT)
    shift_id = shift.id if shift is not None else None
    customer_name = None
    if customer_id is not None:
        customer = session.get(Customer, (config.org_id, customer_id))
        if customer is None:
            raise SaleError("That customer is not on this till any more: choose again")
        customer_name = customer.name
    now = utcnow()
    sale_id = uuid.uuid4()
    receipt_no = next_number(session, "receipt_no")
    code = receipt_code(config.terminal_code, receipt_no)
    sale = Sale(
        org_id=config.org_id,
        id=sale_id,
        kind=kind,
        terminal_id=config.terminal_id,
        location_id=config.location_id,
        shift_id=shift_id,
        receipt_no=receipt_no,
        receipt_code=code,
        refund_of_sale_id=refund_of.id if refund_of else None,
        cashier_id=cashier.user_id,
        approved_by=approver_id,
        customer_id=customer_id,
        currency=currency,
        prices_include_tax=prices_include_tax,
        tax_rounding=tax_rounding,
        gross=sum((ln.totals.gross for ln in lines), ZERO),
        discount_total=sum((ln.totals.discount for ln in lines), ZERO),
        net=sum((ln.totals.net for ln in lines), ZERO),
        tax_total=sum((ln.totals.tax for ln in lines), ZERO),
        total=sum((ln.totals.total for ln in lines), ZERO),
        cash_rounding=cash_rounding,
        occurred_at=now,
    )
    sale_lines = [
        SaleLine(
            org_id=config.org_id,
            sale_id=sale_id,
            line_no=n,
            item_id=ln.item_id,
            sku=ln.sku,
            name=ln.name,
            quantity=ln.quantity,
            unit_price=ln.unit_price,
            gross=ln.totals.gross,
            line_discount=ln.totals.line_discount,
            sale_discount=ln.totals.sale_discount,
            net=ln.totals.net,
            tax=ln.totals.tax,
            total=ln.totals.total,
            unit_cost=ln.unit_cost,
            taxes=_line_taxes(ln.totals),
            price_overridden=ln.price_overridden,
            refund_of_line_no=ln.refund_of_line_no,
        )
        for n, ln in enumerate(lines, start=1)
    ]
    sale_taxes = [
        SaleTax(
            org_id=config.org_id,
            sale_id=sale_id,
            tax_code=t.code,
            tax_name=t.name,
            rate=t.rate,
            base=t.base,
            amount=t.amount,
        )
        for t in taxes
    ]
    sale_payments = [
        Payment(
            org_id=config.org_id,
            sale_id=sale_id,
            payment_no=n,
            method=p.method,
            amount=p.amount,
            tendered=p.tendered,
            change=p.change,
            reference=p.reference,
            occurred_at=now,
        )
        for n, p in enumerate(payments, start=1)
    ]
    movements = [
        StockMovement(
            org_id=config.org_id,
            id=uuid.uuid4(),
            item_id=ln.item_id,
            location_id=config.location_id,
            quantity=-ln.quantity,
            unit_cost=ln.unit_cost,
            reason=kind,
            source_type="sale",
            source_id=sale_id,
            terminal_id=config.terminal_id,
            occurred_at=now,
        )
        for ln in lines
        if ln.tracked
    ]
    session.add(sale)
    session.flush()
    session.add_all([*sale_lines, *sale_taxes, *sale_payments, *movements])
    rollup.add(session, config.timezone, sale, sale_lines, sale_taxes, sale_payments)
    for approval, details in audit_entries:
        record_audit(
            session,
            action=approval.action,
            actor_id=cashier.user_id,
            approver_id=approval.approver_id,
            sale_id=sale_id,
            details=details,
        )
    seq = enqueue(
        session,
        kind="sale.completed" if kind == "sale" else "sale.refunded",
        payload=sale_payload(sale, sale_lines, sale_taxes, sale_payments, movements),
        occurred_at=now,
    )
    receipt = build_receipt(
        config=config,
        sale=sale,
        lines=sale_lines,
        taxes=sale_taxes,
        payments=sale_payments,
        cashier_name=cashier.full_name,
        refund_of_code=refund_of.receipt_code if refund_of else None,
        units={ln.item_id: ln.unit for ln in lines},
        customer_name=customer_name,
    )
    return CompletedSale(sale_id, receipt_no, code, seq, receipt)


def complete_sale(
    db: Database,
    *,
    config: TerminalConfig,
    cart: Cart,
    tender: Tender,
    cashier: Staff,
    require_shift: bool = False,
) -> CompletedSale:
    """Write the sale durably, or raise ``SaleError`` and write nothing."""
    if cart.is_empty:
        raise SaleError("The cart is empty")
    totals = cart.totals()
    if tender.total != totals.total:
        raise SaleError("The cart changed after payment started: take payment again")
    if not tender.is_complete:
        raise SaleError(f"{tender.remaining} is still owed")
    paid = sum((p.amount for p in tender.payments), ZERO)
    if paid != payable(totals.total, tender.cash_rounding):
        raise SaleError("Payments do not add up to the total")
    with db.write() as session:
        return record_sale_fact(
            session,
            config=config,
            kind="sale",
            cashier=cashier,
            lines=[
                FactLine(
                    item_id=ln.item_id,
                    sku=ln.sku,
                    name=ln.name,
                    unit=ln.unit,
                    quantity=ln.quantity,
                    unit_price=ln.unit_price,
                    unit_cost=ln.unit_cost,
                    totals=t,
                    tracked=ln.tracked,
                    price_overridden=ln.price_overridden,
                )
                for ln, t in zip(cart.lines, totals.lines, strict=True)
            ],
            taxes=[FactTax(t.code, t.name, t.rate, t.base, t.amount) for t in totals.taxes],
            payments=tender.payments,
            cash_rounding=tender.cash_rounding,
            currency=cart.currency,
            prices_include_tax=cart.prices_include_tax,
            tax_rounding=cart.tax_rounding.value,
            approver_id=next((a.approver_id for a in reversed(cart.approvals)), None),
            customer_id=cart.customer_id,
            require_shift=require_shift,
            audit_entries=[
                (replace(a, action=f"{a.action}.used"), a.details) for a in cart.approvals
            ],
        )


def build_receipt(
    *,
    config: TerminalConfig,
    sale: Sale,
    lines: Sequence[SaleLine],
    taxes: Sequence[SaleTax],
    payments: Sequence[Payment],
    cashier_name: str,
    refund_of_code: str | None = None,
    reprint: bool = False,
    units: dict[uuid.UUID, str] | None = None,
    customer_name: str | None = None,
) -> Receipt:
    units = units or {}
    return Receipt(
        kind="refund" if sale.kind == "refund" else "sale",
        receipt_code=sale.receipt_code,
        occurred_at=_local_time(sale.occurred_at, config.timezone),
        store_name=config.store_name,
        store_address=config.store_address,
        terminal_name=config.terminal_name,
        cashier_name=cashier_name,
        currency=sale.currency,
        locale=config.locale,
        prices_include_tax=sale.prices_include_tax,
        lines=tuple(
            ReceiptLine(
                name=ln.name,
                sku=ln.sku,
                quantity=ln.quantity,
                unit=units.get(ln.item_id, "kg" if ln.quantity % 1 else "each"),
                unit_price=ln.unit_price,
                total=ln.total,
                discount=abs(ln.line_discount + ln.sale_discount),
                tax_codes=tuple(str(t["code"]) for t in ln.taxes),
                note="Price override" if ln.price_overridden else None,
            )
            for ln in lines
        ),
        taxes=tuple(
            ReceiptTax(code=t.tax_code, name=t.tax_name, rate=t.rate, base=t.base, amount=t.amount)
            for t in taxes
        ),
        gross=sale.gross,
        discount_total=sale.discount_total,
        net=sale.net,
        tax_total=sale.tax_total,
        total=sale.total,
        payments=tuple(
            ReceiptPayment(
                method=p.method,
                amount=p.amount,
                tendered=p.tendered,
                change=p.change,
                reference=p.reference,
            )
            for p in payments
        ),
        cash_rounding=sale.cash_rounding,
        header=config.receipt_header,
        footer=config.receipt_footer,
        refund_of_code=refund_of_code,
        reprint=reprint,
        customer_name=customer_name,
    )


def _local_time(moment: dt.datetime, timezone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return moment.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


@dataclass(frozen=True, slots=True)
class StoredSale:
    """A sale as this till stored it: its rows, and the unit each line's item is sold in."""

    sale: Sale
    lines: Sequence[SaleLine]
    taxes: Sequence[SaleTax]
    payments: Sequence[Payment]
    units: dict[uuid.UUID, str]


def load_sale(session: Session, org_id: uuid.UUID, sale: Sale) -> StoredSale:
    from arcoiris_shared.db.inv import Item

    def rows(model: Any, order: Any) -> Sequence[Any]:
        return session.scalars(
            select(model).where(model.org_id == org_id, model.sale_id == sale.id).order_by(order)
        ).all()

    lines = rows(SaleLine, SaleLine.line_no)
    units = {
        item_id: unit
        for item_id, unit in session.execute(
            select(Item.id, Item.unit).where(
                Item.org_id == org_id, Item.id.in_([ln.item_id for ln in lines])
            )
        )
    }
    return StoredSale(
        sale=sale,
        lines=lines,
        taxes=rows(SaleTax, SaleTax.tax_code),
        payments=rows(Payment, Payment.payment_no),
        units=units,
    )


def receipt_for(
    db: Database, config: TerminalConfig, sale_id: uuid.UUID, *, reprint: bool
) -> Receipt:
    """Rebuild a receipt from what was stored: a reprint says exactly what the sale was."""
    with db.read() as session:
        sale = session.get(Sale, (config.org_id, sale_id))
        if sale is None:
            raise SaleError("No such sale on this till")
        stored = load_sale(session, config.org_id, sale)
        cashier = session.get(StaffMember, sale.cashier_id)
        customer = (
            session.get(Customer, (config.org_id, sale.customer_id)) if sale.customer_id else None
        )
        original = (
            session.get(Sale, (config.org_id, sale.refund_of_sale_id))
            if sale.refund_of_sale_id
            else None
        )
        return build_receipt(
            config=config,
            sale=sale,
            lines=stored.lines,
            taxes=stored.taxes,
            payments=stored.payments,
            cashier_name=cashier.full_name if cashier else "",
            refund_of_code=original.receipt_code if original else None,
            reprint=reprint,
            units=stored.units,
            customer_name=customer.name if customer else None,
        )


def last_sale_id(db: Database, config: TerminalConfig) -> uuid.UUID | None:
    with db.read() as session:
        return session.scalar(
            select(Sale.id)
            .where(Sale.org_id == config.org_id, Sale.terminal_id == config.terminal_id)
            .order_by(Sale.receipt_no.desc())
            .limit(1)
        )


# -- parking -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParkedInfo:
    id: uuid.UUID
    label: str
    parked_at: dt.datetime
    total: Decimal
    lines: int


def park(db: Database, *, cart: Cart, cashier: Staff, label: str | None = None) -> uuid.UUID:
    if cart.is_empty:
        raise SaleError("There is nothing to park")
    parked_id = uuid.uuid4()
    with db.write() as session:
        count = session.scalar(select(func.count()).select_from(ParkedSale)) or 0
        session.add(
            ParkedSale(
                id=parked_id,
                cashier_id=cashier.user_id,
                label=(label or f"Parked #{count + 1}")[:80],
                cart=cart.to_dict(),
            )
        )
    return parked_id


def parked_sales(db: Database) -> list[ParkedInfo]:
    with db.read() as session:
        rows = session.scalars(select(ParkedSale).order_by(ParkedSale.parked_at)).all()
        out = []
        for r in rows:
            cart = Cart.from_dict(r.cart)
            out.append(ParkedInfo(r.id, r.label, r.parked_at, cart.totals().total, len(cart.lines)))
        return out


def resume(db: Database, parked_id: uuid.UUID) -> Cart:
    """Take a parked cart back; it leaves the parking list in the same transaction."""
    with db.write() as session:
        row = session.get(ParkedSale, parked_id)
        if row is None:
            raise SaleError("That parked sale was already resumed")
        cart = Cart.from_dict(row.cart)
        session.delete(row)
    return cart
