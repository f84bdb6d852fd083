"""Column types that behave the same on PostgreSQL and on the terminal's SQLite.

Money and quantities are ``Decimal`` end to end. PostgreSQL stores them as ``NUMERIC``;
SQLite has no exact decimal type (its NUMERIC affinity silently turns "0.1" into a float),
so there they are stored as INTEGERs scaled by ``10**scale``. Integers keep ``SUM`` and
comparisons exact in SQL. Consequence worth remembering: a CHECK constraint on such a column
may only compare with 0, because on SQLite the stored value is scaled.

Timestamps are always timezone-aware UTC in Python: ``timestamptz`` on PostgreSQL, an ISO
text in UTC on SQLite.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Numeric, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

# Precision budgets. 19 digits with 4 decimals holds any till's amounts with room to spare
# and still fits a signed 64-bit integer once scaled on SQLite.
MONEY_PRECISION, MONEY_SCALE = 19, 4
QTY_PRECISION, QTY_SCALE = 14, 3
RATE_PRECISION, RATE_SCALE = 9, 4


class ExactDecimal(TypeDecorator[Decimal]):
    """``NUMERIC(p, s)`` on PostgreSQL; an INTEGER scaled by ``10**s`` on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._unit = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float | bool):
            raise TypeError(f"exact decimal column given {type(value).__name__} {value!r}")
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError(f"exact decimal column given {value}")
        quantized = value.quantize(self._unit)
        if quantized != value:
            # Silently dropping digits would lose money; the caller rounds, explicitly.
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        if dialect.name == "sqlite":
            return int(quantized.scaleb(self.scale))
        return quantized

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(self._unit)

    def coerce_compared_value(self, op: Any, value: Any) -> TypeEngine[Any]:
        return self


def Money() -> ExactDecimal:
    return ExactDecimal(MONEY_PRECISION, MONEY_SCALE)


def Quantity() -> ExactDecimal:
    return ExactDecimal(QTY_PRECISION, QTY_SCALE)


def Rate() -> ExactDecimal:
    return ExactDecimal(RATE_PRECISION, RATE_SCALE)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware datetimes, got {value!r}")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            # Fixed width so text order is time order.
            return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        assert isinstance(value, dt.datetime)
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def JsonDoc() -> TypeEngine[Any]:
    """JSONB on PostgreSQL, JSON text elsewhere."""
    return JSON().with_variant(JSONB(), "postgresql")
