"""``/api/org``: orgs, members and roles, settings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from sync_server.auth.permissions import Permission
from sync_server.deps import CurrentUser, OrgContext, SessionDep, require
from sync_server.org import service
from sync_server.org.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    MyOrgRead,
    OrgCreate,
    OrgRead,
    OrgSettings,
    OrgSettingsUpdate,
    OrgUpdate,
    RoleRead,
)
from sync_server.schemas import Page, PageParams, make_page, page_params

router = APIRouter(prefix="/api/org", tags=["org"])

OrgReader = Annotated[OrgContext, Depends(require(Permission.ORG_READ))]
OrgWriter = Annotated[OrgContext, Depends(require(Permission.ORG_WRITE))]
UsersReader = Annotated[OrgContext, Depends(require(Permission.USERS_READ))]
UsersWriter = Annotated[OrgContext, Depends(require(Permission.USERS_WRITE))]
SettingsWriter = Annotated[OrgContext, Depends(require(Permission.SETTINGS_WRITE))]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/orgs")
def my_orgs(user: CurrentUser, session: SessionDep) -> list[MyOrgRead]:
    return service.my_orgs(db_session=session, user=user)


@router.post("/orgs", status_code=status.HTTP_201_CREATED)
def create_org(body: OrgCreate, user: CurrentUser, session: SessionDep) -> MyOrgRead:
    return service.create_org(db_session=session, owner=user, data=body)


@router.get("/current")
def current_org(ctx: OrgReader) -> OrgRead:
    return OrgRead.model_validate(ctx.org)


@router.patch("/current")
def update_current_org(body: OrgUpdate, ctx: OrgWriter, session: SessionDep) -> OrgRead:
    return service.update_org(db_session=session, ctx=ctx, data=body)


@router.get("/roles")
def list_roles(_: OrgReader) -> list[RoleRead]:
    return service.roles()


@router.get("/users")
def list_users(ctx: UsersReader, session: SessionDep, paging: Paging) -> Page[MemberRead]:
    rows = service.list_members(
        db_session=session, org_id=ctx.org_id, limit=paging.limit + 1, offset=paging.offset
    )
    return make_page(rows, paging)


@router.post("/users", status_code=status.HTTP_201_CREATED)
def add_user(body: MemberCreate, ctx: UsersWriter, session: SessionDep) -> MemberRead:
    return service.add_member(db_session=session, ctx=ctx, data=body)


@router.patch("/users/{user_id}")
def update_user(
    user_id: uuid.UUID, body: MemberUpdate, ctx: UsersWriter, session: SessionDep
) -> MemberRead:
    return service.update_member(db_session=session, ctx=ctx, user_id=user_id, data=body)


@router.get("/settings")
def get_settings(ctx: OrgReader, session: SessionDep) -> OrgSettings:
    return service.get_settings(db_session=session, org_id=ctx.org_id)


@router.patch("/settings")
def update_settings(
    body: OrgSettingsUpdate, ctx: SettingsWriter, session: SessionDep
) -> OrgSettings:
    return service.update_settings(db_session=session, org_id=ctx.org_id, data=body)
