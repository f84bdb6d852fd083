"""The FastAPI application factory and the ``arcoiris-sync-server`` entry point."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from sync_server.accounting.router import router as accounting_router
from sync_server.auth.router import router as auth_router
from sync_server.config import Settings, get_settings
from sync_server.db import make_engine, make_session_factory
from sync_server.errors import install_error_handlers
from sync_server.inventory.router import router as inventory_router
from sync_server.middleware import BodySizeLimit, ConcurrencyLimit
from sync_server.org.router import router as org_router
from sync_server.pos.router import router as pos_router
from sync_server.reports.router import router as reports_router
from sync_server.sync.devices import KnownDevices
from sync_server.sync.group_commit import GroupCommit
from sync_server.sync.router import router as sync_router

logger = logging.getLogger(__name__)

API_VERSION = "0.1.0"


def tune_gc() -> None:
    """Fewer cyclic-GC passes for a server that makes many short-lived objects a request.

    A 500-op push allocates some 100,000 tuples, strings and models, almost none of them in
    cycles; at the default threshold (700) the collector ran every few sales and took ~25 %
    of ingest's Python time. What start-up made (modules, the app) is frozen out of every
    collection; young objects are collected every 50,000 allocations instead."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    """Build the app. Tests pass a session factory bound to their own transaction."""
    settings = settings or get_settings()
    # Tests pass a factory bound to their own connection: nothing may use it beside them.
    warm_devices = session_factory is None
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings))
    known_devices = KnownDevices()

    async def warm() -> None:
        try:
            count = await anyio.to_thread.run_sync(known_devices.warm, session_factory)
            logger.info("%d terminal credentials remembered", count)
        except Exception as exc:  # a cold cache is slower, not wrong
            logger.warning("terminal credentials not preloaded: %r", exc)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Sync routes run on the threadpool and each holds one pooled connection. With more
        # threads than connections, requests waiting for a connection can hold every thread
        # while the requests that would release one wait for a thread: under a crowd of
        # terminals the server stalls until the pool times out. Never more threads than
        # connections.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = settings.db_pool_size
        tune_gc()
        warming = asyncio.create_task(warm()) if warm_devices else None
        yield
        if warming is not None and not warming.done():
            warming.cancel()

    app = FastAPI(
        lifespan=lifespan,
        title="Arcoiris POS sync server",
        version=API_VERSION,
        description="HQ's API: catalog, staff, stock, sales, books. Every org-scoped request "
        "carries X-Org-ID.",
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.state.group_commit = GroupCommit(session_factory)
    app.state.known_devices = known_devices
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        ConcurrencyLimit, limit=settings.db_pool_size, exempt=frozenset({"/api/sync/push"})
    )

    @app.get("/health", tags=["health"])
    def health() -> JSONResponse:
        """Answers without auth; 503 when the database does not answer (load balancers)."""
        body: dict[str, Any] = {"status": "ok", "version": API_VERSION, "database": "ok"}
        with session_factory() as session:
            try:
                session.execute(text("SELECT 1"))
            except Exception as exc:  # a health check reports, it does not raise
                logger.warning("health check: database unreachable: %s", type(exc).__name__)
                body.update(status="degraded", database="unreachable")
                return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    # Routes are matched in the order they were added, and a push is the request HQ
    # answers most (200 tills at once): the sync routes go first, so matching a push does
    # not walk past every other route first (that walk was an eighth of a push's time).
    for router in (
        sync_router,
        auth_router,
        org_router,
        inventory_router,
        pos_router,
        accounting_router,
        reports_router,
    ):
        app.include_router(router)
    return app


def run() -> None:
    """``arcoiris-sync-server``: serve on $HOST:$PORT (default 127.0.0.1:8000)."""
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="Run the Arcoiris POS sync server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    settings = get_settings()
    logging.basicConfig(level=settings.log_level)
    uvicorn.run(
        "sync_server.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )
