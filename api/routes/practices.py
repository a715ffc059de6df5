"""``/v1/practices``: the practice catalogue."""

from fastapi import APIRouter

from recommender.knowledge.catalogue import PracticeInfo, catalogue

router = APIRouter(prefix="/v1/practices", tags=["practices"])


@router.get("", response_model=list[PracticeInfo], summary="The practice catalogue")
async def practices() -> tuple[PracticeInfo, ...]:
    """Every practice: family, where it applies, its effect (IPCC Tier 1
    state or published rate, with sources), co-benefits, cost and caveats."""
    return catalogue()
