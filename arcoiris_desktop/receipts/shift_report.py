"""The X and Z reports laid out for the receipt printer (and the same lines on screen).

The same fixed-width lines as a receipt (:class:`~arcoiris_desktop.receipts.layout.
LayoutLine`), printed by :func:`~arcoiris_desktop.receipts.escpos_render.
render_escpos_lines`: what the manager sees before printing is what prints. Amounts by
:func:`~arcoiris_shared.money.format_money` in the till's currency and locale.

The report's figures come in as :class:`ShiftReport`, a read-only shape defined here: the
shifts service's report (``arcoiris_desktop.shifts.service.ShiftReport``) is one, and
receipts import nothing from the shifts package to print it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from babel import Locale
from babel.dates import format_skeleton, format_time

from arcoiris_desktop.receipts.layout import (
    MIN_WIDTH,
    LayoutLine,
    ReportLines,
    plain,
    wrap,
)

_ENGLISH = Locale("en")
METHODS = {"cash": "Cash", "card": "Card", "voucher": "Voucher", "other": "Other"}


def _count(n: int, one: str, other: str) -> str:
    """ "1 refund", "2 refunds": the report's words are English, so English plural rules
    (CLDR's, through babel) whatever the till's number locale."""
    return f"{n} {one if _ENGLISH.plural_form(n) == 'one' else other}"


class TenderTotal(Protocol):
    @property
    def method(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...


class CashierTotal(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def sales(self) -> int: ...
    @property
    def refunds(self) -> int: ...
    @property
    def amount(self) -> Decimal: ...


class ItemTotal(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def quantity(self) -> Decimal: ...
    @property
    def amount(self) -> Decimal: ...


class CashMovementLine(Protocol):
    @property
    def time(self) -> dt.datetime: ...
    @property
    def kind(self) -> str: ...  # "paid_in" or "paid_out"
    @property
    def amount(self) -> Decimal: ...  # signed: paid outs negative
    @property
    def account(self) -> str: ...  # the account's label
    @property
    def reason(self) -> str: ...
    @property
    def who(self) -> str: ...


class ShiftReport(Protocol):
    """What an X (mid-shift) or Z (closing) report prints. Amounts signed as stored."""

    @property
    def kind(self) -> str: ...  # "X" or "Z"
    @property
    def shift_id(self) -> uuid.UUID: ...
    @property
    def store_name(self) -> str: ...
    @property
    def terminal_name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def locale(self) -> str: ...
    @property
    def opened_by_name(self) -> str: ...
    @property
    def opened_at(self) -> dt.datetime: ...
    @property
    def made_at(self) -> dt.datetime: ...
    @property
    def opening_float(self) -> Decimal: ...
    @property
    def sales_count(self) -> int: ...
    @property
    def refunds_count(self) -> int: ...
    @property
    def sales_total(self) -> Decimal: ...
    @property
    def refunds_total(self) -> Decimal: ...
    @property
    def net_takings(self) -> Decimal: ...
    @property
    def discount_total(self) -> Decimal: ...
    @property
    def tax_total(self) -> Decimal: ...
    @property
    def voids_count(self) -> int: ...
    @property
    def voids_total(self) -> Decimal: ...
    @property
    def by_tender(self) -> Sequence[TenderTotal]: ...
    @property
    def cash_rounding(self) -> Decimal: ...
    @property
    def by_cashier(self) -> Sequence[CashierTotal]: ...
    @property
    def top_items(self) -> Sequence[ItemTotal]: ...
    @property
    def cash_sales(self) -> Decimal: ...
    @property
    def cash_refunds(self) -> Decimal: ...
    @property
    def expected_cash(self) -> Decimal: ...
    @property
    def closed_by_name(self) -> str | None: ...
    @property
    def counted_cash(self) -> Decimal | None: ...
    @property
    def over_short(self) -> Decimal | None: ...
    @property
    def denominations(self) -> Sequence[tuple[Decimal, int]]: ...
    @property
    def z_number(self) -> int | None: ...
    @property
    def paid_in_total(self) -> Decimal: ...
    @property
    def paid_out_total(self) -> Decimal: ...
    @property
    def cash_movements(self) -> Sequence[CashMovementLine]: ...
    @property
    def no_sales_count(self) -> int: ...
    @property
    def over_short_reason(self) -> str | None: ...
    @property
    def opening_denominations(self) -> Sequence[tuple[Decimal, int]]: ...


def shift_report_layout(
    report: ShiftReport, *, width: int = 42, blind: bool = False
) -> list[LayoutLine]:
    """``blind``: a blind close's X report, without what the drawer should hold (the
    person who will count it must not know beforehand); a Z always shows it."""
    if width < MIN_WIDTH:
        raise ValueError(f"a report needs at least {MIN_WIDTH} columns, got {width}")
    return _Report(report, width, blind=blind and report.kind == "X").build()


class _Report(ReportLines):
    def __init__(self, report: ShiftReport, width: int, *, blind: bool = False) -> None:
        super().__init__(width, report.currency, report.locale)
        self.r = report
        self.blind = blind

    def build(self) -> list[LayoutLine]:
        r = self.r
        self._centred(r.store_name, "tall")
        if r.kind == "Z":
            self._centred("*** Z REPORT - SHIFT CLOSED ***", "bold")
            if r.z_number is not None:
                self._centred(f"Z No. {r.z_number}", "tall")
        else:
            self._centred("*** X REPORT - SHIFT STILL OPEN ***", "bold")
        self._rule()
        self._text(f"Terminal: {r.terminal_name}")
        self._text(f"Opened: {self._when(r)} by {r.opened_by_name}")
        if r.kind == "Z":
            self._text(f"Closed: {self._at(r.made_at)} by {r.closed_by_name or ''}")
        else:
            self._text(f"Printed: {self._at(r.made_at)}")
        self._rule()
        self._row(f"Sales ({r.sales_count})", r.sales_total)
        self._row(f"Refunds ({r.refunds_count})", r.refunds_total)
        self._row("NET TAKINGS", r.net_takings, "bold")
        self._row("Discounts given", -r.discount_total)
        self._row("Tax in takings", r.tax_total)
        self._row(f"Voids ({r.voids_count})", r.voids_total)
        self._rule()
        self._text("BY TENDER", "bold")
        if not r.by_tender:
            self._text("  nothing taken yet")
        for t in r.by_tender:
            self._row(f"{METHODS.get(t.method, t.method.capitalize())} ({t.count})", t.amount)
        if r.cash_rounding:
            # Cash rounded to the coin: the tenders hold it, the takings do not.
            self._row("  incl. cash rounding", r.cash_rounding)
        self._rule()
        self._text("CASH DRAWER", "bold")
        self._row("Opening float", r.opening_float)
        self._row("Cash sales", r.cash_sales)
        self._row("Cash refunds", r.cash_refunds)
        self._row(f"Paid in ({self._n('paid_in')})", r.paid_in_total)
        self._row(f"Paid out ({self._n('paid_out')})", r.paid_out_total)
        if self.blind:
            self._text("Expected in drawer: shown at the close")
        else:
            self._row("Expected in drawer", r.expected_cash, "bold")
        if r.counted_cash is not None and r.over_short is not None:
            self._row("Counted", r.counted_cash)
            label = "OVER" if r.over_short > 0 else "SHORT" if r.over_short < 0 else "EXACT"
            self._row(label, r.over_short, "tall")
            if r.over_short_reason:
                self._text(f"Reason: {r.over_short_reason}")
        self._text(f"No sales (drawer opened): {r.no_sales_count}")
        if r.cash_movements:
            self._rule()
            self._text("PAID IN AND OUT", "bold")
            for m in r.cash_movements:
                word = "In" if m.kind == "paid_in" else "Out"
                self._row(
                    f"{format_time(m.time, 'short', locale=r.locale)} {word}: {m.account}", m.amount
                )
                self._text(f"  {m.reason} ({m.who})")
        if r.opening_denominations:
            self._text("Float by note and coin:")
            for face, n in r.opening_denominations:
                self._row(f"  {n} x {self._money(face)}", face * n)
        if r.denominations:
            self._text("Counted by note and coin:")
            for face, n in r.denominations:
                self._row(f"  {n} x {self._money(face)}", face * n)
        self._rule()
        self._text("BY CASHIER", "bold")
        if not r.by_cashier:
            self._text("  no sales")
        for c in r.by_cashier:
            counts = _count(c.sales, "sale", "sales") + (
                f", {_count(c.refunds, 'refund', 'refunds')}" if c.refunds else ""
            )
            self._text(c.name)
            self._row(f"  {counts}", c.amount)
        if r.top_items:
            self._rule()
            self._text("TOP ITEMS", "bold")
            for item in r.top_items:
                for text in wrap(item.name, self.width, max_lines=1):
                    self.lines.append(LayoutLine(text))
                self._row(f"  x {self._qty(item.quantity)}", item.amount)
        self._rule()
        if r.kind == "Z" and r.z_number is not None:
            self._text(f"Z No. {r.z_number}")
        else:
            self._text(f"Shift {str(r.shift_id)[:8]}")
        return self.lines

    def _n(self, kind: str) -> int:
        return sum(1 for m in self.r.cash_movements if m.kind == kind)

    # -- pieces ------------------------------------------------------------------------

    def _at(self, moment: dt.datetime) -> str:
        date = format_skeleton("yMd", moment, locale=self.r.locale)
        time = format_time(moment, "short", locale=self.r.locale)
        return plain(f"{date} {time}")

    def _when(self, r: ShiftReport) -> str:
        return self._at(r.opened_at)
