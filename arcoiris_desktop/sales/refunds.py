"""Returns: a refund is a new sale of ``kind='refund'`` that points at the sale it returns.

Never more than was sold minus what was already returned, line by line; amounts are the
line's exact share (``arcoiris_shared.tax.refund_share``), so partial refunds of a line add
up to the line to the cent. A refund always needs a manager's approval; a return without
a receipt also needs the org to allow it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.lookup import CatalogItem
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.sales.cart import MAX_LINE_AMOUNT, MAX_SALE_TOTAL, CartError, check_quantity
from arcoiris_desktop.sales.service import (
    CompletedSale,
    FactLine,
    FactTax,
    SaleError,
    load_sale,
    record_sale_fact,
)
from arcoiris_desktop.sales.tender import Payment as TenderPayment
from arcoiris_desktop.staff import Staff
from arcoiris_shared.db.inv import Item
from arcoiris_shared.db.pos import Payment, Sale, SaleLine
from arcoiris_shared.tax import (
    LineInput,
    LineTax,
    LineTotals,
    SaleTotals,
    TaxRounding,
    compute_sale_totals,
    refund_share,
)

ZERO = Decimal(0)
RefundTo = Literal["original", "cash"]


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    line_no: int
    item_id: uuid.UUID
    sku: str
    name: str
    unit: str
    sold: Decimal
    returned: Decimal
    unit_price: Decimal
    total: Decimal
    amounts: LineTotals  # the line as sold, which each refund takes its share of

    @property
    def returnable(self) -> Decimal:
        return self.sold - self.returned


@dataclass(frozen=True, slots=True)
class SaleForReturn:
    sale_id: uuid.UUID
    receipt_code: str
    occurred_at: dt.datetime
    total: Decimal
    currency: str
    payments: tuple[tuple[str, Decimal], ...]  # (method, amount) as paid
    lines: tuple[ReturnableLine, ...]


def _returned_so_far(session: Session, org_id: uuid.UUID, sale_id: uuid.UUID) -> dict[int, Decimal]:
    rows = session.execute(
        select(SaleLine.refund_of_line_no, func.sum(SaleLine.quantity))
        .join(Sale, (Sale.org_id == SaleLine.org_id) & (Sale.id == SaleLine.sale_id))
        .where(
            Sale.org_id == org_id,
            Sale.refund_of_sale_id == sale_id,
            SaleLine.refund_of_line_no.is_not(None),
        )
        .group_by(SaleLine.refund_of_line_no)
    )
    # Refund quantities are stored negative; SQL sums the scaled integers exactly.
    return {int(n): -Decimal(q) for n, q in rows if n is not None}


def find_for_return(db: Database, config: TerminalConfig, code: str) -> SaleForReturn:
    code = code.strip().upper()
    with db.read() as session:
        sale = session.scalars(
            select(Sale).where(Sale.org_id == config.org_id, Sale.receipt_code == code)
        ).first()
        if sale is None:
            raise SaleError(f"No sale {code} on this till")
        if sale.kind != "sale":
            raise SaleError(f"{code} is itself a refund")
        stored = load_sale(session, config.org_id, sale)
        returned = _returned_so_far(session, config.org_id, sale.id)
        return SaleForReturn(
            sale_id=sale.id,
            receipt_code=sale.receipt_code,
            occurred_at=sale.occurred_at,
            total=sale.total,
            currency=sale.currency,
            payments=tuple((p.method, p.amount) for p in stored.payments),
            lines=tuple(
                ReturnableLine(
                    line_no=ln.line_no,
                    item_id=ln.item_id,
                    sku=ln.sku,
                    name=ln.name,
                    unit=stored.units.get(ln.item_id, "each"),
                    sold=ln.quantity,
                    returned=returned.get(ln.line_no, ZERO),
                    unit_price=ln.unit_price,
                    total=ln.total,
                    amounts=_stored_totals(ln),
                )
                for ln in stored.lines
            ),
        )


def refund_estimate(original: SaleForReturn, quantities: Mapping[int, Decimal]) -> Decimal:
    """What refunding ``quantities`` (line number -> how many come back) pays back, as a
    positive amount in the sale's currency: each line's share by ``refund_share``, after
    what was returned before, exactly as :func:`refund` computes it. Before any cash
    rounding of the payout. A line asked for more than can come back raises ``SaleError``.
    """
    total = ZERO
    for line in original.lines:
        qty = quantities.get(line.line_no, ZERO)
        if qty <= 0 or not line.sold:
            continue
        if qty > line.returnable:
            raise SaleError(
                f"Only {line.returnable.normalize():f} of {line.name} can still be returned"
            )
        share = refund_share(
            line.amounts, line.sold, qty, original.currency, already_refunded=line.returned
        )
        total -= share.total
    return total


def no_receipt_estimate(
    config: TerminalConfig, items: Sequence[tuple[CatalogItem, Decimal]]
) -> Decimal:
    """What a return without a receipt of ``items`` pays back (positive): today's prices,
    taxed and rounded as :func:`refund_without_receipt` computes it."""
    if not items:
        return ZERO
    return _no_receipt_totals(config, items).total


def _no_receipt_totals(
    config: TerminalConfig, items: Sequence[tuple[CatalogItem, Decimal]]
) -> SaleTotals:
    return compute_sale_totals(
        [LineInput(quantity=q, unit_price=i.price, rates=i.rates, key=i.sku) for i, q in items],
        currency=config.currency,
        prices_include_tax=config.prices_include_tax,
        tax_rounding=TaxRounding(config.tax_rounding),
        rounding=config.rounding_mode,
    )


def _stored_totals(line: SaleLine) -> LineTotals:
    return LineTotals(
        key=line.sku,
        gross=line.gross,
        line_discount=line.line_discount,
        sale_discount=line.sale_discount,
        net=line.net,
        tax=line.tax,
        total=line.total,
        taxes=tuple(
            LineTax(
                code=str(t["code"]),
                rate=Decimal(str(t["rate"])),
                base=Decimal(str(t["base"])),
                amount=Decimal(str(t["amount"])),
            )
            for t in line.taxes
        ),
    )


def _return_quantity(quantity: object, *, weighed: bool, name: str) -> Decimal:
    """A quantity coming back, by the same rules as one sold: a finite number over zero, at
    most ``MAX_QUANTITY``, whole units for counted items. Refused with ``SaleError``."""
    if not isinstance(quantity, Decimal):
        raise SaleError(f"The quantity of {name} coming back is not a number")
    if quantity.is_finite() and quantity < 0:
        raise SaleError(f"Return quantities are positive ({name})")
    try:
        return check_quantity(quantity, weighed=weighed)
    except CartError as exc:
        raise SaleError(f"{name}: {exc}") from exc


def _check_refund_amounts(lines: Sequence[FactLine]) -> None:
    """Refuse a refund worth more than a shop can mean, line by line and in all."""
    for ln in lines:
        if abs(ln.totals.total) > MAX_LINE_AMOUNT:
            raise SaleError(
                f"{ln.name}: a refund line over {MAX_LINE_AMOUNT:,} is surely a mistake"
            )
    total = sum((ln.totals.total for ln in lines), ZERO)
    if abs(total) > MAX_SALE_TOTAL:
        raise SaleError(f"A refund over {MAX_SALE_TOTAL:,} is surely a mistake")


def _require_approval(approval: Approval | None, action: str) -> Approval:
    if approval is None or approval.action != action:
        raise SaleError("A refund needs a manager's approval")
    return approval


def _payouts(
    *,
    total: Decimal,
    to: RefundTo,
    original_payments: Sequence[tuple[str, Decimal]],
    already_out: Mapping[str, Decimal],
    config: TerminalConfig,
    currency: str,
) -> tuple[list[tuple[str, Decimal]], Decimal]:
    """Split a (negative) refund total across methods. Returns [(method, amount)], rounding.

    To the original tender: card first, up to what each card paid less what went back to
    cards already; whatever is left goes back in cash (rounded to the cash increment).
    """
    owed = -total
    out: list[tuple[str, Decimal]] = []
    if to == "original":
        for method in ("card", "voucher", "other"):
            paid = sum((a for m, a in original_payments if m == method), ZERO)
            room = paid - already_out.get(method, ZERO)
            take = min(room, owed)
            if take > 0:
                out.append((method, -take))
                owed -= take
    rounding = ZERO
    if owed > 0:
        due, rounding = config.rounding.cash_due(-owed, currency)
        out.append(("cash", due))
    return out, rounding


def refund(
    db: Database,
    *,
    config: TerminalConfig,
    original: SaleForReturn,
    quantities: Mapping[int, Decimal],
    to: RefundTo,
    cashier: Staff,
    approval: Approval | None,
    require_shift: bool = False,
) -> CompletedSale:
    """Refund chosen quantities of an earlier sale, or raise ``SaleError`` and write nothing."""
    approval = _require_approval(approval, "refund")
    wanted: dict[int, Decimal] = {}
    for n, q in quantities.items():
        if not isinstance(q, Decimal):
            raise SaleError(f"The quantity for line {n} is not a number")
        if q.is_finite() and q == 0:
            continue  # a line left at zero is a line not coming back
        wanted[n] = q
    if not wanted:
        raise SaleError("Choose what is coming back")
    with db.write() as session:
        # Re-read inside the write transaction: another refund may have just happened.
        sale = session.get(Sale, (config.org_id, original.sale_id))
        if sale is None:
            raise SaleError("The sale is gone from this till")
        stored = {
            ln.line_no: ln
            for ln in session.scalars(
                select(SaleLine).where(
                    SaleLine.org_id == config.org_id, SaleLine.sale_id == sale.id
                )
            )
        }
        returned = _returned_so_far(session, config.org_id, sale.id)
        item_info = {
            i: (t, u, w)
            for i, t, u, w in session.execute(
                select(Item.id, Item.tracked, Item.unit, Item.weighed).where(
                    Item.org_id == config.org_id,
                    Item.id.in_([ln.item_id for ln in stored.values()]),
                )
            )
        }
        shares: list[tuple[SaleLine, Decimal, LineTotals]] = []
        for line_no, qty in sorted(wanted.items()):
            line = stored.get(line_no)
            if line is None:
                raise SaleError(f"Line {line_no} is not on {sale.receipt_code}")
            weighed = (
                bool(item_info[line.item_id][2])
                if line.item_id in item_info
                else line.quantity != line.quantity.to_integral_value()
            )
            qty = _return_quantity(qty, weighed=weighed, name=line.name)
            left = line.quantity - returned.get(line_no, ZERO)
            if qty > left:
                raise SaleError(f"Only {left.normalize():f} of {line.name} can still be returned")
            share = refund_share(
                _stored_totals(line),
                line.quantity,
                qty,
                sale.currency,
                already_refunded=returned.get(line_no, ZERO),
            )
            shares.append((line, qty, share))
        already_out = _refunded_by_method(session, config.org_id, sale.id)
        result = _write_refund(
            session,
            config=config,
            cashier=cashier,
            approval=approval,
            refund_of=sale,
            lines=[
                FactLine(
                    item_id=line.item_id,
                    sku=line.sku,
                    name=line.name,
                    quantity=-qty,
                    unit_price=line.unit_price,
                    unit_cost=line.unit_cost,
                    totals=share,
                    refund_of_line_no=line.line_no,
                    tracked=item_info.get(line.item_id, (True, "each", False))[0],
                    unit=item_info.get(line.item_id, (True, "each", False))[1],
                )
                for line, qty, share in shares
            ],
            to=to,
            original_payments=original.payments,
            already_out=already_out,
            require_shift=require_shift,
        )
    return result


def _refunded_by_method(
    session: Session, org_id: uuid.UUID, sale_id: uuid.UUID
) -> dict[str, Decimal]:
    rows = session.execute(
        select(Payment.method, func.sum(Payment.amount))
        .join(Sale, (Sale.org_id == Payment.org_id) & (Sale.id == Payment.sale_id))
        .where(Sale.org_id == org_id, Sale.refund_of_sale_id == sale_id)
        .group_by(Payment.method)
    )
    return {m: -Decimal(a) for m, a in rows}


def _write_refund(
    session: Session,
    *,
    config: TerminalConfig,
    cashier: Staff,
    approval: Approval,
    refund_of: Sale | None,
    lines: Sequence[FactLine],
    to: RefundTo,
    original_payments: Sequence[tuple[str, Decimal]],
    already_out: Mapping[str, Decimal],
    require_shift: bool = False,
) -> CompletedSale:
    _check_refund_amounts(lines)
    currency = refund_of.currency if refund_of else config.currency
    total = sum((ln.totals.total for ln in lines), ZERO)
    payouts, rounding = _payouts(
        total=total,
        to=to,
        original_payments=original_payments,
        already_out=already_out,
        config=config,
        currency=currency,
    )
    names = _tax_names(session, config.org_id)
    summary: dict[str, FactTax] = {}
    for ln in lines:
        for t in ln.totals.taxes:
            was = summary.get(t.code)
            summary[t.code] = FactTax(
                code=t.code,
                name=names.get(t.code, t.code),
                rate=t.rate,
                base=t.base + (was.base if was else ZERO),
                amount=t.amount + (was.amount if was else ZERO),
            )
    return record_sale_fact(
        session,
        config=config,
        kind="refund",
        cashier=cashier,
        lines=lines,
        taxes=[summary[code] for code in sorted(summary)],
        payments=[TenderPayment(method, amount) for method, amount in payouts],
        cash_rounding=rounding,
        currency=currency,
        prices_include_tax=refund_of.prices_include_tax if refund_of else config.prices_include_tax,
        tax_rounding=refund_of.tax_rounding if refund_of else config.tax_rounding.value,
        approver_id=approval.approver_id,
        customer_id=refund_of.customer_id if refund_of else None,
        refund_of=refund_of,
        require_shift=require_shift,
        audit_entries=[
            (
                approval,
                {
                    **approval.details,
                    "total": str(total),
                    "refund_of": refund_of.receipt_code if refund_of else "",
                },
            )
        ],
    )


def _tax_names(session: Session, org_id: uuid.UUID) -> dict[str, str]:
    from arcoiris_shared.db.pos import TaxRate

    return {
        c: n
        for c, n in session.execute(
            select(TaxRate.code, TaxRate.name).where(TaxRate.org_id == org_id)
        )
    }


def refund_without_receipt(
    db: Database,
    *,
    config: TerminalConfig,
    items: Sequence[tuple[CatalogItem, Decimal]],
    cashier: Staff,
    approval: Approval | None,
    require_shift: bool = False,
) -> CompletedSale:
    """Goods back with no receipt: current prices, cash out, and only if the org allows it."""
    if config.no_receipt_returns == "nobody":
        raise SaleError("This store does not take returns without a receipt")
    approval = _require_approval(approval, "no_receipt_return")
    if not items:
        raise SaleError("Scan what is coming back")
    items = [(i, _return_quantity(q, weighed=i.weighed, name=i.name)) for i, q in items]
    for i, q in items:
        if abs(q * i.price) > MAX_LINE_AMOUNT:
            raise SaleError(f"{i.name}: a refund line over {MAX_LINE_AMOUNT:,} is surely a mistake")
    totals = _no_receipt_totals(config, items)
    with db.write() as session:
        return _write_refund(
            session,
            config=config,
            cashier=cashier,
            approval=approval,
            refund_of=None,
            lines=[
                FactLine(
                    item_id=i.item_id,
                    sku=i.sku,
                    name=i.name,
                    quantity=-q,
                    unit_price=i.price,
                    unit_cost=i.cost,
                    totals=_negate(t),
                    refund_of_line_no=None,
                    tracked=i.tracked,
                    unit=i.unit,
                )
                for (i, q), t in zip(items, totals.lines, strict=True)
            ],
            to="cash",
            original_payments=(),
            already_out={},
            require_shift=require_shift,
        )


def _negate(t: LineTotals) -> LineTotals:
    return LineTotals(
        key=t.key,
        gross=-t.gross,
        line_discount=-t.line_discount,
        sale_discount=-t.sale_discount,
        net=-t.net,
        tax=-t.tax,
        total=-t.total,
        taxes=tuple(LineTax(x.code, x.rate, -x.base, -x.amount) for x in t.taxes),
    )
