"""Default reference SOC stocks, 0-30 cm (IPCC 2019 Vol. 4 Ch. 2 Table 2.3)."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import ClimateZone, SoilClass

NAME = "reference_stocks.csv"
COLUMNS = {
    "climate_zone": "str",
    "soil_class": "str",
    "soc_ref_t_c_ha": "float?",
    "error_pct": "float?",
    "source": "str",
    "note": "str?",
}


def load_reference_stocks() -> pd.DataFrame:
    """SOC_REF (t C/ha) and its 95 % error (+/- %) indexed by zone and soil class.

    A cell the table leaves empty (IPCC gives no value) is NaN: a farm there
    needs a measured stock.
    """
    frame = read_table(NAME, COLUMNS, ["climate_zone", "soil_class"])
    require_values(NAME, frame, "climate_zone", [z.value for z in ClimateZone])
    require_values(NAME, frame, "soil_class", [c.value for c in SoilClass])
    expected = len(ClimateZone) * len(SoilClass)
    if len(frame) != expected:
        raise KnowledgeBaseError(
            f"{NAME}: {len(frame)} rows; every climate zone x soil class needs one ({expected})."
        )
    stock = frame["soc_ref_t_c_ha"]
    if ((stock <= 0) | (stock > 300)).any():
        raise KnowledgeBaseError(f"{NAME}: soc_ref_t_c_ha must lie in (0, 300] t C/ha.")
    if (stock.notna() & frame["error_pct"].isna()).any():
        raise KnowledgeBaseError(f"{NAME}: every reference stock needs its error_pct.")
    return frame.set_index(["climate_zone", "soil_class"])
