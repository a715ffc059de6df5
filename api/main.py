"""The HTTP service. This module only wires: settings, the model's lifespan,
routers, error handlers and middleware.

Run it with ``recommender serve`` (uvicorn, factory ``api.main:create_app``).
"""

import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline
from threadpoolctl import threadpool_limits

from recommender.model.registry import ModelRegistry
from recommender.recommend.service import ModelService
from recommender.science.tier1 import Tier1Engine

from . import errors
from .deps import require_api_key
from .limits import BodySizeLimit
from .media import JsonBodiesOnly
from .routes import climate_zone, health, model, page, practices, recommendations, scenarios
from .schemas import ErrorResponse
from .settings import Settings

#: Seconds shutdown waits for the model follower (a first-run build is not waited for).
_FOLLOWER_JOIN_SECONDS = 5


def build_default(registry: ModelRegistry) -> str:
    """Build the default model (first run only); training code is imported here, when needed."""
    from training.default import build_default as build

    return build(registry)


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Load the Tier 1 engine and the model once per process, then follow the
    registry for newly promoted models until shutdown.

    The model loads in a background thread: ``/healthz`` answers at once and
    ``/readyz`` turns 200 when the model is in (on a first run, after the
    default model is built: about half a minute).
    """
    settings: Settings = app.state.settings
    # One worker, one core: native pools (OpenMP, BLAS) sized to match.
    threadpool_limits(settings.threads)
    service = ModelService(ModelRegistry(settings.models_dir), Tier1Engine(), app.state.build,
                           settings.threads)
    app.state.models = service
    stop = threading.Event()
    follower = threading.Thread(target=service.follow, args=(settings.model_check_seconds, stop),
                                name="model-follower", daemon=True)
    follower.start()
    try:
        yield
    finally:
        stop.set()
        follower.join(_FOLLOWER_JOIN_SECONDS)


def create_app(settings: Settings | None = None,
               build: Callable[[ModelRegistry], str] = build_default) -> FastAPI:
    """The service, configured by ``settings`` (default: from the environment).

    ``build`` makes a model when the registry has none in service.
    """
    settings = settings or Settings()
    # Documentation pages whose Swagger UI and ReDoc assets come from an
    # installed package, not a CDN: /docs works on a machine with no internet.
    app = FastAPIOffline(
        title="Soil-carbon practice recommender (4 per 1000)",
        version=version("soil-carbon-recommender"),
        description="Ranks the practices that raise a farm's soil organic carbon (0-30 cm): IPCC 2019 "
                    "Tier 1 prior refined by a trained model. Gains in t C/ha/yr with 10-90 % intervals.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.build = build
    errors.install(app)
    # The key check is attached (and documented) only when keys are set:
    # without keys it would cost every request a dependency for nothing.
    keyed = {"dependencies": [Depends(require_api_key)],
             "responses": {401: {"model": ErrorResponse, "description": "Missing or unknown X-API-Key"}},
             } if settings.api_keys else {}
    for router in (recommendations.router, scenarios.router, practices.router, model.router, climate_zone.router):
        app.include_router(router, **keyed)
    app.include_router(health.router)
    page.install(app)
    app.add_middleware(JsonBodiesOnly)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", "X-API-Key"])
    return app
