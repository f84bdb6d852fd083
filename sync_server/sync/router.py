"""``/api/sync``: what terminals call (device credential), and HQ's view of them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select

from arcoiris_shared.db.pos import Terminal
from arcoiris_shared.sync_protocol import (
    ENTITIES,
    MAX_OPS_PER_PUSH,
    MAX_PULL_PAGE,
    SUPPORTED_VERSIONS,
    EnrollRequest,
    EnrollResponse,
    MetaResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotPage,
    StockPage,
)
from sync_server.auth.permissions import Permission
from sync_server.changelog import service as changelog
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.errors import AppError, Unauthorized
from sync_server.schemas import Page, PageParams, make_page, page_params
from sync_server.sync import devices
from sync_server.sync import pull as pull_service
from sync_server.sync.devices import DeviceDep, ProtocolDep, get_pushing_device
from sync_server.sync.group_commit import GroupCommit
from sync_server.sync.models import DeadLetter, SyncOp, TerminalDevice


class _OrjsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class _OrjsonRoute(APIRoute):
    """Request bodies parsed by orjson: a week's backlog arrives as 1.5 MB pushes, and the
    standard library's parser was a third of the server's share of moving one. A body that
    is not JSON still gets FastAPI's 422 (orjson's error is a ValueError, as json's is)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(_OrjsonRequest(request.scope, request.receive))

        return route_handler


router = APIRouter(prefix="/api/sync", tags=["sync"], route_class=_OrjsonRoute)

TerminalsWriter = Annotated[OrgContext, Depends(require(Permission.TERMINALS_WRITE))]
TerminalsReader = Annotated[OrgContext, Depends(require(Permission.TERMINALS_READ))]
Paging = Annotated[PageParams, Depends(page_params)]


class BatchTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


@router.post("/enroll")
def enroll(
    body: EnrollRequest,
    ctx: TerminalsWriter,
    session: SessionDep,
    _: ProtocolDep,
    request: Request,
) -> EnrollResponse:
    return devices.enroll(
        db_session=session, ctx=ctx, data=body, known=request.app.state.known_devices
    )


@router.get("/meta")
def meta(device: DeviceDep, session: SessionDep) -> MetaResponse:
    last_seq = session.scalar(
        select(TerminalDevice.last_seq).where(
            TerminalDevice.org_id == device.org_id,
            TerminalDevice.terminal_id == device.terminal_id,
        )
    )
    return MetaResponse(
        server_time=dt.datetime.now(dt.UTC),
        protocol_versions=list(SUPPORTED_VERSIONS),
        terminal_id=device.terminal_id,
        terminal_code=device.terminal.code,
        last_seq=int(last_seq or 0),
        catalog_version=changelog.current(session, org_id=device.org_id).version,
    )


def _inlined_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its definitions written in place, for a route that
    reads its own body (FastAPI documents only the bodies it parses)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return dict(inline(schema))


async def _push_body(request: Request) -> PushRequest:
    """The push's ops, parsed and checked here rather than by FastAPI: see ``push``. Bad
    bodies get the same 422 as any other route's."""
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error"}]
        ) from exc
    try:
        return PushRequest.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


@router.post(
    "/push",
    response_model=PushResponse,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined_schema(PushRequest)}},
        }
    },
)
async def push(request: Request) -> Response:
    """Async on purpose: a push waits for its group's transaction (see group_commit) as a
    coroutine, holding no thread and no connection. The answer is serialised once, by
    pydantic, rather than validated again on the way out.

    The terminal, its protocol and the body are read here, not through FastAPI's
    dependencies and body parameter: for the two-sale pushes of a crowd of tills, resolving
    those cost more than HQ's own work on the push. The terminal is checked first."""
    device = await get_pushing_device(request)
    body = await _push_body(request)
    if len(body.ops) > MAX_OPS_PER_PUSH:
        raise BatchTooLarge(
            f"At most {MAX_OPS_PER_PUSH} ops per push; send half",
            details={"max_ops": MAX_OPS_PER_PUSH},
        )
    group_commit: GroupCommit = request.app.state.group_commit
    try:
        answer = await group_commit.push(device=device, request=body)
    except Unauthorized:
        request.app.state.known_devices.forget(device.terminal_id)
        raise
    return Response(content=answer.model_dump_json(), media_type="application/json")


@router.get("/pull")
def pull(
    device: DeviceDep,
    session: SessionDep,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 1000,
    schema: Annotated[
        int | None, Query(ge=1, description="the catalog schema the till's rows were loaded under")
    ] = None,
) -> PullResponse:
    devices.note_contact(db_session=session, device=device)
    return pull_service.pull(
        db_session=session, org_id=device.org_id, cursor=cursor, limit=limit, schema=schema
    )


@router.get("/snapshot", response_model=SnapshotPage)
def snapshot(
    device: DeviceDep,
    session: SessionDep,
    entity: Annotated[str, Query(pattern="^(" + "|".join(ENTITIES) + ")$")],
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 1000,
) -> Response:
    # Serialised once (an item page by PostgreSQL itself), skipping a validation pass over
    # thousands of rows (the response model above still documents the shape).
    body = pull_service.snapshot_json(
        db_session=session, org_id=device.org_id, entity=entity, after=after, limit=limit
    )
    return Response(body, media_type="application/json")


@router.get("/stock", response_model=StockPage)
def stock(
    device: DeviceDep,
    session: SessionDep,
    since: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 1000,
) -> Response:
    """HQ's stock levels at this terminal's store, changed since the cursor (serialised once,
    not validated again on the way out: thousands of levels a page)."""
    page = pull_service.stock(
        db_session=session,
        org_id=device.org_id,
        location_id=device.terminal.location_id,
        since=since,
        limit=limit,
        terminal_id=device.terminal_id,
    )
    return Response(page.model_dump_json(), media_type="application/json")


class DeadLetterRead(BaseModel):
    id: uuid.UUID
    terminal_id: uuid.UUID
    seq: int
    op_id: uuid.UUID
    kind: str
    reason: str
    received_at: dt.datetime
    payload: dict[str, object]


@router.get("/dead-letters")
def dead_letters(
    ctx: TerminalsReader, session: SessionDep, paging: Paging, terminal_id: uuid.UUID | None = None
) -> Page[DeadLetterRead]:
    stmt = select(DeadLetter).where(DeadLetter.org_id == ctx.org_id)
    if terminal_id is not None:
        stmt = stmt.where(DeadLetter.terminal_id == terminal_id)
    rows = session.scalars(
        stmt.order_by(DeadLetter.received_at.desc(), DeadLetter.id)
        .limit(paging.limit + 1)
        .offset(paging.offset)
    ).all()
    return make_page(
        [
            DeadLetterRead(
                id=r.id,
                terminal_id=r.terminal_id,
                seq=r.seq,
                op_id=r.op_id,
                kind=r.kind,
                reason=r.reason,
                received_at=r.received_at,
                payload=r.payload,
            )
            for r in rows
        ],
        paging,
    )


class TerminalHealth(BaseModel):
    terminal_id: uuid.UUID
    code: str
    name: str
    status: str
    enrolled: bool
    last_seen_at: dt.datetime | None
    last_seq: int
    rejected_ops: int


@router.get("/health")
def health(ctx: TerminalsReader, session: SessionDep) -> list[TerminalHealth]:
    """Per terminal: enrolled or not, last seen, how far its ops got, how many HQ refused."""
    rejected = {
        terminal_id: count
        for terminal_id, count in session.execute(
            select(SyncOp.terminal_id, func.count())
            .where(SyncOp.org_id == ctx.org_id, SyncOp.status == "rejected")
            .group_by(SyncOp.terminal_id)
        )
    }
    rows = session.execute(
        select(Terminal, TerminalDevice)
        .outerjoin(
            TerminalDevice,
            (TerminalDevice.org_id == Terminal.org_id)
            & (TerminalDevice.terminal_id == Terminal.id),
        )
        .where(Terminal.org_id == ctx.org_id)
        .order_by(Terminal.code)
    ).all()
    return [
        TerminalHealth(
            terminal_id=t.id,
            code=t.code,
            name=t.name,
            status=t.status,
            enrolled=d is not None and d.revoked_at is None,
            last_seen_at=d.last_seen_at if d else None,
            last_seq=d.last_seq if d else 0,
            rejected_ops=int(rejected.get(t.id, 0)),
        )
        for t, d in rows
    ]
