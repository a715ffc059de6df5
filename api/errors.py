"""Errors as JSON: which field, what is wrong, what is allowed.

Validation errors are HTTP 422 ``{"detail": [{"field", "problem",
"allowed"}]}``, the same records the CLI and batch scoring give; a body
that is not JSON at all is 400 with the reason and character position (a
body sent as another Content-Type is 415, :mod:`api.media`); the
library's own exceptions become 422 / 503 with their message. Nothing
a client sends should produce a 500.
"""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from recommender.inputs.errors import error_records
from recommender.model.registry import RegistryError

from .deps import RETRY_AFTER_SECONDS

#: Where FastAPI says a value was read from; not part of the field's name.
_SOURCES = {"body", "query", "path", "header", "cookie"}


def _located(errors) -> list[dict]:
    """FastAPI's errors with the source prefix dropped from each location."""
    located = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if loc and loc[0] in _SOURCES:
            loc = loc[1:]
        located.append({**error, "loc": loc})
    return located


def _unprocessable(records: list[dict]) -> JSONResponse:
    return JSONResponse({"detail": records}, status_code=HTTPStatus.UNPROCESSABLE_ENTITY)


def _unparsable(errors) -> str | None:
    """Why the body is not JSON at all (with the character position), or None."""
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            where = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
            reason = (error.get("ctx") or {}).get("error") or error.get("msg", "")
            return f"the body is not valid JSON: {reason}{where}; send one JSON object"
        if error.get("type") == "missing" and loc == ("body",):
            return "the request has no body; send the farm as one JSON object (see /docs)"
    return None


#: FastAPI's own detail when the body cannot be decoded (not UTF-8, UTF-16 or UTF-32).
_UNDECODABLE = "There was an error parsing the body"


async def _http_error(request: Request, error: HTTPException) -> Response:
    if error.status_code == HTTPStatus.BAD_REQUEST and error.detail == _UNDECODABLE:
        error = HTTPException(error.status_code, "the body cannot be decoded as text; send JSON in UTF-8",
                              error.headers)
    return await http_exception_handler(request, error)


async def _request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    unparsable = _unparsable(error.errors())
    if unparsable:
        return JSONResponse({"detail": unparsable}, status_code=HTTPStatus.BAD_REQUEST)
    return _unprocessable(error_records(_located(error.errors())))


async def _library_invalid(request: Request, error: ValidationError) -> JSONResponse:
    return _unprocessable(error_records(error))


async def _registry(request: Request, error: RegistryError) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=HTTPStatus.SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(ValidationError, _library_invalid)
    app.add_exception_handler(RegistryError, _registry)
