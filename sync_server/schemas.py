"""Pydantic types shared by every domain's schemas: exact amounts, pages, identifiers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

# 15 digits, 4 after the point: 99,999,999,999.9999 is the most any field accepts; more is
# a typo or an attack, and gets a 422 naming the field.
MoneyIn = Annotated[Decimal, Field(max_digits=15, decimal_places=4, ge=0, allow_inf_nan=False)]
SignedMoneyIn = Annotated[Decimal, Field(max_digits=15, decimal_places=4, allow_inf_nan=False)]
QuantityIn = Annotated[Decimal, Field(max_digits=11, decimal_places=3, allow_inf_nan=False)]
RateIn = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LongName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^\S+$")
]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class InModel(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    limit: int
    offset: int
    next_offset: int | None = Field(description="Offset of the next page, or null on the last")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


def make_page(rows: list[T], params: PageParams) -> Page[T]:
    """``rows`` were fetched with ``limit + 1``: the extra row only says a next page exists."""
    more = len(rows) > params.limit
    return Page[T](
        items=rows[: params.limit],
        limit=params.limit,
        offset=params.offset,
        next_offset=params.offset + params.limit if more else None,
    )
