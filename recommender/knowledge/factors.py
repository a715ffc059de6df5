"""Stock change factors F_LU, F_MG, F_I (IPCC 2019 Vol. 4 Table 5.5 and Table 6.2)."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import FactorRegion

NAME = "stock_change_factors.csv"
COLUMNS = {
    "system": "str",
    "factor": "str",
    "level": "str",
    "factor_region": "str",
    "value": "float",
    "error_pct": "float",
    "source": "str",
    "note": "str?",
}
KEY = ["system", "factor", "level", "factor_region"]

#: The levels each system's factors must give; the engine's state uses these names.
LEVELS = {
    ("cropland", "F_LU"): ["long_term_cultivated", "paddy_rice", "perennial_tree_crop", "set_aside"],
    ("cropland", "F_MG"): ["full_tillage", "reduced_tillage", "no_till"],
    ("cropland", "F_I"): ["low", "medium", "high_without_manure", "high_with_manure"],
    ("grassland", "F_LU"): ["grassland"],
    ("grassland", "F_MG"): ["nominally_managed", "moderately_degraded", "severely_degraded", "improved"],
    ("grassland", "F_I"): ["medium", "high"],
}


def load_stock_change_factors() -> pd.DataFrame:
    """All factors with their 95 % error (+/- %, two standard deviations).

    Indexed by ``(system, factor, level, factor_region)``.
    """
    frame = read_table(NAME, COLUMNS, KEY)
    require_values(NAME, frame, "factor_region", [r.value for r in FactorRegion])
    present = set(zip(frame["system"], frame["factor"], frame["level"], frame["factor_region"]))
    needed = {
        (system, factor, level, region.value)
        for (system, factor), levels in LEVELS.items()
        for level in levels
        for region in FactorRegion
    }
    if needed - present:
        raise KnowledgeBaseError(f"{NAME}: missing factor(s) {sorted(needed - present)[:5]} ...")
    if present - needed:
        raise KnowledgeBaseError(f"{NAME}: unknown factor row(s) {sorted(present - needed)[:5]}.")
    if ((frame["value"] <= 0) | (frame["value"] >= 2)).any():
        raise KnowledgeBaseError(f"{NAME}: factor values must lie in (0, 2).")
    if ((frame["error_pct"] < 0) | (frame["error_pct"] >= 100)).any():
        raise KnowledgeBaseError(f"{NAME}: error_pct must lie in [0, 100).")
    return frame.set_index(KEY)
