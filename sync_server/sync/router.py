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

from arcoiris_shared.sync_protocol import (
    ENTITIES,
    MAX_OPS_PER_PUSH,
    MAX_PULL_PAGE,
    EnrollRequest,
    EnrollResponse,
    MetaResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    SnapshotPage,
    StockPage,
)
from arcoiris_shared.takings_wire import StoreTakingsWire
from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.errors import AppError, Unauthorized
from sync_server.schemas import Page, PageParams, make_page, page_params
from sync_server.sync import devices, service, takings
from sync_server.sync import pull as pull_service
from sync_server.sync.devices import DeviceDep, ProtocolDep, get_pushing_device
from sync_server.sync.group_commit import GroupCommit
from sync_server.sync.schemas import DeadLetterRead, TerminalHealth


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
    return service.meta(db_session=session, device=device)


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


@router.get("/takings")
def store_takings(
    device: DeviceDep,
    session: SessionDep,
    first: dt.date,
    last: dt.date | None = None,
) -> StoreTakingsWire:
    """The asking terminal's whole store (all its tills) for local days ``first`` to
    ``last`` (the org's time zone), the same days whole weeks earlier, and ``as_of``: the
    newest push HQ received from any till of the store (see ``sync.takings``)."""
    return takings.store_takings(
        db_session=session, device=device, first=first, last=first if last is None else last
    )


@router.get("/dead-letters")
def dead_letters(
    ctx: TerminalsReader, session: SessionDep, paging: Paging, terminal_id: uuid.UUID | None = None
) -> Page[DeadLetterRead]:
    rows = service.dead_letters(
        db_session=session,
        org_id=ctx.org_id,
        terminal_id=terminal_id,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.get("/health")
def health(ctx: TerminalsReader, session: SessionDep) -> list[TerminalHealth]:
    """Per terminal: enrolled or not, last seen, how far its ops got, how many HQ refused."""
    return service.health(db_session=session, org_id=ctx.org_id)
