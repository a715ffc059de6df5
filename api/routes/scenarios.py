"""``/v1/scenarios``: the outcome of sets of practices a user chooses, for one farm."""

from fastapi import APIRouter

from recommender.recommend.answer import ScenarioAnswer

from ..deps import ModelDep
from ..schemas import BODY_ERRORS, ScenarioRequest

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"], responses=BODY_ERRORS)


@router.post("", response_model=ScenarioAnswer, summary="Compare sets of practices on one farm")
async def compare(request: ScenarioRequest, served: ModelDep) -> ScenarioAnswer:
    """Each set is answered as a bundle is: the gain of the practices adopted
    together (never more than the sum of their own gains nor than the soil's
    capacity allows), both ranges, trajectories, carbon origin, emissions and
    net climate. A set that cannot be adopted on this field (unknown id,
    conflicting practices, not applicable) is answered in place with
    ``status: invalid`` and its reasons; the others are answered."""
    return served.scenarios(request, request.scenarios, request.options())
