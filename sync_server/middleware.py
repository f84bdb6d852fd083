"""ASGI middleware: refuse oversized bodies before anything parses them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.errors import PayloadTooLarge, error_response


class BodySizeLimit:
    """413 for a declared ``Content-Length`` over the limit, or a chunked body that grows past it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                response = error_response(
                    413,
                    "payload_too_large",
                    f"Request body exceeds {self.max_bytes} bytes",
                    {"max_bytes": self.max_bytes},
                )
                await response(scope, receive, send)
                return

        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise PayloadTooLarge(
                        f"Request body exceeds {self.max_bytes} bytes",
                        details={"max_bytes": self.max_bytes},
                    )
            return message

        await self.app(scope, counting_receive, send)
