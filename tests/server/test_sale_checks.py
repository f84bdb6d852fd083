"""HQ's arithmetic checks of a pushed sale (arcoiris_shared.ops.check_sale): every sale the shared
calculator makes passes, and each way a sale can be wrong is named."""

from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arcoiris_shared.ops import SalePayload, check_sale
from tests.server.ops import sale_op


class _World:
    org_id = "00000000-0000-4000-8000-000000000001"
    ids = {
        "location_id": "00000000-0000-4000-8000-000000000002",
        "item_id": "00000000-0000-4000-8000-000000000003",
        "sku": "SKU-1",
    }

    class cashier:  # stands in for an OrgWorld's user
        user_id = "00000000-0000-4000-8000-000000000004"


_TILL = {"terminal_id": "00000000-0000-4000-8000-000000000005"}


def _payload(kind: str = "sale", qty: D = D(2)) -> dict:
    refund_of = "00000000-0000-4000-8000-000000000006" if kind == "refund" else None
    return sale_op(_World, _TILL, 1, kind=kind, qty=qty, refund_of=refund_of)["payload"]


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["sale", "refund"]),
    qty=st.decimals(min_value=D("0.001"), max_value=D(500), places=3),
)
def test_every_sale_the_calculator_makes_passes(kind, qty):
    assert check_sale(SalePayload.model_validate(_payload(kind, qty))) is None


def _set(path: str, value):
    def change(p: dict) -> None:
        *keys, last = path.split(".")
        node = p
        for key in keys:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value

    return change


def _add_second_line(p: dict) -> None:
    p["lines"].append(copy.deepcopy(p["lines"][0]))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_set("lines.0.sale_id", "00000000-0000-4000-8000-00000000000f"), "lines or taxes"),
        (_set("taxes.0.sale_id", "00000000-0000-4000-8000-00000000000f"), "lines or taxes"),
        (_set("payments.0.sale_id", "00000000-0000-4000-8000-00000000000f"), "payments or"),
        (_set("movements.0.source_id", "00000000-0000-4000-8000-00000000000f"), "payments or"),
        (_add_second_line, "two lines share a line number"),
        (_set("sale.total", "5.01"), "the total is not the sum of the lines"),
        (_set("sale.net", "4.14"), "net plus tax is not the total"),
        (_set("lines.0.net", "4.14"), "a line's net plus tax is not its total"),
        (_set("taxes.0.amount", "0.88"), "the tax summary does not add up"),
        (_set("payments.0.amount", "4.99"), "payments do not add up"),
        (_set("payments.0.change", "-1"), "negative change"),
    ],
)
def test_each_wrong_sum_is_named(change, reason):
    p = _payload()
    change(p)
    problem = check_sale(SalePayload.model_validate(p))
    assert problem is not None and reason in problem


def test_a_line_with_the_wrong_sign_is_named():
    p = _payload()
    p["lines"][0]["quantity"] = "-2"
    assert check_sale(SalePayload.model_validate(p)) == "a sale has a line with the wrong sign"
