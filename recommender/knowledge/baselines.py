"""How a land use and a degradation status set the IPCC Tier 1 baseline state."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.knowledge.factors import LEVELS
from recommender.vocabulary import Degradation, LandUse

LAND_USES = "land_uses.csv"
DEGRADATION = "degradation.csv"


def load_land_uses() -> pd.DataFrame:
    """Each context land use's IPCC land-use level and baseline levels."""
    frame = read_table(
        LAND_USES,
        {
            "land_use": "str",
            "label": "str",
            "ipcc_land_use": "str",
            "baseline_tillage": "str?",
            "baseline_input": "str?",
            "baseline_grassland_input": "str?",
            "source": "str",
            "note": "str?",
        },
        ["land_use"],
    )
    require_values(LAND_USES, frame, "land_use", [u.value for u in LandUse])
    levels = LEVELS[("cropland", "F_LU")] + LEVELS[("grassland", "F_LU")]
    require_values(LAND_USES, frame, "ipcc_land_use", levels)
    require_values(LAND_USES, frame, "baseline_tillage", LEVELS[("cropland", "F_MG")] + [""])
    require_values(LAND_USES, frame, "baseline_input", LEVELS[("cropland", "F_I")] + [""])
    require_values(LAND_USES, frame, "baseline_grassland_input", LEVELS[("grassland", "F_I")] + [""])
    if set(frame["land_use"]) != {u.value for u in LandUse}:
        raise KnowledgeBaseError(f"{LAND_USES}: needs one row per land use.")
    return frame.set_index("land_use")


def load_degradation() -> pd.DataFrame:
    """How each degradation status lowers the cropland input or grassland level."""
    frame = read_table(
        DEGRADATION,
        {
            "degradation": "str",
            "cropland_input": "str?",
            "grassland_management": "str",
            "source": "str",
            "note": "str?",
        },
        ["degradation"],
    )
    require_values(DEGRADATION, frame, "degradation", [d.value for d in Degradation])
    require_values(DEGRADATION, frame, "cropland_input", LEVELS[("cropland", "F_I")] + [""])
    require_values(DEGRADATION, frame, "grassland_management", LEVELS[("grassland", "F_MG")])
    if set(frame["degradation"]) != {d.value for d in Degradation}:
        raise KnowledgeBaseError(f"{DEGRADATION}: needs one row per degradation status.")
    return frame.set_index("degradation")
