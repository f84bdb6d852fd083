"""The sale-totals calculator on a 3-line and a 40-line sale, against bare Decimal sums;
HQ's recompute of a synced sale against the sums check it gets anyway."""

from __future__ import annotations

import random
import uuid
from decimal import ROUND_HALF_UP, Decimal

from arcoiris_shared.ops import SalePayload, check_sale
from arcoiris_shared.sale_check import recompute_problem
from arcoiris_shared.tax import LineInput, TaxRate, TaxRounding, compute_sale_totals
from benchmarks.harness import measure, report

VAT21 = TaxRate("VAT21", "VAT 21%", Decimal("21"))
VAT10 = TaxRate("VAT10", "VAT 10%", Decimal("10"))
CENT = Decimal("0.01")
RATES = (VAT21, VAT10)


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
    run_recompute()


def _payload(rng: random.Random, n: int) -> SalePayload:
    """A sale as HQ receives it, its figures from the calculator, its lines drawn afresh
    (prices, quantities, one of two rates) so no two payloads share a line."""
    sale_id = str(uuid.uuid4())
    drawn = [
        (Decimal(rng.randint(1, 4)), Decimal(rng.randint(50, 99999)).scaleb(-2), rng.choice(RATES))
        for _ in range(n)
    ]
    totals = compute_sale_totals(
        [LineInput(q, price, (rate,)) for q, price, rate in drawn],
        currency="EUR",
        prices_include_tax=True,
    )
    lines = [
        {
            "sale_id": sale_id,
            "line_no": j,
            "item_id": str(uuid.uuid4()),
            "sku": "SKU",
            "name": "item",
            "quantity": str(q),
            "unit_price": str(price),
            "gross": str(t.gross),
            "net": str(t.net),
            "tax": str(t.tax),
            "total": str(t.total),
            "taxes": [
                {"code": x.code, "rate": str(x.rate), "base": str(x.base), "amount": str(x.amount)}
                for x in t.taxes
            ],
        }
        for j, ((q, price, _), t) in enumerate(zip(drawn, totals.lines, strict=True), 1)
    ]
    sale = {
        "org_id": str(uuid.uuid4()),
        "id": sale_id,
        "kind": "sale",
        "terminal_id": str(uuid.uuid4()),
        "location_id": str(uuid.uuid4()),
        "receipt_no": 1,
        "receipt_code": "B-1",
        "cashier_id": str(uuid.uuid4()),
        "currency": "EUR",
        "prices_include_tax": True,
        "tax_rounding": "per_line",
        "gross": str(totals.gross),
        "discount_total": str(totals.discount_total),
        "net": str(totals.net),
        "tax_total": str(totals.tax_total),
        "total": str(totals.total),
        "occurred_at": "2026-12-01T10:00:00+00:00",
    }
    taxes = [
        {"sale_id": sale_id, "tax_code": x.code, "tax_name": x.name, "rate": str(x.rate),
         "base": str(x.base), "amount": str(x.amount)}
        for x in totals.taxes
    ]  # fmt: skip
    return SalePayload.model_validate({"sale": sale, "lines": lines, "taxes": taxes})


def run_recompute() -> None:
    """HQ's recompute of a synced sale (``recompute_problem``) beside the sums check every
    sale gets anyway (``check_sale``), each sale one HQ has not seen a line of before."""
    rng = random.Random(5)
    for n in (3, 40):
        payloads = [_payload(rng, n) for _ in range(1050)]
        assert all(recompute_problem(p) is None for p in payloads[:20])
        payloads = [_payload(rng, n) for _ in range(1050)]  # lines never recomputed
        fresh = iter(payloads)
        ours = measure(
            f"recompute a synced sale, {n} lines, unseen",
            lambda fresh=fresh: recompute_problem(next(fresh)),
        )
        sums = iter(payloads)
        raw = measure(f"check_sale, {n} lines", lambda sums=sums: check_sale(next(sums)))
        report(ours, raw)
