"""The manager's takings (a day, a range, a shift) laid out for the receipt printer.

The same fixed-width :class:`~arcoiris_desktop.receipts.layout.LayoutLine` s as a receipt
and the X/Z report, so the ESC/POS renderer prints exactly them. Each figure shows this
period's amount and, on the line under it, the comparison's with the change in percent:
a 42-column roll has no room for three columns of money side by side.

The view comes in as :class:`~arcoiris_desktop.reports.takings.TakingsView` (dataclasses of
the reports package, no database); amounts by :func:`~arcoiris_shared.money.format_money`
in the view's currency and locale.
"""

from __future__ import annotations

from decimal import Decimal

from arcoiris_desktop.receipts.layout import (
    MIN_WIDTH,
    LayoutLine,
    LineStyle,
    ReportLines,
    wrap,
)
from arcoiris_desktop.receipts.shift_report import METHODS
from arcoiris_desktop.reports.takings import TakingsView, change

WIDTH = 42


def takings_layout(view: TakingsView, *, width: int = WIDTH) -> list[LayoutLine]:
    if width < MIN_WIDTH:
        raise ValueError(f"a report needs at least {MIN_WIDTH} columns, got {width}")
    return _Takings(view, width).build()


class _Takings(ReportLines):
    def __init__(self, view: TakingsView, width: int) -> None:
        super().__init__(width, view.currency, view.locale)
        self.v = view

    def build(self) -> list[LayoutLine]:
        v, f, c = self.v, self.v.figures, self.v.compared
        self._centred("TAKINGS", "tall")
        self._centred(v.label, "bold")
        self._centred(f"against {v.compare_label}")
        if v.note:
            self._text(v.note)
        self._rule()
        self._pair(f"Sales ({f.sales_count})", f.sales_total, c.sales_total)
        self._pair(f"Refunds ({f.refunds_count})", f.refunds_total, c.refunds_total)
        self._pair("NET TAKINGS", f.net_takings, c.net_takings, "bold")
        self._pair("Discounts given", -f.discounts, -c.discounts)
        self._pair("Tax in takings", f.tax_total, c.tax_total)
        if f.average_basket is not None:
            self._pair("Average basket", f.average_basket, c.average_basket)
        self._text(f"Items sold: {self._qty(f.items_sold)}")
        if f.tax_by_rate:
            self._rule()
            self._text("TAX BY RATE", "bold")
            for rate in f.tax_by_rate:
                self._row(f"{rate.name} on {self._money(rate.base)}", rate.amount)
        self._rule()
        self._text("BY TENDER", "bold")
        if not f.by_tender:
            self._text("  nothing taken")
        before = {t.method: t.amount for t in c.by_tender}
        for t in f.by_tender:
            label = f"{METHODS.get(t.method, t.method.capitalize())} ({t.count})"
            self._pair(label, t.amount, before.get(t.method))
        if f.cash_rounding:
            self._row("  incl. cash rounding", f.cash_rounding)
        if f.movements_count:
            self._row("Paid in", f.paid_in)
            self._row("Paid out", f.paid_out)
        if f.by_cashier:
            self._rule()
            self._text("BY CASHIER", "bold")
            for x in f.by_cashier:
                name = v.cashier_names.get(x.cashier_id, "?")
                self._row(f"{name} ({x.sales})", x.amount)
        busy = [(h, a, b) for h, (a, b) in sorted(v.hours.items()) if a or b]
        if busy:
            self._rule()
            self._text("BY HOUR (this / compared)", "bold")
            for h, now, before_ in busy:
                self._row(f"{h:02d}:00  {self._money(before_)}", now)
        if f.top_by_revenue:
            self._rule()
            self._text("TOP ITEMS", "bold")
            for i in f.top_by_revenue:
                for part in wrap(i.name, self.width, max_lines=1):
                    self.lines.append(LayoutLine(part))
                self._row(f"  x {self._qty(i.quantity)}", i.amount)
        if v.audit:
            self._rule()
            self._text("TO REVIEW", "bold")
            for entry in v.audit:
                self._text(f"{entry.at:%H:%M} {entry.what}")
                who = f"  by {entry.by or '?'}"
                if entry.approved_by:
                    who += f", approved by {entry.approved_by}"
                self._text(who)
        if v.low_stock:
            self._rule()
            self._text("LOW STOCK (on hand / reorder at)", "bold")
            for s in v.low_stock:
                for part in wrap(f"{s.sku} {s.name}", self.width, max_lines=1):
                    self.lines.append(LayoutLine(part))
                self._text(f"  {self._qty(s.on_hand)} / {self._qty(s.reorder_point)}")
        self._rule()
        return self.lines

    # -- pieces ------------------------------------------------------------------------

    def _pair(
        self, label: str, amount: Decimal, compared: Decimal | None, style: LineStyle = "normal"
    ) -> None:
        """This period's figure, then the comparison's and the change, indented under it."""
        self._row(label, amount, style)
        if compared is None:
            return
        ratio = change(amount, compared)
        shown = "" if ratio is None else f" ({ratio * 100:+.0f}%)"
        self._text(f"  was {self._money(compared)}{shown}".rstrip())
