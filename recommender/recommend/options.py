"""How to rank: the options of a recommendation, shared by the API, the CLI and batch scoring."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from recommender.knowledge import load_knowledge_base
from recommender.recommend.objectives import OBJECTIVES, describe_objectives

#: Accepted ranges of the options (inclusive).
TOP_K_RANGE = (1, 30)
BUNDLE_SIZE_RANGE = (0, 6)
HORIZON_YEARS_RANGE = (1.0, 100.0)
#: The default horizon is the IPCC transition time D (``method.csv``).
DEFAULT_HORIZON_YEARS = float(load_knowledge_base().method["transition_years"])



def _known_objective(name: str) -> str:
    if name not in OBJECTIVES:
        raise ValueError(f"unknown objective '{name}'; allowed: {', '.join(OBJECTIVES)}")
    return name


#: An objective's name; the list lives in ``OBJECTIVES`` (the schema shows it as an enum).
ObjectiveName = Annotated[str, AfterValidator(_known_objective), Field(json_schema_extra={"enum": list(OBJECTIVES)})]


class Options(BaseModel):
    """How to rank the practices of a farm.

    Numbers are strict: a boolean or a numeric string is refused, not read as
    a number. Frozen, so that answers can be cached by their options.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    top_k: Annotated[int, Field(strict=True, ge=TOP_K_RANGE[0], le=TOP_K_RANGE[1],
                                description="How many practices to return")] = 5
    objective: Annotated[ObjectiveName, Field(description=describe_objectives())] = "carbon"
    horizon_years: Annotated[float, Field(
        strict=True, allow_inf_nan=False, ge=HORIZON_YEARS_RANGE[0], le=HORIZON_YEARS_RANGE[1],
        description="Years over which gain_over_horizon_t_c_ha sums the gain (saturation applies)",
    )] = DEFAULT_HORIZON_YEARS
    bundle_size: Annotated[int, Field(strict=True, ge=BUNDLE_SIZE_RANGE[0], le=BUNDLE_SIZE_RANGE[1],
                                      description="Most practices in the bundle; 0 for no bundle")] = 3
