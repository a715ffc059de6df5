"""Typed dependencies: settings, the model in service, the API-key check."""

import secrets
from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from recommender.recommend.service import ModelService, ServedModel

from .settings import Settings

#: Seconds a client should wait before retrying while no model is loaded.
RETRY_AFTER_SECONDS = 5


# Dependencies are ``async def``: FastAPI runs plain ``def`` ones in a thread
# pool, a hop that costs more than the check itself.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_service(request: Request) -> ModelService:
    return request.app.state.models


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[ModelService, Depends(get_service)]


async def get_model(request: Request) -> ServedModel:
    """The model in service, read once so a request uses one model throughout."""
    service: ModelService = request.app.state.models
    served = service.current
    if served is None:
        raise HTTPException(
            HTTPStatus.SERVICE_UNAVAILABLE,
            detail="no model loaded yet" + (f" ({service.problem})" if service.problem else ""),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return served


ModelDep = Annotated[ServedModel, Depends(get_model)]

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                               description="Required when the service is given RECOMMENDER_API_KEYS")


async def require_api_key(settings: SettingsDep,
                          key: Annotated[str | None, Security(_api_key_header)] = None) -> None:
    """Refuse the request unless ``X-API-Key`` is one of the keys of the settings."""
    # compare_digest on every key: the time taken does not tell how close a guess was.
    if key is None or not any(secrets.compare_digest(key.encode(), k.encode()) for k in settings.api_keys):
        raise HTTPException(HTTPStatus.UNAUTHORIZED, detail="missing or unknown X-API-Key",
                            headers={"WWW-Authenticate": "APIKey"})
