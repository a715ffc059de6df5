"""Refusing request bodies that are not JSON with HTTP 415, as JSON like every error.

Without it a form or text body reaches validation and comes back as
"(body): Input should be a valid dictionary", which does not tell the
client that the Content-Type is the problem. A pure ASGI middleware, like
:class:`api.limits.BodySizeLimit`: it looks at one header.
"""

import json
from http import HTTPStatus

from starlette.types import ASGIApp, Receive, Scope, Send

EXPECTED = "application/json"
_WITH_BODY = {"POST", "PUT", "PATCH"}


def is_json(content_type: str) -> bool:
    """``application/json`` or a ``+json`` type, with any parameters (``; charset=utf-8``)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == EXPECTED or (media.startswith("application/") and media.endswith("+json"))


class JsonBodiesOnly:
    """Answer 415 to a request with a body whose Content-Type is not JSON (or missing)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _WITH_BODY:
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            if not is_json(content_type):
                got = f"got '{content_type}'" if content_type else "none given"
                body = json.dumps({"detail": f"Content-Type must be {EXPECTED} ({got}); send the body as JSON "
                                             f"with the header 'Content-Type: {EXPECTED}'"}).encode()
                await send({"type": "http.response.start", "status": HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
