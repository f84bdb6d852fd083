"""A manager's approval: which action, who approved it, and what they approved."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Approval:
    action: str  # "price_override", "discount", "refund", "no_receipt_return"
    approver_id: uuid.UUID
    approver_name: str
    details: dict[str, str] = field(default_factory=dict)
