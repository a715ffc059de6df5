"""``/v1/recommendations``: ranked practices for one farm, or a batch of farms."""

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from recommender.recommend.answer import Answer

from ..deps import ModelDep, SettingsDep
from ..schemas import BODY_ERRORS, BatchRequest, BatchResponse, RecommendationRequest

router = APIRouter(prefix="/v1/recommendations", tags=["recommendations"], responses=BODY_ERRORS)


@router.post("", response_model=Answer, summary="Recommend practices for one farm")
async def recommend(request: RecommendationRequest, served: ModelDep) -> Answer:
    """The farm's practices ranked by the objective, each with its expected
    gain, 10-90 % interval, share of the farm's 4 per 1000 target, co-benefits,
    cost, rationale and caveats, and the best bundle of compatible practices."""
    # ~0.1 ms of numpy and onnxruntime: cheaper run here than handed to a thread.
    return served.recommend(request, request.options())


@router.post("/batch", response_model=BatchResponse, summary="Recommend practices for several farms")
async def recommend_batch(request: BatchRequest, served: ModelDep, settings: SettingsDep) -> dict:
    """Each farm is validated and answered on its own: a farm that does not
    validate gets ``status: invalid`` and its errors in place, the others are
    answered."""
    if len(request.farms) > settings.max_batch_farms:
        raise RequestValidationError([{
            "type": "too_long", "loc": ("body", "farms"), "input": None,
            "msg": f"at most {settings.max_batch_farms} farms per request, got {len(request.farms)}; "
                   "split the batch (or use `recommender score` for surveys)",
        }])
    # Up to max_batch_farms x ~0.1 ms: in a thread, so single requests are not held up.
    results = await run_in_threadpool(served.recommend_batch, request.farms, request.options())
    return {"results": results}
