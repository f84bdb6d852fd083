"""What the takings screen and its PDF both say: which tiles, and how a figure, its change
against the comparison and a legend's date are written."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_percent

from arcoiris_desktop.reports.takings import change
from arcoiris_desktop.ui.format import Formatter

__all__ = ["TILES", "change", "percent", "short_label", "shown"]

# (figure, tile title, kind, whether more is better)
TILES: tuple[tuple[str, str, str, bool], ...] = (
    ("net_takings", "Net takings", "money", True),
    ("gross", "Gross before discounts", "money", True),
    ("refunds_total", "Refunds", "money", True),  # negative: nearer zero is better
    ("discounts", "Discounts given", "money", False),
    ("tax_total", "Tax", "money", True),
    ("sales_count", "Sales", "count", True),
    ("average_basket", "Average basket", "money", True),
    ("items_per_basket", "Items per basket", "qty", True),
)


def shown(fmt: Formatter, value: Decimal | int | None, kind: str) -> str:
    if value is None:
        return "\u2013"
    if kind == "count":
        return str(int(value))
    if kind == "qty":
        return f"{Decimal(value).quantize(Decimal('0.1')):f}"
    return fmt.money(Decimal(value))


def percent(fmt: Formatter, ratio: Decimal) -> str:
    try:
        return format_percent(ratio, format="+#,##0.0%;-#,##0.0%", locale=fmt.locale)
    except ValueError:
        return f"{ratio * 100:+.1f}%"


def short_label(label: str) -> str:
    """A legend's label: "Thursday 3 December 2026" -> "Thursday 3 December"."""
    parts = label.split()
    if len(parts) >= 3 and parts[-1].isdigit() and len(parts[-1]) == 4:
        return " ".join(parts[:-1])
    return label
