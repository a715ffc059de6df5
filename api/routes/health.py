"""``/healthz`` (the process answers) and ``/readyz`` (a model is loaded).

``/readyz`` needs no key: it names no path. A damaged ``IN_SERVICE`` pointer
(or a promoted model that does not load) leaves the service ready on the model
it has, with a ``warning``: taking every replica out of rotation at once for
a registry mistake would turn it into an outage.
"""

from http import HTTPStatus

from fastapi import APIRouter, Response

from ..deps import ServiceDep
from ..schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", response_model=Readiness, summary="Readiness: 200 once a model is loaded",
            responses={503: {"model": Readiness, "description": "No model loaded yet"}})
async def readyz(service: ServiceDep, response: Response) -> dict:
    served = service.current
    if served is None:
        response.status_code = HTTPStatus.SERVICE_UNAVAILABLE
        return {"status": "not_ready", "model_version": None,
                "detail": service.problem or "loading the model", "warning": None}
    return {"status": "ready", "model_version": served.version, "detail": None, "warning": service.problem}
