"""A receipt laid out as fixed-width text: the one layout behind the paper and the preview.

:func:`receipt_layout` turns a :class:`~arcoiris_desktop.receipts.model.Receipt` into
lines of at most ``width`` characters, each with a style (normal, bold, or tall = bold
and double height, which keeps the character width so a tall line still fits). The
ESC/POS renderer prints exactly these lines and the on-screen preview shows exactly
these lines, so what the cashier sees is what prints. :func:`receipt_text_lines` is the
same without the styles.

Centring and right alignment are done here with spaces, not by the printer, so the
text carries the whole layout. Amounts go through
:func:`~arcoiris_shared.money.format_money` for the receipt's currency and locale; unit
prices and quantities keep every digit they have (a weighed item's unit price may be
finer than a cent) and are formatted with the locale's separators.

The words on the receipt are Spanish for an ``es`` locale and English otherwise (a table
here, since this domain code cannot use Qt's translations). Text is normalised to one
printable character per column: control characters are dropped (a name must never
carry a printer command) and the locale's special spaces and minus become plain ones.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal

from arcoiris_desktop.receipts.model import Receipt, ReceiptLine, ReceiptPayment, ReceiptTax
from arcoiris_shared.money import currency_exponent, format_money

__all__ = [
    "MIN_WIDTH",
    "LayoutLine",
    "LineStyle",
    "receipt_layout",
    "receipt_text_lines",
]

MIN_WIDTH = 24
"""Narrower than this, an amount and its label no longer fit side by side."""

LineStyle = Literal["normal", "bold", "tall"]


@dataclass(frozen=True, slots=True)
class LayoutLine:
    """One printed line: ``text`` (at most the layout width, no trailing spaces) and its style.

    ``tall`` is bold and double height; it never changes how many characters fit.
    """

    text: str
    style: LineStyle = "normal"


@dataclass(frozen=True, slots=True)
class _Labels:
    refund: str
    reprint: str
    receipt: str
    refund_of: str
    date: str
    terminal: str
    cashier: str
    customer: str
    discount: str
    gross: str
    subtotal: str
    net_excl_tax: str
    total: str
    cash_rounding: str
    tendered: str
    change: str
    reference: str
    tax_code: str
    tax_rate: str
    tax_base: str
    tax_amount: str
    methods: dict[str, str]


_LABELS: dict[str, _Labels] = {
    "en": _Labels(
        refund="REFUND",
        reprint="REPRINT",
        receipt="Receipt",
        refund_of="Refund of",
        date="Date",
        terminal="Terminal",
        cashier="Cashier",
        customer="Customer",
        discount="Discount",
        gross="Gross",
        subtotal="Subtotal",
        net_excl_tax="Net (excl. tax)",
        total="TOTAL",
        cash_rounding="Cash rounding",
        tendered="Tendered",
        change="Change",
        reference="Ref.",
        tax_code="Tax",
        tax_rate="Rate",
        tax_base="Base",
        tax_amount="Amount",
        methods={"cash": "Cash", "card": "Card", "voucher": "Voucher"},
    ),
    "es": _Labels(
        refund="DEVOLUCIÓN",
        reprint="COPIA",
        receipt="Ticket",
        refund_of="Devolución de",
        date="Fecha",
        terminal="Caja",
        cashier="Cajero/a",
        customer="Cliente",
        discount="Descuento",
        gross="Importe bruto",
        subtotal="Subtotal",
        net_excl_tax="Base imponible",
        total="TOTAL",
        cash_rounding="Redondeo",
        tendered="Entregado",
        change="Cambio",
        reference="Ref.",
        tax_code="Imp.",
        tax_rate="Tipo",
        tax_base="Base",
        tax_amount="Cuota",
        methods={"cash": "Efectivo", "card": "Tarjeta", "voucher": "Vale"},
    ),
}

# Units that need no name on the receipt: "2 x 1.50" rather than "2 each x 1.50/each".
_COUNT_UNITS = frozenset({"", "each", "ea", "unit", "units", "pc", "pcs"})

# Spaces a locale may put in an amount, and its minus sign, become their plain ASCII
# forms: a printer's code page may lack them, and the column arithmetic needs one
# character per column.
_PLAIN = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u2212": "-",
        "\t": " ",
    }
)


def receipt_text_lines(receipt: Receipt, *, width: int = 42) -> list[str]:
    """The receipt as plain text lines of at most ``width`` characters."""
    return [line.text for line in receipt_layout(receipt, width=width)]


def receipt_layout(receipt: Receipt, *, width: int = 42) -> list[LayoutLine]:
    """The receipt as styled lines of at most ``width`` characters (see the module doc)."""
    if width < MIN_WIDTH:
        raise ValueError(f"a receipt needs at least {MIN_WIDTH} columns, got {width}")
    try:
        Locale.parse(receipt.locale)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown receipt locale {receipt.locale!r}") from exc
    builder = _Builder(receipt, width)
    builder.build()
    return builder.lines


class _Builder:
    def __init__(self, receipt: Receipt, width: int) -> None:
        self.receipt = receipt
        self.width = width
        self.labels = _LABELS.get(receipt.locale.replace("-", "_").split("_")[0], _LABELS["en"])
        self.lines: list[LayoutLine] = []

    # -- sections ----------------------------------------------------------------------

    def build(self) -> None:
        self._header()
        self._rule()
        for line in self.receipt.lines:
            self._item(line)
        self._rule()
        self._totals()
        if self.receipt.payments:
            self._rule()
            self._payments()
        if self.receipt.taxes:
            self._rule()
            self._tax_summary()
        footer = _text_lines(self.receipt.footer)
        if footer:
            self._rule()
            for text in footer:
                self._centred(text)

    def _header(self) -> None:
        r, labels = self.receipt, self.labels
        for text in _text_lines(r.store_name):
            self._centred(text, "tall")
        for text in _text_lines(r.store_address or ""):
            self._centred(text)
        for text in _text_lines(r.header):
            self._centred(text)
        self._rule()
        if r.kind == "refund":
            self._centred(f"*** {labels.refund} ***", "bold")
        if r.reprint:
            self._centred(f"*** {labels.reprint} ***", "bold")
        self._field(labels.receipt, r.receipt_code)
        if r.refund_of_code:
            self._field(labels.refund_of, r.refund_of_code)
        self._field(labels.date, self._when())
        self._side_by_side(
            f"{labels.terminal}: {plain(r.terminal_name)}",
            f"{labels.cashier}: {plain(r.cashier_name)}",
        )
        if r.customer_name:
            self._field(labels.customer, r.customer_name)
        for key, value in r.extra.items():
            self._field(key, value)

    def _item(self, line: ReceiptLine) -> None:
        for text in wrap(line.name, self.width, max_lines=2):
            self.lines.append(LayoutLine(text))
        if line.unit.strip().lower() in _COUNT_UNITS:
            quantity = f"  {self._quantity(line.quantity)} x {self._unit_price(line.unit_price)}"
        else:
            unit = plain(line.unit)
            quantity = (
                f"  {self._quantity(line.quantity)} {unit}"
                f" x {self._unit_price(line.unit_price)}/{unit}"
            )
        self._amount_row(quantity, line.total)
        if line.discount:
            # ``discount`` is a magnitude; it takes the amount toward zero, so it shows
            # with the sign opposite to the line's.
            shown = -line.discount if line.total >= 0 else line.discount
            self._amount_row(f"  {self.labels.discount}", shown)
        if line.note:
            for text in wrap(f"({line.note.strip()})", self.width - 2):
                self.lines.append(LayoutLine(f"  {text}"))

    def _totals(self) -> None:
        r, labels = self.receipt, self.labels
        if r.discount_total:
            self._amount_row(labels.gross, r.gross)
            # discount_total is signed like the sale (negative on refunds); shown as what
            # it does to the amount, so gross + discount reads as the discounted amount.
            self._amount_row(labels.discount, -r.discount_total)
        self._amount_row(labels.net_excl_tax if r.prices_include_tax else labels.subtotal, r.net)
        for tax in r.taxes:
            self._amount_row(self._tax_label(tax), tax.amount)
        self._rule("=")
        self._amount_row(labels.total, r.total, style="tall")
        if r.cash_rounding:
            self._amount_row(labels.cash_rounding, r.cash_rounding)

    def _payments(self) -> None:
        labels = self.labels
        for payment in self.receipt.payments:
            self._amount_row(self._method(payment), payment.amount)
            if payment.tendered is not None and payment.tendered != payment.amount:
                self._amount_row(f"  {labels.tendered}", payment.tendered)
            if payment.change:
                self._amount_row(f"  {labels.change}", payment.change, style="bold")
            if payment.reference:
                self._field(f"  {labels.reference}", payment.reference)

    def _tax_summary(self) -> None:
        labels = self.labels
        header = (labels.tax_code, labels.tax_rate, labels.tax_base, labels.tax_amount)
        rows = [
            (plain(tax.code), self._rate(tax.rate), self._money(tax.base), self._money(tax.amount))
            for tax in self.receipt.taxes
        ]
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(4)]
        slack = self.width - sum(widths)
        if slack >= 3:
            gaps = (slack - 2 * (slack // 3), slack // 3, slack // 3)
            for row in (header, *rows):
                self.lines.append(
                    LayoutLine(
                        (
                            row[0].ljust(widths[0])
                            + row[1].rjust(widths[1] + gaps[0])
                            + row[2].rjust(widths[2] + gaps[1])
                            + row[3].rjust(widths[3] + gaps[2])
                        ).rstrip()
                    )
                )
            return
        # Too narrow for one row per rate: each rate gets a small block instead.
        for code, rate, base, amount in rows:
            for text in wrap(f"{code} {rate}", self.width):
                self.lines.append(LayoutLine(text))
            self._side_by_side(f"  {labels.tax_base}", base, flush_right=True)
            self._side_by_side(f"  {labels.tax_amount}", amount, flush_right=True)

    # -- pieces ------------------------------------------------------------------------

    def _rule(self, char: str = "-") -> None:
        self.lines.append(LayoutLine(char * self.width))

    def _centred(self, text: str, style: LineStyle = "normal") -> None:
        for part in wrap(text, self.width):
            self.lines.append(LayoutLine(part.center(self.width).rstrip(), style))

    def _field(self, label: str, value: str) -> None:
        for text in wrap(f"{label}: {plain(value)}", self.width):
            self.lines.append(LayoutLine(text))

    def _side_by_side(
        self, left: str, right: str, *, style: LineStyle = "normal", flush_right: bool = False
    ) -> None:
        """``left`` and ``right`` on one line if they fit, else one under the other.

        ``flush_right`` keeps ``right`` against the right margin when it has to move to
        its own line (amounts do); otherwise it starts at the left margin.
        """
        left, right = plain(left), plain(right)
        if len(left) + 1 + len(right) <= self.width:
            text = left + right.rjust(self.width - len(left))
            self.lines.append(LayoutLine(text.rstrip(), style))
            return
        for text in wrap(left, self.width):
            self.lines.append(LayoutLine(text, style))
        for text in wrap(right, self.width):
            self.lines.append(LayoutLine(text.rjust(self.width) if flush_right else text, style))

    def _amount_row(self, label: str, amount: Decimal, *, style: LineStyle = "normal") -> None:
        self._side_by_side(label, self._money(amount), style=style, flush_right=True)

    def _money(self, amount: Decimal) -> str:
        return plain(format_money(amount, self.receipt.currency, self.receipt.locale))

    def _unit_price(self, price: Decimal) -> str:
        # At least the currency's decimals and every further digit the price has: a
        # weighed item's unit price (2.995/kg) must not be rounded on the receipt.
        decimals = currency_exponent(self.receipt.currency)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return plain(
            format_decimal(
                price, format=pattern, locale=self.receipt.locale, decimal_quantization=False
            )
        )

    def _quantity(self, quantity: Decimal) -> str:
        return plain(
            format_decimal(
                quantity, format="#,##0.###", locale=self.receipt.locale, decimal_quantization=False
            )
        )

    def _rate(self, rate: Decimal) -> str:
        return self._quantity(rate) + "%"

    def _tax_label(self, tax: ReceiptTax) -> str:
        name = plain(tax.name) or plain(tax.code)
        # Tax names usually carry their rate already ("IVA 21%").
        return name if "%" in name else f"{name} {self._rate(tax.rate)}"

    def _method(self, payment: ReceiptPayment) -> str:
        known = self.labels.methods.get(payment.method.lower())
        return known or plain(payment.method).replace("_", " ").capitalize()

    def _when(self) -> str:
        # The time as given, in the receipt's own zone: babel keeps an aware datetime's
        # zone when no tzinfo is passed, and a naive one is printed as it is.
        moment = self.receipt.occurred_at
        locale = self.receipt.locale
        date = format_skeleton("yMd", moment, locale=locale)
        time = format_time(moment, "medium", locale=locale)
        return plain(f"{date} {time}")


def plain(text: str) -> str:
    """One printable character per column: NFC, plain spaces and minus, no controls."""
    text = unicodedata.normalize("NFC", text).translate(_PLAIN)
    # Control characters (ESC above all) would be commands to the printer.
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def _text_lines(text: str) -> list[str]:
    """The non-empty lines of a free-text setting (address, header, footer)."""
    return [line for raw in text.splitlines() if (line := plain(raw).strip())]


def wrap(text: str, width: int, *, max_lines: int | None = None) -> list[str]:
    """``text`` wrapped to ``width``; continuation lines keep its indent.

    With ``max_lines``, the last line kept ends in "..." when some text was cut.
    """
    text = plain(text)
    if not text.strip():
        return []
    indent = text[: len(text) - len(text.lstrip())]
    lines = textwrap.wrap(
        text,
        width,
        break_on_hyphens=False,
        subsequent_indent=indent if len(indent) < width // 2 else "",
    )
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 3].rstrip() + "..."
    return lines


class ReportLines:
    """The lines of a printed report (the X/Z, the takings): rules, centred and wrapped
    text, and label-amount rows that fit the paper, in the org's money and numbers."""

    def __init__(self, width: int, currency: str, locale: str) -> None:
        self.width = width
        self.currency = currency
        self.locale = locale
        self.lines: list[LayoutLine] = []

    def _rule(self) -> None:
        self.lines.append(LayoutLine("-" * self.width))

    def _centred(self, text: str, style: LineStyle = "normal") -> None:
        for part in wrap(text, self.width):
            self.lines.append(LayoutLine(part.center(self.width).rstrip(), style))

    def _text(self, text: str, style: LineStyle = "normal") -> None:
        for part in wrap(text, self.width):
            self.lines.append(LayoutLine(part.rstrip(), style))

    def _row(self, label: str, amount: Decimal, style: LineStyle = "normal") -> None:
        left, right = plain(label), self._money(amount)
        if len(left) + 1 + len(right) <= self.width:
            self.lines.append(LayoutLine(left + right.rjust(self.width - len(left)), style))
            return
        for part in wrap(left, self.width):
            self.lines.append(LayoutLine(part, style))
        self.lines.append(LayoutLine(right.rjust(self.width), style))

    def _money(self, amount: Decimal) -> str:
        return plain(format_money(amount, self.currency, self.locale))

    def _qty(self, quantity: Decimal) -> str:
        return plain(
            format_decimal(
                quantity, format="#,##0.###", locale=self.locale, decimal_quantization=False
            )
        )
