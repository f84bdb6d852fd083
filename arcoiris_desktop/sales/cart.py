"""The cart: what the customer is buying, before it becomes a sale. Pure Python, no I/O.

Every change goes through a method that validates it; totals always come from the shared
calculator (``arcoiris_shared.tax``), so the screen, the receipt and the server agree.
Changes that need a manager (an override, a discount over the limit) are refused here
unless an ``Approval`` comes with them.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.lookup import CatalogItem, ScanResult
from arcoiris_shared.money import RoundingMode, quantize
from arcoiris_shared.tax import LineInput, SaleTotals, TaxRate, TaxRounding, compute_sale_totals

ZERO = Decimal(0)
# What a shop can mean, once for the sale and the refund paths alike: more than this on one
# line (units or kg), or a line or a whole sale worth more than this, is a typo or a
# hostile value, never a purchase, and is refused with a message.
MAX_QUANTITY = Decimal("9999")
MAX_LINE_AMOUNT = Decimal("999999.99")
MAX_SALE_TOTAL = Decimal("999999.99")
QTY_GRID = Decimal("0.001")
PRICE_GRID = Decimal("0.0001")


class CartError(ValueError):
    """A change the cart refuses; the message is for the cashier."""


class ApprovalRequired(CartError):
    """The change needs a manager's PIN. ``action`` says which approval to ask for."""

    def __init__(self, message: str, action: str) -> None:
        super().__init__(message)
        self.action = action


@dataclass(frozen=True, slots=True)
class CartLine:
    item_id: uuid.UUID
    sku: str
    name: str
    unit: str
    weighed: bool
    tracked: bool
    quantity: Decimal
    unit_price: Decimal
    shelf_price: Decimal
    rates: tuple[TaxRate, ...]
    unit_cost: Decimal | None = None
    discount: Decimal = ZERO
    price_overridden: bool = False
    barcode: str | None = None
    note: str | None = None

    def to_input(self) -> LineInput:
        return LineInput(
            quantity=self.quantity,
            unit_price=self.unit_price,
            rates=self.rates,
            discount=self.discount,
            key=self.sku,
        )


@dataclass
class Cart:
    currency: str
    prices_include_tax: bool
    tax_rounding: TaxRounding = TaxRounding.PER_LINE
    rounding: RoundingMode = RoundingMode.HALF_UP
    discount_limit_percent: Decimal = Decimal("10")
    lines: list[CartLine] = field(default_factory=list)
    sale_discount: Decimal = ZERO
    customer_id: uuid.UUID | None = None
    approvals: list[Approval] = field(default_factory=list)
    _totals: SaleTotals | None = field(default=None, repr=False)

    # -- reading -------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def totals(self) -> SaleTotals:
        if self._totals is None:
            self._totals = compute_sale_totals(
                [ln.to_input() for ln in self.lines],
                currency=self.currency,
                prices_include_tax=self.prices_include_tax,
                tax_rounding=self.tax_rounding,
                rounding=self.rounding,
                sale_discount=self.sale_discount,
            )
        return self._totals

    @property
    def item_count(self) -> Decimal:
        """Units for counted items, one per weighed line: what a cashier calls 'items'."""
        return sum((Decimal(1) if ln.weighed else ln.quantity for ln in self.lines), ZERO)

    def _changed(self) -> None:
        self._totals = None

    def _commit(self, index: int, line: CartLine) -> None:
        """Put ``line`` at ``index`` (``len(lines)`` appends), or refuse and change nothing
        when the line or the sale would be worth more than a shop can mean."""
        if abs(self._line_gross(line)) > MAX_LINE_AMOUNT:
            raise CartError(f"{line.name}: a line over {MAX_LINE_AMOUNT:,} is surely a mistake")
        before = list(self.lines)
        if index == len(self.lines):
            self.lines.append(line)
        else:
            self.lines[index] = line
        self._changed()
        try:
            total = self.totals().total
        except (ArithmeticError, ValueError) as exc:
            self.lines[:] = before
            self._changed()
            raise CartError("That amount cannot be sold") from exc
        if abs(total) > MAX_SALE_TOTAL:
            self.lines[:] = before
            self._changed()
            raise CartError(f"A sale over {MAX_SALE_TOTAL:,} is surely a mistake")

    def _line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines):
            raise CartError("That line is no longer in the cart")
        return self.lines[index]

    # -- adding ----------------------------------------------------------------------------

    def add_scan(self, scan: ScanResult, quantity: Decimal = Decimal(1)) -> int:
        """Add what was scanned. Returns the index of the line that changed."""
        item = scan.item
        if scan.weight is not None:
            return self._append(item, scan.weight, item.price, barcode=scan.barcode)
        if scan.label_price is not None:
            qty, unit_price = label_price_line(scan.label_price, item.price)
            return self._append(
                item, qty, unit_price, barcode=scan.barcode, note=f"Label {scan.label_price}"
            )
        if item.weighed:
            raise CartError(f"{item.name} is sold by weight: weigh it and scan the scale label")
        return self.add_item(item, quantity, barcode=scan.barcode)

    def add_item(
        self, item: CatalogItem, quantity: Decimal = Decimal(1), *, barcode: str | None = None
    ) -> int:
        if not item.is_active:
            raise CartError(f"{item.name} is no longer sold")
        quantity = check_quantity(quantity, weighed=item.weighed)
        # A second scan of the same counted item adds to its line, if nothing special
        # (a discount, an override) was done to that line since.
        for index in range(len(self.lines) - 1, -1, -1):
            line = self.lines[index]
            if (
                line.item_id == item.item_id
                and not line.weighed
                and not line.price_overridden
                and line.discount == 0
                and line.unit_price == item.price
            ):
                self._commit(
                    index,
                    replace(line, quantity=check_quantity(line.quantity + quantity, weighed=False)),
                )
                return index
        return self._append(item, quantity, item.price, barcode=barcode)

    def _append(
        self,
        item: CatalogItem,
        quantity: Decimal,
        unit_price: Decimal,
        *,
        barcode: str | None,
        note: str | None = None,
    ) -> int:
        if not item.is_active:
            raise CartError(f"{item.name} is no longer sold")
        self._commit(
            len(self.lines),
            CartLine(
                item_id=item.item_id,
                sku=item.sku,
                name=item.name,
                unit=item.unit,
                weighed=item.weighed,
                tracked=item.tracked,
                quantity=check_quantity(quantity, weighed=item.weighed),
                unit_price=unit_price,
                shelf_price=item.price,
                rates=item.rates,
                unit_cost=item.cost,
                barcode=barcode,
                note=note,
            ),
        )
        return len(self.lines) - 1

    # -- changing --------------------------------------------------------------------------

    def set_quantity(self, index: int, quantity: Decimal) -> None:
        line = self._line(index)
        quantity = check_quantity(quantity, weighed=line.weighed)
        self._commit(index, replace(line, quantity=quantity))
        self._check_discount_still_fits(index)

    def void_line(self, index: int) -> CartLine:
        line = self._line(index)
        del self.lines[index]
        self._changed()
        if self.sale_discount > self._discountable_total():
            self.sale_discount = ZERO
        return line

    def override_price(self, index: int, price: Decimal, approval: Approval | None) -> None:
        """A new unit price for one line. Always needs a manager."""
        line = self._line(index)
        price = _check_money(price, "price")
        if price == line.unit_price:
            return
        if approval is None or approval.action != "price_override":
            raise ApprovalRequired("A price override needs a manager", "price_override")
        self._commit(index, replace(line, unit_price=price, price_overridden=True, discount=ZERO))
        self.approvals.append(approval)

    def set_line_discount(
        self, index: int, amount: Decimal, approval: Approval | None = None
    ) -> None:
        line = self._line(index)
        amount = _check_money(amount, "discount")
        gross = self._line_gross(line)
        if amount > abs(gross):
            raise CartError("The discount is more than the line is worth")
        self._require_approval_over_limit(amount, gross, approval)
        self.lines[index] = replace(line, discount=amount)
        self._changed()

    def set_sale_discount(self, amount: Decimal, approval: Approval | None = None) -> None:
        amount = _check_money(amount, "discount")
        base = self._discountable_total()
        if amount > base:
            raise CartError("The discount is more than the sale is worth")
        self._require_approval_over_limit(amount, base, approval)
        self.sale_discount = amount
        self._changed()

    def set_customer(self, customer_id: uuid.UUID | None) -> None:
        self.customer_id = customer_id

    def clear(self) -> None:
        self.lines.clear()
        self.sale_discount = ZERO
        self.customer_id = None
        self.approvals.clear()
        self._changed()

    # -- rules -----------------------------------------------------------------------------

    def discount_needs_approval(self, amount: Decimal, base: Decimal) -> bool:
        if amount <= 0:
            return False
        if base <= 0:
            return True
        return amount * 100 > base * self.discount_limit_percent

    def _require_approval_over_limit(
        self, amount: Decimal, base: Decimal, approval: Approval | None
    ) -> None:
        if not self.discount_needs_approval(amount, abs(base)):
            return
        if approval is None or approval.action != "discount":
            raise ApprovalRequired(
                f"Discounts over {self.discount_limit_percent.normalize():f}% need a manager",
                "discount",
            )
        self.approvals.append(approval)

    def line_amount(self, index: int) -> Decimal:
        """What one line is worth before the sale discount: its gross less its own discount."""
        line = self._line(index)
        return self._line_gross(line) - line.discount

    def void_needs_approval(self, index: int, *, max_lines: int, max_amount: Decimal) -> bool:
        """Whether voiding this line needs a manager: in a cart of more than ``max_lines``
        lines, or for a line worth more than ``max_amount`` (the till's loss-prevention
        settings)."""
        return len(self.lines) > max_lines or abs(self.line_amount(index)) > max_amount

    def percent_discount(self, percent: Decimal, index: int | None = None) -> Decimal:
        """``percent`` % of a line's gross (``index``) or of the discountable sale, rounded
        half-up to the currency's minor unit: the amount a "10%" discount means."""
        if not percent.is_finite() or percent < 0 or percent > 100:
            raise CartError("A percentage discount is between 0% and 100%")
        base = (
            self._discountable_total()
            if index is None
            else abs(self._line_gross(self._line(index)))
        )
        return quantize(base * percent / 100, self.currency, RoundingMode.HALF_UP)

    def _line_gross(self, line: CartLine) -> Decimal:
        """The line's gross as the calculator rounds it (the sale's rounding mode)."""
        return quantize(line.quantity * line.unit_price, self.currency, self.rounding)

    def _discountable_total(self) -> Decimal:
        return sum((self._line_gross(ln) - ln.discount for ln in self.lines), ZERO)

    def _check_discount_still_fits(self, index: int) -> None:
        line = self.lines[index]
        if line.discount > abs(self._line_gross(line)):
            self.lines[index] = replace(line, discount=ZERO)
        if self.sale_discount > self._discountable_total():
            self.sale_discount = ZERO
        self._changed()

    # -- parking ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def line(ln: CartLine) -> dict[str, Any]:
            d = asdict(ln)
            d["item_id"] = str(ln.item_id)
            d["rates"] = [{"code": r.code, "name": r.name, "rate": str(r.rate)} for r in ln.rates]
            for k in ("quantity", "unit_price", "shelf_price", "unit_cost", "discount"):
                d[k] = None if d[k] is None else str(d[k])
            return d

        return {
            "currency": self.currency,
            "prices_include_tax": self.prices_include_tax,
            "tax_rounding": self.tax_rounding.value,
            "rounding": self.rounding.value,
            "discount_limit_percent": str(self.discount_limit_percent),
            "sale_discount": str(self.sale_discount),
            "customer_id": str(self.customer_id) if self.customer_id else None,
            "lines": [line(ln) for ln in self.lines],
            "approvals": [
                {
                    "action": a.action,
                    "approver_id": str(a.approver_id),
                    "approver_name": a.approver_name,
                    "details": a.details,
                }
                for a in self.approvals
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cart:
        def dec(v: Any) -> Decimal | None:
            return None if v is None else Decimal(v)

        lines = []
        for d in data["lines"]:
            lines.append(
                CartLine(
                    item_id=uuid.UUID(d["item_id"]),
                    sku=d["sku"],
                    name=d["name"],
                    unit=d["unit"],
                    weighed=d["weighed"],
                    tracked=d["tracked"],
                    quantity=Decimal(d["quantity"]),
                    unit_price=Decimal(d["unit_price"]),
                    shelf_price=Decimal(d["shelf_price"]),
                    rates=tuple(
                        TaxRate(code=r["code"], name=r["name"], rate=Decimal(r["rate"]))
                        for r in d["rates"]
                    ),
                    unit_cost=dec(d["unit_cost"]),
                    discount=Decimal(d["discount"]),
                    price_overridden=d["price_overridden"],
                    barcode=d["barcode"],
                    note=d["note"],
                )
            )
        return cls(
            currency=data["currency"],
            prices_include_tax=data["prices_include_tax"],
            tax_rounding=TaxRounding(data["tax_rounding"]),
            rounding=RoundingMode(data["rounding"]),
            discount_limit_percent=Decimal(data["discount_limit_percent"]),
            lines=lines,
            sale_discount=Decimal(data["sale_discount"]),
            customer_id=uuid.UUID(data["customer_id"]) if data["customer_id"] else None,
            approvals=[
                Approval(
                    action=a["action"],
                    approver_id=uuid.UUID(a["approver_id"]),
                    approver_name=a["approver_name"],
                    details=a["details"],
                )
                for a in data["approvals"]
            ],
        )


def check_quantity(quantity: Decimal, *, weighed: bool) -> Decimal:
    """The quantity of one line, sold or coming back: a finite number over zero, at most
    ``MAX_QUANTITY`` (units or kg), whole for counted items, to the gram for weighed ones."""
    if not isinstance(quantity, Decimal):
        raise CartError("The quantity is not a number")
    if not quantity.is_finite():
        raise CartError("The quantity is not a number")
    if quantity <= 0:
        raise CartError("A quantity must be more than zero")
    if quantity > MAX_QUANTITY:
        raise CartError(f"A quantity over {MAX_QUANTITY} is surely a mistake")
    if not weighed and quantity != quantity.to_integral_value():
        raise CartError("Counted items are sold and returned in whole units")
    if quantity.quantize(QTY_GRID) != quantity:
        raise CartError("A quantity has at most 3 decimals")
    return quantity


def _check_money(amount: Decimal, what: str) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise CartError(f"The {what} must be an amount")
    if amount < 0:
        raise CartError(f"The {what} cannot be negative")
    if amount.quantize(PRICE_GRID) != amount:
        raise CartError(f"The {what} has too many decimals")
    if amount > MAX_LINE_AMOUNT:
        raise CartError(f"A {what} over {MAX_LINE_AMOUNT:,} is surely a mistake")
    return amount


def label_price_line(label_price: Decimal, unit_price: Decimal) -> tuple[Decimal, Decimal]:
    """Quantity and unit price for a price-embedded scale label so the line charges exactly
    the label's price: quantity = price / unit price to the gram, unit price back-solved to
    4 decimals (exact for any weight under 100 kg).
    """
    if unit_price <= 0:
        raise CartError("This label's item has no price per unit")
    quantity = (label_price / unit_price).quantize(QTY_GRID, ROUND_HALF_UP)
    if quantity <= 0:
        raise CartError("The label's price is too small to weigh anything")
    per_unit = (label_price / quantity).quantize(PRICE_GRID, ROUND_HALF_UP)
    return quantity, per_unit
