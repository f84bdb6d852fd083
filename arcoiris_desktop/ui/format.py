"""How numbers look on screen: money by babel for the till's locale, quantities trimmed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from arcoiris_shared.money import format_money


class Formatter:
    def __init__(self, currency: str, locale: str, timezone: str = "UTC") -> None:
        self.currency = currency
        self.locale = locale
        self._cache: dict[Decimal, str] = {}
        try:
            self.zone: dt.tzinfo = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.zone = dt.UTC

    def when(self, moment: dt.datetime) -> str:
        """A timestamp in the store's own time zone, as the receipt prints it."""
        return moment.astimezone(self.zone).strftime("%d/%m/%Y %H:%M")

    def time(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.zone).strftime("%H:%M")

    def is_earlier_day(self, moment: dt.datetime, now: dt.datetime | None = None) -> bool:
        """Whether ``moment`` fell on an earlier calendar day than ``now``, in the store."""
        now = now or dt.datetime.now(dt.UTC)
        return moment.astimezone(self.zone).date() < now.astimezone(self.zone).date()

    def money(self, amount: Decimal) -> str:
        # babel takes ~50 µs an amount; a cart repaints the same few amounts on every scan.
        text = self._cache.get(amount)
        if text is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            text = self._cache[amount] = format_money(amount, self.currency, self.locale)
        return text

    @staticmethod
    def qty(quantity: Decimal, unit: str = "each") -> str:
        if unit == "each":
            return f"{quantity.normalize():f}"
        return f"{quantity.quantize(Decimal('0.001')):f} {unit}"
