"""Refusing oversize request bodies with HTTP 413, as JSON like every error.

A pure ASGI middleware (``BaseHTTPMiddleware`` would cost every request a
task switch). A declared ``Content-Length`` over the limit is refused before
anything is read; a body sent without one (chunked) is counted as it streams
and refused once past the limit. (FastAPI's own ``max_body_size`` answers
the first case in plain text, which clients of a JSON API cannot parse.)
"""

import json
from http import HTTPStatus

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """Answer 413 to requests whose body is larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"request body is larger than {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            body = json.dumps({"detail": self.detail}).encode()
            await send({"type": "http.response.start", "status": HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI lets an HTTPException raised while reading the
                    # body through to its JSON error handler.
                    raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, detail=self.detail)
            return message

        await self.app(scope, counting_receive, send)
