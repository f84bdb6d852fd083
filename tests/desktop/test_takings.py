"""The manager's takings on the till, offline, from its own database: today against the same
weekday last week, the audit list in words with who approved, the items under their reorder
point by the till's own level, and the CSV an accountant opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

from sqlalchemy import text

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.receipts.takings_report import takings_layout
from arcoiris_desktop.reports.export import sales_csv, takings_csv
from arcoiris_desktop.reports.takings import Period, period_for_day, takings
from arcoiris_desktop.sales import rollup
from arcoiris_shared.db.inv import Item
from arcoiris_shared.takings import time_zone
from tests.desktop.conftest import BREAD, MILK, WATER, sell_for_cash


def _today(till) -> dt.date:
    return dt.datetime.now(time_zone(till.config.timezone)).date()


def _move_back(db, receipt_code: str, days: int) -> None:
    """A sale made ``days`` earlier: its facts' times moved back (the till sells only now)."""
    with db.write() as s:
        sale_id = s.execute(
            text("SELECT id FROM sales WHERE receipt_code = :c"), {"c": receipt_code}
        ).scalar_one()
        for table in ("sales", "payments"):
            col = "id" if table == "sales" else "sale_id"
            rows = s.execute(
                text(f"SELECT rowid, occurred_at FROM {table} WHERE {col} = :i"), {"i": sale_id}
            ).all()
            for rowid, at in rows:
                when = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
                moved = (when - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
                s.execute(
                    text(f"UPDATE {table} SET occurred_at = :t WHERE rowid = :r"),
                    {"t": moved, "r": rowid},
                )
        rollup.rebuild(s.connection())  # the rollup counts it on its new day


def test_today_is_set_against_the_same_weekday_last_week(till, db, cashier):
    today = sell_for_cash(till, cashier, [MILK, BREAD])
    sell_for_cash(till, cashier, [WATER])
    last_week = sell_for_cash(till, cashier, [MILK])
    _move_back(db, last_week.receipt_code, 7)
    view = till_takings(till, period_for_day(_today(till)))
    f, c = view.figures, view.compared
    assert (f.sales_count, c.sales_count) == (2, 1)
    assert f.net_takings == today.receipt.total + D("6.59")
    assert c.net_takings == D("3.09")
    assert view.source == "till" and view.currency == till.config.currency
    assert cashier.full_name in view.cashier_names.values()
    assert sum(a for a, _ in view.hours.values()) == f.net_takings
    assert sum(b for _, b in view.hours.values()) == c.net_takings
    last = _today(till) - dt.timedelta(days=7)
    assert str(last.day) in view.compare_label and str(_today(till).day) in view.label


def test_a_range_of_days_goes_back_whole_weeks(till):
    first = dt.date(2026, 12, 1)
    view = till_takings(till, Period(first, dt.date(2026, 12, 10)))  # 10 days: 2 weeks back
    assert view.figures.sales_count == 0
    assert view.compare_label.startswith("17") and "Nov" in view.compare_label


def test_the_audit_list_names_a_void_and_who_approved_it(till, cashier, manager):
    ok = Approval("void", manager.user_id, manager.full_name)
    till.record_void(
        cashier, sku="SKU-1", name="Whole Milk", quantity=D(2), amount=D("6.18"), approval=ok
    )
    view = till_takings(till, period_for_day(_today(till)))
    voids = [a for a in view.audit if a.action == "line.voided"]
    assert len(voids) == 1
    v = voids[0]
    assert "Voided 2 x Whole Milk" in v.what and "6.18" in v.what
    assert v.by == cashier.full_name and v.approved_by == manager.full_name
    assert v.amount == D("6.18")
    # The approval itself is not listed twice; the shift's opening is.
    assert not [a for a in view.audit if a.action == "void"]
    assert any(a.action == "shift.opened" for a in view.audit)


def test_a_refund_is_in_the_audit_list_with_its_approver(till, cashier, manager):
    sale = sell_for_cash(till, cashier, [MILK, MILK])
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(sale.receipt_code)
    till.refund(original, {1: D(1)}, to="cash", cashier=cashier, approval=ok)
    view = till_takings(till, period_for_day(_today(till)))
    refunds = [a for a in view.audit if a.action == "refund"]
    assert len(refunds) == 1
    assert sale.receipt_code in refunds[0].what and refunds[0].approved_by == manager.full_name
    assert view.figures.refunds_count == 1 and view.figures.refunds_total == D("-3.09")


def test_low_stock_lists_an_item_at_or_under_its_reorder_point(till, db, cashier):
    milk = till.scan(MILK).item
    bread = till.scan(BREAD).item
    sell_for_cash(till, cashier, [MILK])  # a pending movement the level must count
    level = till.stock_of(milk.item_id)
    with db.write() as s:
        s.get(Item, (till.config.org_id, milk.item_id)).reorder_point = level
        s.get(Item, (till.config.org_id, bread.item_id)).reorder_point = (
            till.stock_of(bread.item_id) - 1
        )
    view = till_takings(till, period_for_day(_today(till)))
    assert [(s.sku, s.on_hand, s.reorder_point) for s in view.low_stock] == [
        (milk.sku, level, level)
    ]


def test_the_csv_parses_and_its_figures_match_the_database(till, db, cashier, manager):
    sell_for_cash(till, cashier, [MILK, BREAD, WATER], cash=D("20.00"))
    sell_for_cash(till, cashier, [MILK])
    till.record_void(cashier, sku="X", name="Bread", quantity=D(1), amount=D("3.99"))
    period = period_for_day(_today(till))
    view = till_takings(till, period)
    rows = list(csv.DictReader(io.StringIO(takings_csv(view))))
    assert list(rows[0]) == ["section", "key", "label", "value", "compared", "change_pct"]
    by = {(r["section"], r["key"]): r for r in rows}
    with db.read() as s:
        total, tax, n = s.execute(
            text("SELECT sum(total), sum(tax_total), count(*) FROM sales WHERE kind = 'sale'")
        ).one()
        cash = s.execute(text("SELECT sum(amount) FROM payments WHERE method = 'cash'")).scalar()
    assert by[("summary", "sales_count")]["value"] == str(n) == "2"
    assert D(by[("summary", "net_takings")]["value"]) == D(total).scaleb(-4)
    assert by[("summary", "net_takings")]["value"] == f"{D(total).scaleb(-4):.2f}"
    assert D(by[("summary", "tax_total")]["value"]) == D(tax).scaleb(-4)
    assert D(by[("tender", "cash")]["value"]) == D(cash).scaleb(-4)
    assert sum(D(r["value"]) for r in rows if r["section"] == "hour") == D(total).scaleb(-4)
    assert {r["section"] for r in rows} >= {"summary", "tax", "tender", "cashier", "hour", "audit"}
    assert any("Voided 1 x Bread" in r["label"] for r in rows if r["section"] == "audit")

    sales = list(csv.DictReader(io.StringIO(sales_csv(db, till.config, period))))
    assert [r["kind"] for r in sales] == ["sale", "sale"]
    assert sum(D(r["total"]) for r in sales) == D(total).scaleb(-4)
    assert all(r["cashier"] == cashier.full_name for r in sales)
    assert sales[0]["tenders"].startswith("cash ")


def test_the_printed_report_fits_the_paper(till, cashier):
    sell_for_cash(till, cashier, [MILK, BREAD])
    view = till_takings(till, period_for_day(_today(till)))
    lines = takings_layout(view)
    assert all(len(line.text) <= 42 for line in lines)
    text_ = "\n".join(line.text for line in lines)
    assert "NET TAKINGS" in text_ and view.label.split()[0] in text_


def till_takings(till, period):
    return takings(till.db, till.config, period)


def test_a_paid_out_and_a_no_sale_are_listed_once_with_who_did_them(till, manager):
    till.pay_in_out(
        manager, kind="paid_out", amount=D("7.50"), account="petty_cash", reason="Window cleaner"
    )
    till.no_sale(manager)
    view = till_takings(till, period_for_day(_today(till)))
    paid = [a for a in view.audit if "Paid out" in a.what]
    assert len(paid) == 1 and "Window cleaner" in paid[0].what and "7.50" in paid[0].what
    assert paid[0].by == manager.full_name and paid[0].amount == D("-7.50")
    assert len([a for a in view.audit if a.what.startswith("Drawer opened")]) == 1
    assert view.figures.paid_out == D("-7.50")


def _rollup_rows(db) -> set[tuple]:
    with db.read() as s:
        return set(s.execute(text("SELECT * FROM takings_rollup")).all())


def test_the_rollup_kept_with_each_sale_gives_the_figures_of_the_facts(till, db, cashier, manager):
    """The takings screen reads days from the rollup each sale adds to; it must say exactly
    what the facts say, and a rebuild from the facts (migration t0008) must give the same
    rows as the sales kept adding."""
    from arcoiris_shared.takings import Scope, day_range, figures

    sell_for_cash(till, cashier, [MILK, BREAD, WATER])
    sale = sell_for_cash(till, cashier, [MILK, MILK, BREAD], cash=D("20.00"))
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(sale.receipt_code)
    till.refund(original, {1: D(1)}, to="cash", cashier=cashier, approval=ok)
    day = _today(till)
    start, end = day_range(day, till.config.timezone)
    with db.read() as s:
        kept = rollup.day_figures(
            s,
            org_id=till.config.org_id,
            timezone=till.config.timezone,
            first=day,
            last=day,
            top=10,
        )
        facts = figures(s, Scope(org_id=till.config.org_id, start=start, end=end))
    assert kept == facts and kept.refunds_count == 1 and kept.sales_count == 2
    incremental = _rollup_rows(db)
    with db.write() as s:
        rollup.rebuild(s.connection())
    assert _rollup_rows(db) == incremental
