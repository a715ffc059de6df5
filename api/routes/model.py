"""``/v1/model``: the model in service."""

from fastapi import APIRouter

from ..deps import ModelDep
from ..schemas import ErrorResponse, ModelInfo

router = APIRouter(prefix="/v1/model", tags=["model"],
                   responses={503: {"model": ErrorResponse, "description": "No model loaded yet"}})


@router.get("", response_model=ModelInfo, summary="The model in service")
async def model(served: ModelDep) -> dict:
    """Version, training date, metrics and the full manifest (training data
    fingerprint, library versions, feature schema, artifact hash)."""
    manifest = served.loaded.manifest
    return {"version": served.version, "trained_at": manifest["created"],
            "metrics": manifest.get("metrics", {}), "manifest": manifest}
