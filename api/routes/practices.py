"""``/v1/practices``: the practice catalogue."""

from fastapi import APIRouter

from recommender.knowledge.catalogue import practice_records

from ..schemas import Practice

router = APIRouter(prefix="/v1/practices", tags=["practices"])


@router.get("", response_model=list[Practice], summary="The practice catalogue")
async def practices() -> list[dict]:
    """Every practice: family, where it applies, its effect (IPCC Tier 1
    state or published rate, with sources), co-benefits, cost and caveats."""
    return practice_records()
