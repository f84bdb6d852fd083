"""The sale-totals calculator on a 3-line and a 40-line sale, against bare Decimal sums."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from arcoiris_shared.tax import LineInput, TaxRate, TaxRounding, compute_sale_totals
from benchmarks.harness import measure, report

VAT21 = TaxRate("VAT21", "VAT 21%", Decimal("21"))
VAT10 = TaxRate("VAT10", "VAT 10%", Decimal("10"))
CENT = Decimal("0.01")


def _lines(n: int) -> list[LineInput]:
    return [
        LineInput(
            quantity=Decimal(1 + i % 3),
            unit_price=Decimal("1.99") + Decimal(i) / 100,
            rates=(VAT21 if i % 2 else VAT10,),
        )
        for i in range(n)
    ]


def _raw(lines: list[LineInput]) -> Decimal:
    # The least a till could do: gross, one rate, round, sum.
    total = Decimal(0)
    for ln in lines:
        gross = (ln.quantity * ln.unit_price).quantize(CENT, ROUND_HALF_UP)
        rate = ln.rates[0].rate
        tax = (gross * rate / (100 + rate)).quantize(CENT, ROUND_HALF_UP)
        total += gross - tax + tax
    return total


def run() -> None:
    for n in (3, 40):
        lines = _lines(n)
        for mode in (TaxRounding.PER_LINE, TaxRounding.PER_RECEIPT):
            ours = measure(
                f"sale totals, {n} lines, {mode.value}",
                lambda lines=lines, mode=mode: compute_sale_totals(
                    lines, currency="EUR", prices_include_tax=True, tax_rounding=mode
                ),
            )
            raw = measure(f"raw Decimal, {n} lines", lambda lines=lines: _raw(lines))
            report(ours, raw)
