"""ASGI middleware: refuse oversized bodies before anything parses them."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.errors import error_response


class BodySizeLimit:
    """413 for a declared ``Content-Length`` over the limit, or a streamed body that outgrows it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length: int | None = int(declared)
            except ValueError:
                length = None
            if length is not None and length > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if length is not None and b"transfer-encoding" not in headers:
                # The HTTP server reads exactly the declared length as the body: nothing
                # longer can arrive, so the request needs no counting (a push's hot path).
                # (Chunked wins over a declared length: such a request is still counted.)
                await self.app(scope, receive, send)
                return

        seen = 0
        refused = False
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has gone out; whatever the app says next is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def counting_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes and not started:
                    # Answer now and tell the app the client left: it stops reading.
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(
            413,
            "payload_too_large",
            f"Request body exceeds {self.max_bytes} bytes",
            {"max_bytes": self.max_bytes},
        )
        await response(scope, receive, send)


class ConcurrencyLimit:
    """At most ``limit`` requests inside the app at once; the rest wait in the event loop.

    A request takes a pooled connection in one threadpool hop (its dependencies: who is
    calling) and needs another hop to run the route. Unbounded, a crowd of terminals can
    leave every connection held by requests waiting for a thread while every thread waits
    for a connection: the server stalls until the pool times out. Waiting here holds
    neither.
    """

    def __init__(self, app: ASGIApp, limit: int, exempt: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.limit = limit
        # Paths whose requests wait holding neither (the push: see sync.group_commit).
        self.exempt = exempt | {"/health"}
        self._semaphore: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.limit)
        async with self._semaphore:
            await self.app(scope, receive, send)
