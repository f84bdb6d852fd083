"""``/api/auth``: sign in, and who am I."""

from __future__ import annotations

from fastapi import APIRouter

from sync_server.auth import service
from sync_server.auth.schemas import LoginRequest, MeResponse, TokenResponse
from sync_server.deps import CurrentUser, SessionDep, SettingsDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login")
def login(body: LoginRequest, session: SessionDep, settings: SettingsDep) -> TokenResponse:
    return service.login(
        db_session=session, settings=settings, email=body.email, password=body.password
    )


@router.get("/me")
def me(session: SessionDep, user: CurrentUser) -> MeResponse:
    return service.me(db_session=session, user=user)
