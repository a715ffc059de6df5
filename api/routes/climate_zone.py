"""``/v1/climate-zone``: the IPCC climate zone of a site from its climate normals."""

from typing import Annotated

from fastapi import APIRouter, Query

from recommender.inputs.climate_zone import ClimateNormals, ClimateZoneAnswer, climate_zone_answer

from ..schemas import ValidationErrorResponse

router = APIRouter(prefix="/v1/climate-zone", tags=["climate zone"], responses={
    422: {"model": ValidationErrorResponse, "description": "Invalid input: the field, the problem, "
                                                           "the allowed values"},
})


@router.get("", response_model=ClimateZoneAnswer, summary="The IPCC climate zone of a site")
async def climate_zone(normals: Annotated[ClimateNormals, Query()]) -> ClimateZoneAnswer:
    """IPCC 2019 zone (Vol. 4 Ch. 3 Annex 3A.5) from `mat_c` and `map_mm`;
    `elevation_m` is needed where the site is tropical. Outside the tropics
    moist/dry is MAP / PET > 1, PET being `pet_mm` when given, else Holdridge's
    58.93 x biotemperature from `monthly_temperature_c`, else Turc's
    L(T) = 300 + 25 T + 0.05 T^3 from MAT (`pet_method` says which).

    The 12 monthly temperatures are a repeated parameter:
    `?monthly_temperature_c=-17&monthly_temperature_c=-13&...` (12 times).
    The answer gives the rule in words and flags `borderline` sites, whose
    MAP / PET is close to 1."""
    # ~0.5 ms of numpy for one site: cheaper here than handed to a thread.
    return climate_zone_answer(normals)
