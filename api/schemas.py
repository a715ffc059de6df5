"""Request and response schemas of the HTTP API.

Farms are the library's :class:`~recommender.inputs.farm.FarmContext`, ranking
options its :class:`~recommender.recommend.options.Options`, answers its
:class:`~recommender.recommend.answer.Answer` and practices its
:class:`~recommender.knowledge.catalogue.PracticeInfo`: one definition of each,
here combined into requests and the service's own responses.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from recommender.inputs.errors import FieldError
from recommender.inputs.farm import FarmContext
from recommender.recommend.answer import BatchItem
from recommender.recommend.options import Options
from recommender.recommend.scenarios import MAX_SCENARIOS

EXAMPLE_FARM = FarmContext.model_config["json_schema_extra"]["examples"][0]
_OPTION_FIELDS = tuple(Options.model_fields)


class RecommendationRequest(Options, FarmContext):
    """One farm (field) and how to rank its practices."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={
        "examples": [{**EXAMPLE_FARM, "top_k": 5, "objective": "carbon", "horizon_years": 20, "bundle_size": 3}]
    })

    def options(self) -> Options:
        return Options.model_construct(**{name: getattr(self, name) for name in _OPTION_FIELDS})


class ScenarioRequest(RecommendationRequest):
    """One farm and the sets of practices to compare on it."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={
        "examples": [{**EXAMPLE_FARM, "horizon_years": 20,
                      "scenarios": [["cover_crops"], ["cover_crops", "legume_rotation"]]}]
    })

    scenarios: list[Annotated[list[str], Field(min_length=1, max_length=8)]] = Field(
        min_length=1, max_length=MAX_SCENARIOS,
        description=f"Up to {MAX_SCENARIOS} sets of practice ids (GET /v1/practices), each adopted together")


class BatchRequest(Options):
    """Several farms ranked with the same options."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_extra={
        "examples": [{"farms": [EXAMPLE_FARM, {**EXAMPLE_FARM, "farm_id": "demo-002", "land_use": "grassland",
                                               "current_practices": []}],
                      "objective": "robust", "top_k": 3}]
    })

    # Each farm is validated on its own, so that one bad farm is answered in
    # place instead of failing the request: the schema accepts any object.
    farms: Annotated[
        list[Annotated[dict[str, Any], WithJsonSchema({
            "type": "object", "additionalProperties": True,
            "description": "A farm: the fields of POST /v1/recommendations without the options",
        })]],
        Field(min_length=1, description="Farms; at most RECOMMENDER_MAX_BATCH_FARMS (100 by default)"),
    ]

    def options(self) -> Options:
        return Options.model_construct(**{name: getattr(self, name) for name in _OPTION_FIELDS})


class ValidationErrorResponse(BaseModel):
    """HTTP 422: the input does not validate."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": [{
        "field": "climate_zone", "problem": "Input should be 'tropical_montane', ... or 'polar_dry'",
        "allowed": ["tropical_montane", "tropical_wet", "...", "polar_dry"]}]}]})

    detail: list[FieldError]


class ErrorResponse(BaseModel):
    """Any other error (400, 401, 404, 413, 415, 503)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "missing or unknown X-API-Key"}]})

    detail: str


class BatchResponse(BaseModel):
    """One item per farm of the request, in its order."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"results": BatchItem.model_config[
        "json_schema_extra"]["examples"]}]})

    results: list[BatchItem]


class ModelInfo(BaseModel):
    """The model in service: its manifest (training data, library versions, metrics)."""

    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [{
        "version": "20261125T104722Z-9afcfb6e", "trained_at": "2026-11-25T10:47:22+00:00",
        "metrics": {}, "manifest": {"format_version": 1, "version": "20261125T104722Z-9afcfb6e"}}]})

    version: str
    trained_at: str
    metrics: dict[str, Any]
    manifest: dict[str, Any]


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether a model is loaded; ``detail`` says why not, ``warning`` what is
    wrong while the loaded model keeps serving (a damaged ``IN_SERVICE``
    pointer, a promoted model that does not load). No paths are given."""

    model_config = ConfigDict(protected_namespaces=(), json_schema_extra={"examples": [
        {"status": "ready", "model_version": "20261125T104722Z-9afcfb6e", "detail": None, "warning": None},
        {"status": "ready", "model_version": "20261125T104722Z-9afcfb6e", "detail": None,
         "warning": "PointerError: <path> is not text (damaged); put a model in service with "
                    "`recommender model promote VERSION` (see `recommender model list`)"}]})

    status: Literal["ready", "not_ready"]
    model_version: str | None
    detail: str | None = Field(description="Why no model is loaded (not_ready only)")
    warning: str | None = Field(
        default=None, description="Ready, but the model in service cannot be followed: the pointer is "
                                  "damaged or names a model that does not load; the model_version keeps serving")


#: The errors of every route that takes a JSON body and answers with the model.
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The body is not JSON (the reason and character position)"},
    413: {"model": ErrorResponse, "description": "Request body too large"},
    415: {"model": ErrorResponse, "description": "Content-Type is not application/json"},
    422: {"model": ValidationErrorResponse, "description": "Invalid input: the field, the problem, "
                                                           "the allowed values"},
    503: {"model": ErrorResponse, "description": "No model loaded yet"},
}
