"""The day's takings for the manager's screen, from the till's own database (offline).

``takings(db, config, period)`` answers with the figures of the period
(``arcoiris_shared.takings.figures``), the same figures for the comparison period (the same
dates whole weeks earlier: a day against the same weekday last week; a range of n days
against the range ceil(n/7) weeks earlier; a shift against the same hours of the clock a
week earlier), the takings per local hour, the audit list in a manager's words (voids,
overrides, discounts over the limit, refunds, no-sales, paid in/out, approvals and refused
PINs, shifts opened and closed, stock moves: who did it and who approved it) and the items
at or below their reorder point by the till's own level.

Local days are ``day_range`` in the till's time zone. Days and ranges of days are read from
the takings rollup the till keeps with every sale (``arcoiris_desktop.sales.rollup``, the
same assembly as the figures from the facts), so a month costs a few thousand rows; a
shift, which is not whole days, is read from the facts. Labels are babel's, in the till's
locale.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from babel.core import UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton, format_time
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from arcoiris_desktop.audit import VOID_ACTION
from arcoiris_desktop.config import TerminalConfig, load_config
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AckedMovement, AuditEntry
from arcoiris_desktop.sales import rollup
from arcoiris_desktop.shifts.service import staff_names
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, StockLevel
from arcoiris_shared.db.pos import Shift
from arcoiris_shared.money import format_money
from arcoiris_shared.sync_protocol import MOVING_KINDS
from arcoiris_shared.takings import (
    ZERO,
    Figures,
    Scope,
    day_range,
    figures,
    time_zone,
)


@dataclass(frozen=True, slots=True)
class Period:
    """What the manager picked: a day (``first`` = ``last``), a range of days (local
    dates, both included), or one shift (``shift_id``; the dates are its own)."""

    first: dt.date
    last: dt.date
    shift_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: dt.datetime  # store's local time
    action: str  # e.g. "line.voided", "price.override", "refund", "drawer.no_sale", ...
    what: str  # in words, for the manager: "Voided 2 x Milk (3.10)"
    by: str  # who did it (name)
    approved_by: str | None  # who approved it (name), if anyone
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class LowStock:
    item_id: uuid.UUID
    sku: str
    name: str
    on_hand: Decimal
    reorder_point: Decimal


@dataclass(frozen=True, slots=True)
class TakingsView:
    period: Period
    label: str  # "Thursday 3 December 2026", "1-31 December 2026" (an en dash), "Shift Z 42"
    compare_label: str  # "Thursday 26 November 2026"
    figures: Figures
    compared: Figures
    hours: dict[int, tuple[Decimal, Decimal]]  # local hour 0-23 -> (this, compared) Σ amount
    cashier_names: dict[uuid.UUID, str]
    audit: tuple[AuditLine, ...]
    low_stock: tuple[LowStock, ...]
    source: Literal["till", "store"]  # this till's own database, or HQ's whole store
    as_of: dt.datetime | None  # for "store": HQ's last sync (local time)
    note: str  # e.g. "This till only: HQ cannot be reached" ("" when nothing to say)
    currency: str
    locale: str


# -- the service ---------------------------------------------------------------------------

WEEK = dt.timedelta(days=7)
_MOVING_KINDS_JSON = json.dumps(list(MOVING_KINDS))
# Every pending movement of this store, read by SQLite's JSON functions (one pass over the
# outbox, whatever the catalog's size); quantities as the exact strings the ops carry.
_PENDING_BY_ITEM = text(
    """
    SELECT json_extract(m.value, '$.item_id'), json_extract(m.value, '$.quantity')
      FROM outbox AS o, json_each(o.payload, '$.movements') AS m
     WHERE o.kind IN (SELECT value FROM json_each(:kinds))
       AND json_extract(m.value, '$.location_id') = :here
    """
)


def period_for_day(day: dt.date) -> Period:
    return Period(day, day)


def period_for_range(first: dt.date, last: dt.date) -> Period:
    if last < first:
        first, last = last, first
    return Period(first, last)


def period_for_shift(db: Database, shift_id: uuid.UUID) -> Period:
    """A shift's period: its own dates (local), for the screen's date pickers."""
    with db.read() as session:
        config = load_config(session)
        shift = session.get(Shift, (config.org_id, shift_id))
        if shift is None:
            raise ValueError("That shift is not on this till")
        tz = time_zone(config.timezone)
        end = shift.closed_at or utcnow()
        return Period(
            shift.opened_at.astimezone(tz).date(), end.astimezone(tz).date(), shift_id=shift.id
        )


def change(value: Decimal | int | None, compared: Decimal | int | None) -> Decimal | None:
    """(value - compared) / |compared|: the change against the comparison as a ratio, or
    None when there is nothing to compare with."""
    if value is None or compared is None or compared == 0:
        return None
    return (Decimal(value) - Decimal(compared)) / abs(Decimal(compared))


def compare_days(period: Period) -> int:
    """How many days back the comparison lies: whole weeks, enough to clear the period
    (1-7 days: a week; 8-14: two ...), so Monday is always set against a Monday."""
    n = (period.last - period.first).days + 1
    return -(-n // 7) * 7


def takings(db: Database, config: TerminalConfig, period: Period, *, top: int = 10) -> TakingsView:
    """The period's takings from this till's own database (see the module's docstring):
    one read transaction, so the figures, their comparison and the audit list agree."""
    with db.read() as session:
        return takings_in(session, config, period, top=top)


@dataclass(frozen=True, slots=True)
class Span:
    """A period made concrete: what counts (``scope``), its instants, the comparison's."""

    period: Period  # a shift's with its own local dates
    scope: Scope
    start: dt.datetime
    end: dt.datetime
    compared: Scope
    label: str
    compare_label: str


def span_of(session: Session, config: TerminalConfig, period: Period) -> Span:
    """The instants and scopes of ``period`` and of its comparison (see the module's
    docstring): local days through ``day_range`` in the till's time zone; a shift by its id,
    set against the same hours of the clock a week earlier."""
    org = config.org_id
    tz = time_zone(config.timezone)
    if period.shift_id is not None:
        shift = session.get(Shift, (org, period.shift_id))
        if shift is None:
            raise ValueError("That shift is not on this till")
        start, end = shift.opened_at, shift.closed_at or utcnow()
        return Span(
            period=Period(start.astimezone(tz).date(), end.astimezone(tz).date(), shift.id),
            scope=Scope(org_id=org, shift_ids=(shift.id,)),
            start=start,
            end=end,
            # Every sale in the same hours a week earlier, whichever shift it was in.
            compared=Scope(org_id=org, start=start - WEEK, end=end - WEEK),
            label=_shift_label(shift, tz, config.locale),
            compare_label=_hours_label(start - WEEK, end - WEEK, tz, config.locale),
        )
    days = (period.last - period.first).days + 1
    back = dt.timedelta(days=compare_days(period))
    start, end = day_range(period.first, config.timezone, days)
    c_start, c_end = day_range(period.first - back, config.timezone, days)
    return Span(
        period=period,
        scope=Scope(org_id=org, start=start, end=end),
        start=start,
        end=end,
        compared=Scope(org_id=org, start=c_start, end=c_end),
        label=_days_label(period.first, period.last, config.locale),
        compare_label=_days_label(period.first - back, period.last - back, config.locale),
    )


def takings_in(
    session: Session, config: TerminalConfig, period: Period, *, top: int = 10
) -> TakingsView:
    span = span_of(session, config, period)
    scope, compared_scope, start, end = span.scope, span.compared, span.start, span.end
    period, label, compare_label = span.period, span.label, span.compare_label
    tz = time_zone(config.timezone)
    if period.shift_id is None:
        back = dt.timedelta(days=compare_days(period))
        figs, compared = (
            rollup.day_figures(
                session,
                org_id=config.org_id,
                timezone=config.timezone,
                first=period.first - b,
                last=period.last - b,
                top=top,
            )
            for b in (dt.timedelta(0), back)
        )
    else:
        figs = figures(session, scope, top=top)
        compared = figures(session, compared_scope, top=top)
    audit_lines = _audit(session, config, start, end, period.shift_id, tz)
    names = staff_names(session, {c.cashier_id for c in (*figs.by_cashier, *compared.by_cashier)})
    return TakingsView(
        period=period,
        label=label,
        compare_label=compare_label,
        figures=figs,
        compared=compared,
        hours=hours_of(figs, compared, config.timezone),
        cashier_names=names,
        audit=audit_lines,
        low_stock=low_stock(session, config),
        source="till",
        as_of=None,
        note="",
        currency=config.currency,
        locale=config.locale,
    )


def hours_of(figs: Figures, compared: Figures, zone: str) -> dict[int, tuple[Decimal, Decimal]]:
    """Σ amount per hour of the local clock (0-23), this period's and the comparison's; a
    range's days are summed hour by hour."""
    out = {h: [ZERO, ZERO] for h in range(24)}
    for i, f in enumerate((figs, compared)):
        for hour, bucket in f.by_local_hour(zone).items():
            out[hour.hour][i] += bucket.amount
    return {h: (a, b) for h, (a, b) in out.items()}


# -- labels --------------------------------------------------------------------------------


def _days_label(first: dt.date, last: dt.date, locale: str) -> str:
    """ "Thursday 3 December 2026" or "1-31 December 2026" (babel's dash), in the till's
    locale."""
    try:
        if first == last:
            return format_date(first, format="full", locale=locale)
        return format_interval(first, last, skeleton="yMMMMd", locale=locale)
    except (UnknownLocaleError, ValueError):
        return (
            first.isoformat() if first == last else f"{first.isoformat()} \u2013 {last.isoformat()}"
        )


def _shift_label(shift: Shift, tz: dt.tzinfo, locale: str) -> str:
    if shift.z_number is not None:
        return f"Shift Z {shift.z_number}"
    opened = shift.opened_at.astimezone(tz)
    return f"Shift open since {_at(opened, locale)}"


def _hours_label(start: dt.datetime, end: dt.datetime, tz: dt.tzinfo, locale: str) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    try:
        day = format_date(a.date(), format="full", locale=locale)
        since, until = (
            format_time(a, "short", locale=locale),
            format_time(b, "short", locale=locale),
        )
        return f"{day}, {since}\u2013{until}"
    except (UnknownLocaleError, ValueError):
        return f"{a:%Y-%m-%d %H:%M}\u2013{b:%H:%M}"


def _at(moment: dt.datetime, locale: str) -> str:
    try:
        date = format_skeleton("yMd", moment, locale=locale)
        return f"{date} {format_time(moment, 'short', locale=locale)}"
    except (UnknownLocaleError, ValueError):
        return f"{moment:%Y-%m-%d %H:%M}"


# -- the audit list ------------------------------------------------------------------------

# What a manager reviews; approvals of voids and ".used" copies are left out (the void's own
# entry and the approval when given already say it), as are sign-ins and customers added.
_REVIEWED_PREFIXES = ("stock.",)
_REVIEWED = {
    VOID_ACTION,
    "price_override",
    "discount",
    "refund",
    "no_receipt_return",
    # The events themselves (shifts.cash): their approvals ("drawer.no_sale",
    # "cash.paid_in", "cash.paid_out") name the same people and are not listed again.
    "no_sale",
    "paid_in",
    "paid_out",
    "shift.opened",
    "shift.closed",
    "stock.move",
}


def _reviewed(action: str) -> bool:
    if action.endswith(".used") or action == "void":
        return False
    if action.endswith(".refused"):
        return True
    return action in _REVIEWED or action.startswith(_REVIEWED_PREFIXES)


def _dec_or_none(value: Any) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _audit(
    session: Session,
    config: TerminalConfig,
    start: dt.datetime,
    end: dt.datetime,
    shift_id: uuid.UUID | None,
    tz: dt.tzinfo,
) -> tuple[AuditLine, ...]:
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.occurred_at >= start, AuditEntry.occurred_at < end)
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    ).all()
    if shift_id is not None:  # a shift's: entries of it, and those of no shift in its hours
        rows = [r for r in rows if r.shift_id in (None, shift_id)]
    rows = [r for r in rows if _reviewed(r.action)]
    ids = {i for r in rows for i in (r.actor_id, r.approver_id) if i is not None}
    names = staff_names(session, ids)
    out = []
    for r in rows:
        d = r.details if isinstance(r.details, dict) else {}
        what, amount = _words(r.action, d, r.sale_id is not None, config)
        if what is None:
            continue
        out.append(
            AuditLine(
                at=r.occurred_at.astimezone(tz),
                action=r.action,
                what=what,
                by=names.get(r.actor_id, str(d.get("cashier", ""))) if r.actor_id else "",
                approved_by=(
                    names.get(r.approver_id, str(d.get("approved_by", "")))
                    if r.approver_id
                    else None
                ),
                amount=amount,
            )
        )
    return tuple(out)


def _words(
    action: str, d: dict[str, Any], of_sale: bool, config: TerminalConfig
) -> tuple[str | None, Decimal | None]:
    """An entry in a manager's words and the amount it was about (None: not one to list)."""

    def money(v: Any) -> str:
        x = _dec_or_none(v)
        return "" if x is None else format_money(x, config.currency, config.locale)

    reason = str(d.get("reason", "")).strip()
    if action == VOID_ACTION:
        amount = _dec_or_none(d.get("amount"))
        qty = _dec_or_none(d.get("quantity"))
        q = f"{qty.normalize():f} x " if qty is not None else ""
        return f"Voided {q}{d.get('name', d.get('sku', 'a line'))} ({money(amount)})", amount
    if action == "price_override":
        return (
            f"Price override on {d.get('sku', 'an item')}: {money(d.get('from'))} → "
            f"{money(d.get('to'))}",
            _dec_or_none(d.get("to")),
        )
    if action == "discount":
        amount = _dec_or_none(d.get("amount"))
        return (f"Discount over the limit: {reason or money(amount)}", amount)
    if action in ("refund", "no_receipt_return"):
        if not of_sale:  # the approval as given; the refund's own entry follows it
            return None, None
        total = _dec_or_none(d.get("total"))
        if action == "no_receipt_return":
            return f"Return without a receipt ({money(total)})", total
        of = d.get("refund_of") or d.get("receipt") or ""
        return f"Refund on receipt {of} ({money(total)})".replace("  ", " "), total
    if action == "no_sale":
        return f"Drawer opened, no sale{': ' + reason if reason else ''}", None
    if action in ("paid_in", "paid_out"):
        amount = _dec_or_none(d.get("amount"))
        verb = "Paid in" if action == "paid_in" else "Paid out"
        shown = money(abs(amount)) if amount is not None else ""
        return f"{verb} {shown}{': ' + reason if reason else ''}".strip(), amount
    if action == "shift.opened":
        return f"Shift opened, float {money(d.get('opening_float'))}", _dec_or_none(
            d.get("opening_float")
        )
    if action == "shift.closed":
        over = _dec_or_none(d.get("over_short"))
        return f"Shift closed, counted {money(d.get('counted_cash'))}" + (
            f", over/short {money(over)}" if over else ""
        ), over
    if action.endswith(".refused"):
        what = action.removesuffix(".refused").replace("_", " ")
        return f"Manager's PIN refused for a {what}", None
    if action.startswith("stock."):
        kind = action.removeprefix("stock.")
        items = d.get("items") or []
        n = len(items) if isinstance(items, list) else 0
        note = str(d.get("note", "")).strip()
        return f"Stock {kind}: {n} item{'s' if n != 1 else ''}{' — ' + note if note else ''}", None
    return action, None


# -- low stock -----------------------------------------------------------------------------


# The items that have a reorder point: finding them reads the whole catalog (a million
# rows, ~200 ms), and they change only when a catalog pull brings new reorder points, so
# the list is kept a short while per database; their levels are read fresh every time.
_REORDER_ITEMS: dict[tuple[str, uuid.UUID], tuple[float, dict[uuid.UUID, Any]]] = {}
REORDER_ITEMS_SECONDS = 120.0


def _reorder_items(session: Session, org: uuid.UUID) -> dict[uuid.UUID, Any]:
    bind = session.get_bind()
    key = (str(getattr(bind, "url", id(bind))), org)
    now = time.monotonic()
    hit = _REORDER_ITEMS.get(key)
    if hit is not None and now - hit[0] < REORDER_ITEMS_SECONDS:
        return hit[1]
    items = {
        i: (sku, name, point)
        for i, sku, name, point in session.execute(
            select(Item.id, Item.sku, Item.name, Item.reorder_point).where(
                Item.org_id == org, Item.reorder_point.is_not(None), Item.tracked.is_(True)
            )
        )
    }
    _REORDER_ITEMS[key] = (now, items)
    return items


def low_stock(
    session: Session, config: TerminalConfig, *, limit: int = 200
) -> tuple[LowStock, ...]:
    """Tracked items at or below their reorder point, by the till's own level (HQ's pulled
    level, the movements still in the outbox, the acknowledged ones: ``stock.service``'s
    rule), worked out for every such item at once: the items that have a reorder point
    (kept a short while, ``_reorder_items``), their HQ levels by key, one pass over the
    outbox and one over the acknowledged movements."""
    org, here = config.org_id, config.location_id
    items = _reorder_items(session, org)
    if not items:
        return ()
    level = dict.fromkeys(items, ZERO)
    ids = list(items)
    for i in range(0, len(ids), 500):  # HQ's levels of those items only, by primary key
        for item_id, qty in session.execute(
            select(StockLevel.item_id, StockLevel.quantity).where(
                StockLevel.org_id == org,
                StockLevel.location_id == here,
                StockLevel.item_id.in_(ids[i : i + 500]),
            )
        ):
            level[item_id] = qty
    rows = [(i, sku, name, point, None) for i, (sku, name, point) in items.items()]
    for item, qty in session.execute(
        _PENDING_BY_ITEM, {"kinds": _MOVING_KINDS_JSON, "here": str(here)}
    ):
        try:
            key = uuid.UUID(str(item))
        except ValueError:
            continue
        if key in level and qty is not None:
            level[key] += Decimal(str(qty))
    for item, qty in session.execute(
        select(AckedMovement.item_id, func.sum(AckedMovement.quantity))
        .where(AckedMovement.location_id == here)
        .group_by(AckedMovement.item_id)
    ):
        if item in level:
            level[item] += _dec_qty(qty)
    low = [
        LowStock(i, sku, name, level[i], point)
        for i, sku, name, point, _ in rows
        if point is not None and level[i] <= point
    ]
    low.sort(key=lambda s: (s.on_hand - s.reorder_point, s.sku))
    return tuple(low[:limit])


def _dec_qty(value: Any) -> Decimal:
    """Σ of a scaled quantity column: SQLite's SUM comes back as the raw scaled integer."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(int(value)).scaleb(-3)
