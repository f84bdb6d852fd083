"""Finding a customer by name, phone or email in ``pos.customers`` (pulled from HQ), and
quick-adding one at the till: the customer row and a ``customer.upserted`` op in one
transaction, so the customer goes up before any sale that names it (a lower seq).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from arcoiris_desktop.audit import record_audit
from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database, fold
from arcoiris_desktop.outbox import enqueue
from arcoiris_desktop.staff import Staff
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.pos import Customer
from arcoiris_shared.ops import CustomerRow, CustomerUpsertedPayload

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,32}$")


class CustomerError(ValueError):
    """A customer the till refuses; nothing was written. The message is for the cashier."""


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    id: uuid.UUID
    name: str
    phone: str | None
    email: str | None

    @property
    def contact(self) -> str:
        return " · ".join(x for x in (self.phone, self.email) if x)


def _info(c: Customer) -> CustomerInfo:
    return CustomerInfo(c.id, c.name, c.phone, c.email)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find(session: Session, org_id: uuid.UUID, text: str, *, limit: int = 30) -> list[CustomerInfo]:
    """Active customers whose name, email or phone contains the text (case and accents
    ignored; a phone matches on its digits, however it was written)."""
    text = " ".join(text.split())
    if len(text) < 2:
        return []
    pattern = _like(fold(text) or "")
    conditions = [
        func.fold(Customer.name).like(pattern, escape="\\"),
        func.fold(Customer.email).like(pattern, escape="\\"),
    ]
    digits = _digits(text)
    if len(digits) >= 3:
        phone_digits: Any = Customer.phone
        for ch in (" ", "-", "(", ")", ".", "+"):
            phone_digits = func.replace(phone_digits, ch, "")
        conditions.append(phone_digits.like(f"%{digits}%"))
    rows = session.scalars(
        select(Customer)
        .where(Customer.org_id == org_id, Customer.is_active.is_(True), or_(*conditions))
        .order_by(Customer.name)
        .limit(limit)
    )
    return [_info(c) for c in rows]


def get(session: Session, org_id: uuid.UUID, customer_id: uuid.UUID) -> CustomerInfo | None:
    c = session.get(Customer, (org_id, customer_id))
    return None if c is None else _info(c)


def _clean(name: str, phone: str | None, email: str | None) -> tuple[str, str | None, str | None]:
    name = " ".join((name or "").split())
    phone = " ".join((phone or "").split()) or None
    email = (email or "").strip().lower() or None
    if not name:
        raise CustomerError("The customer needs a name")
    if len(name) > 200:
        raise CustomerError("That name is too long (200 characters at most)")
    if phone is not None and (not _PHONE.match(phone) or len(_digits(phone)) < 6):
        raise CustomerError(f"“{phone}” is not a phone number")
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        raise CustomerError(f"“{email}” is not an email address")
    return name, phone, email


def payload(c: Customer) -> dict[str, Any]:
    """The ``customer.upserted`` op, built with its model (``arcoiris_shared.ops``)."""
    return CustomerUpsertedPayload(customer=CustomerRow.of(c)).wire()


def quick_add(
    db: Database,
    *,
    config: TerminalConfig,
    actor: Staff,
    name: str,
    phone: str | None = None,
    email: str | None = None,
) -> CustomerInfo:
    """A new customer from the sale screen; refused if the phone or email is someone's."""
    name, phone, email = _clean(name, phone, email)
    now = utcnow()
    with db.write() as session:
        if phone is not None or email is not None:
            for found in find(session, config.org_id, phone or email or "", limit=50):
                same_phone = phone and found.phone and _digits(found.phone) == _digits(phone)
                same_email = email and found.email and found.email.lower() == email
                if same_phone or same_email:
                    raise CustomerError(
                        f"{found.name} already has that {'phone' if same_phone else 'email'}"
                    )
            if email and phone:
                for found in find(session, config.org_id, email, limit=50):
                    if found.email and found.email.lower() == email:
                        raise CustomerError(f"{found.name} already has that email")
        customer = Customer(
            org_id=config.org_id,
            id=uuid.uuid4(),
            name=name,
            email=email,
            phone=phone,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(customer)
        record_audit(
            session,
            action="customer.added",
            actor_id=actor.user_id,
            details={"customer_id": str(customer.id), "name": name},
        )
        enqueue(session, kind="customer.upserted", payload=payload(customer), occurred_at=now)
        return _info(customer)
