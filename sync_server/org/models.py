"""``core`` schema: who the tenants are and who may act in them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from arcoiris_shared.db.base import Base, new_id, one_of, utcnow
from arcoiris_shared.db.types import JsonDoc
from arcoiris_shared.enums import ROLES

CORE = "core"


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("slug"), {"schema": CORE})

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(16), server_default=text("'en_US'"))
    timezone: Mapped[str] = mapped_column(String(64), server_default=text("'UTC'"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person. Users are global; what they may do is per org, in ``user_org_roles``."""

    __tablename__ = "users"
    __table_args__ = (
        # Emails are compared case-insensitively.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        {"schema": CORE},
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254))
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UserOrgRole(Base):
    """A membership: a user's role in one org, and the PIN they unlock a till with there."""

    __tablename__ = "user_org_roles"
    __table_args__ = (
        one_of("role", ROLES),
        Index("ix_user_org_roles_user_id", "user_id"),
        {"schema": CORE},
    )

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{CORE}.organizations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{CORE}.users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class OrgSetting(Base):
    """One typed setting of an org (validated by ``org.schemas.OrgSettings``)."""

    __tablename__ = "org_settings"
    __table_args__ = ({"schema": CORE},)

    org_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{CORE}.organizations.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonDoc())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
