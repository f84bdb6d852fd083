"""The terminal's configuration as one typed object, read from the local ``settings`` table.

Who this till is (org, store, terminal code), how it prices (currency, locale, tax mode,
rounding), its policies (discount limit, idle lock, returns) and its printer. HQ's org
settings arrive by sync into the same table under the same keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import Setting
from arcoiris_shared.barcodes import DEFAULT_VARIABLE_MEASURE_RULES, VariableMeasureRule
from arcoiris_shared.cash import (
    BLIND_CLOSE_SETTING,
    DEFAULT_OVER_SHORT_THRESHOLD,
    OVER_SHORT_THRESHOLD_SETTING,
)
from arcoiris_shared.money import RoundingMode, RoundingPolicy
from arcoiris_shared.tax import TaxRounding


class NotConfigured(Exception):
    """The till has no identity yet: it needs the demo or an enrolment."""


@dataclass(frozen=True, slots=True)
class TerminalConfig:
    org_id: uuid.UUID
    terminal_id: uuid.UUID
    terminal_code: str
    terminal_name: str
    location_id: uuid.UUID
    store_name: str
    store_address: str | None = None
    currency: str = "EUR"
    locale: str = "en_IE"
    timezone: str = "UTC"
    prices_include_tax: bool = True
    tax_rounding: TaxRounding = TaxRounding.PER_LINE
    rounding_mode: RoundingMode = RoundingMode.HALF_UP
    cash_rounding_increment: Decimal | None = None
    discount_limit_percent: Decimal = Decimal("10")
    void_approval_lines: int = 10  # a void in a cart of more lines needs a manager
    void_approval_amount: Decimal = Decimal("50.00")  # ... as does voiding a line over this
    # Cash received is refused above the amount due plus this many of the currency's
    # largest notes (a typo or a barcode scanned into the box).
    cash_over_notes: Decimal = Decimal(2)
    idle_lock_seconds: int = 300
    receipt_header: str = ""
    receipt_footer: str = "Thank you for shopping with us"
    no_receipt_returns: str = "manager"
    printer: dict[str, str] = field(default_factory=dict)
    variable_measure_rules: tuple[VariableMeasureRule, ...] = DEFAULT_VARIABLE_MEASURE_RULES
    # Over/short beyond this (either way) needs the manager's reason at the close; a blind
    # close asks for the count without showing what the drawer should hold.
    over_short_threshold: Decimal = DEFAULT_OVER_SHORT_THRESHOLD
    blind_close: bool = False

    @property
    def rounding(self) -> RoundingPolicy:
        return RoundingPolicy(mode=self.rounding_mode, cash_increment=self.cash_rounding_increment)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def load_config(session: Session) -> TerminalConfig:
    raw = {s.key: s.value for s in session.scalars(select(Setting))}
    missing = [k for k in ("org_id", "terminal_id", "terminal_code", "location_id") if k not in raw]
    if missing:
        raise NotConfigured(f"this till has no {missing[0]} yet")
    rules = raw.get("variable_measure_rules")
    return TerminalConfig(
        org_id=uuid.UUID(raw["org_id"]),
        terminal_id=uuid.UUID(raw["terminal_id"]),
        terminal_code=str(raw["terminal_code"]),
        terminal_name=str(raw.get("terminal_name", raw["terminal_code"])),
        location_id=uuid.UUID(raw["location_id"]),
        store_name=str(raw.get("store_name", "")),
        store_address=raw.get("store_address"),
        currency=raw.get("currency", "EUR"),
        locale=raw.get("locale", "en_IE"),
        timezone=raw.get("timezone", "UTC"),
        prices_include_tax=bool(raw.get("prices_include_tax", True)),
        tax_rounding=TaxRounding(raw.get("tax_rounding", "per_line")),
        rounding_mode=RoundingMode(raw.get("rounding_mode", "half_up")),
        cash_rounding_increment=_decimal(raw.get("cash_rounding_increment")),
        discount_limit_percent=_decimal(raw.get("discount_limit_percent")) or Decimal("10"),
        void_approval_lines=int(raw.get("void_approval_lines", 10)),
        void_approval_amount=_decimal(raw.get("void_approval_amount")) or Decimal("50.00"),
        cash_over_notes=_decimal(raw.get("cash_over_notes")) or Decimal(2),
        idle_lock_seconds=int(raw.get("idle_lock_seconds", 300)),
        receipt_header=str(raw.get("receipt_header", "")),
        receipt_footer=str(raw.get("receipt_footer", "Thank you for shopping with us")),
        no_receipt_returns=str(raw.get("no_receipt_returns", "manager")),
        printer={str(k): str(v) for k, v in (raw.get("printer") or {}).items()},
        variable_measure_rules=(
            tuple(VariableMeasureRule.from_dict(r) for r in rules)
            if rules
            else DEFAULT_VARIABLE_MEASURE_RULES
        ),
        over_short_threshold=_threshold(raw.get(OVER_SHORT_THRESHOLD_SETTING)),
        blind_close=raw.get(BLIND_CLOSE_SETTING) in (True, "true", "1", 1),
    )


def _threshold(value: Any) -> Decimal:
    """The org's over/short threshold; the default when unset or not a sane amount (a bad
    setting must not stop a close)."""
    try:
        amount = _decimal(value)
    except ArithmeticError:
        return DEFAULT_OVER_SHORT_THRESHOLD
    if amount is None or not amount.is_finite() or amount < 0:
        return DEFAULT_OVER_SHORT_THRESHOLD
    return amount


def put_settings(session: Session, values: dict[str, Any]) -> None:
    """Stage settings (JSON-able values) in the caller's transaction."""
    for key, value in values.items():
        current = session.get(Setting, key)
        if current is None:
            session.add(Setting(key=key, value=value))
        else:
            current.value = value
