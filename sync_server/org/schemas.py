"""Org, member and settings schemas, named for their role."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import EmailStr, Field, StringConstraints, field_validator

from arcoiris_shared.enums import Role
from sync_server.schemas import CurrencyCode, InModel, Name, OutModel

Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Pin = Annotated[str, StringConstraints(pattern=r"^[0-9]{4,8}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:_[A-Z]{2})?$")]
Timezone = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class OrgCreate(InModel):
    name: Name
    slug: Slug | None = None
    currency: CurrencyCode = "EUR"
    locale: Locale = "en_US"
    timezone: Timezone = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return _check_timezone(value)


class OrgUpdate(InModel):
    name: Name | None = None
    locale: Locale | None = None
    timezone: Timezone | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)


def _check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


def slugify(name: str) -> str:
    # "Ana's Shop" -> "anas-shop": apostrophes join, everything else separates.
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['\u2019]", "", name.lower())).strip("-")
    return slug[:60] or "org"


class OrgRead(OutModel):
    id: uuid.UUID
    name: str
    slug: str
    currency: str
    locale: str
    timezone: str


class MyOrgRead(OrgRead):
    role: str


class MemberCreate(InModel):
    email: EmailStr
    full_name: Name
    role: Role
    password: Password | None = Field(
        default=None, description="Required for a new user; ignored for an existing one"
    )
    pin: Pin | None = None


class MemberUpdate(InModel):
    role: Role | None = None
    is_active: bool | None = None
    pin: Pin | None = None
    full_name: Name | None = None


class MemberRead(OutModel):
    user_id: uuid.UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    has_pin: bool


class RoleRead(OutModel):
    role: str
    permissions: list[str]
    can_assign: list[str]


class OrgSettings(InModel):
    """Every per-org setting, with its default. Terminals receive these on sync."""

    prices_include_tax: bool = True
    tax_rounding: Literal["per_line", "per_receipt"] = "per_line"
    rounding_mode: Literal["half_up", "half_even"] = "half_up"
    cash_rounding_increment: Annotated[
        Decimal | None, Field(gt=0, le=100, max_digits=7, decimal_places=4)
    ] = None
    # Discounts above this share of a line or sale need a manager's PIN at the till.
    discount_limit_percent: Annotated[
        Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)
    ] = Decimal("10")
    idle_lock_seconds: Annotated[int, Field(ge=15, le=86_400)] = 300
    receipt_header: Annotated[str, StringConstraints(max_length=500)] = ""
    receipt_footer: Annotated[str, StringConstraints(max_length=500)] = (
        "Thank you for shopping with us"
    )
    no_receipt_returns: Literal["manager", "nobody"] = "manager"


class OrgSettingsUpdate(InModel):
    """A partial update: only the fields given change; an unknown key is a 422."""

    prices_include_tax: bool | None = None
    tax_rounding: Literal["per_line", "per_receipt"] | None = None
    rounding_mode: Literal["half_up", "half_even"] | None = None
    cash_rounding_increment: Annotated[
        Decimal | None, Field(gt=0, le=100, max_digits=7, decimal_places=4)
    ] = None
    discount_limit_percent: Annotated[
        Decimal | None, Field(ge=0, le=100, max_digits=7, decimal_places=4)
    ] = None
    idle_lock_seconds: Annotated[int | None, Field(ge=15, le=86_400)] = None
    receipt_header: Annotated[str | None, StringConstraints(max_length=500)] = None
    receipt_footer: Annotated[str | None, StringConstraints(max_length=500)] = None
    no_receipt_returns: Literal["manager", "nobody"] | None = None
