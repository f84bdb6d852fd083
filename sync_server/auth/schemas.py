"""Login request and token response."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import StringConstraints

from sync_server.schemas import InModel, OutModel


class LoginRequest(InModel):
    email: Annotated[str, StringConstraints(min_length=3, max_length=254)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class MembershipRead(OutModel):
    org_id: uuid.UUID
    org_name: str
    role: str


class UserRead(OutModel):
    id: uuid.UUID
    email: str
    full_name: str
    is_active: bool


class TokenResponse(OutModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int
    user: UserRead
    memberships: list[MembershipRead]


class MeResponse(OutModel):
    user: UserRead
    memberships: list[MembershipRead]
