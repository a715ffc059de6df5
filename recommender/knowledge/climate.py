"""IPCC climate zones and the factor region each one reads its factors from."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import ClimateZone, FactorRegion

NAME = "climate_zones.csv"
COLUMNS = {
    "climate_zone": "str",
    "label": "str",
    "domain": "str",
    "moisture": "str",
    "factor_region": "str",
    "criteria": "str",
    "source": "str",
    "note": "str?",
}


def load_climate_zones() -> pd.DataFrame:
    """The climate-zone table indexed by ``climate_zone``."""
    frame = read_table(NAME, COLUMNS, ["climate_zone"])
    require_values(NAME, frame, "climate_zone", [z.value for z in ClimateZone])
    require_values(NAME, frame, "factor_region", [r.value for r in FactorRegion])
    absent = sorted(set(ClimateZone) - set(frame["climate_zone"]))
    if absent:
        raise KnowledgeBaseError(f"{NAME}: no row for climate zone(s) {absent}.")
    return frame.set_index("climate_zone")
