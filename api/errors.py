"""Errors as JSON: which field, what is wrong, what is allowed.

Validation errors are HTTP 422 ``{"detail": [{"field", "problem",
"allowed"}]}``, the same records the CLI and batch scoring give; the
library's own exceptions become 422 / 503 with their message. Nothing
a client sends should produce a 500.
"""

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

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
        if error.get("type") == "json_invalid":
            # The location is a character offset, not a field: it is in the message.
            loc = ()
            error = {**error, "msg": f"{error['msg']}: {(error.get('ctx') or {}).get('error', '')}".rstrip(": ")}
        elif loc and loc[0] in _SOURCES:
            loc = loc[1:]
        located.append({**error, "loc": loc})
    return located


def _unprocessable(records: list[dict]) -> JSONResponse:
    return JSONResponse({"detail": records}, status_code=HTTPStatus.UNPROCESSABLE_ENTITY)


async def _request_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
    return _unprocessable(error_records(_located(error.errors())))


async def _library_invalid(request: Request, error: ValidationError) -> JSONResponse:
    return _unprocessable(error_records(error))


async def _registry(request: Request, error: RegistryError) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=HTTPStatus.SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(ValidationError, _library_invalid)
    app.add_exception_handler(RegistryError, _registry)
