"""USDA texture classes with their sand and clay ranges."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import SoilTexture

NAME = "soil_textures.csv"


def load_soil_textures() -> pd.DataFrame:
    """Sand and clay ranges (%), typical composition and bulk density of each USDA texture class."""
    frame = read_table(
        NAME,
        {
            "soil_texture": "str",
            "label": "str",
            "sand_pct_min": "float",
            "sand_pct_max": "float",
            "clay_pct_min": "float",
            "clay_pct_max": "float",
            "typical_sand_pct": "float",
            "typical_silt_pct": "float",
            "typical_clay_pct": "float",
            "bulk_density_g_cm3": "float",
            "source": "str",
            "typical_source": "str",
        },
        ["soil_texture"],
    )
    require_values(NAME, frame, "soil_texture", [t.value for t in SoilTexture])
    if len(frame) != len(SoilTexture):
        raise KnowledgeBaseError(f"{NAME}: needs one row per USDA texture class.")
    total = frame["typical_sand_pct"] + frame["typical_silt_pct"] + frame["typical_clay_pct"]
    if ((total - 100).abs() > 1).any() or not frame["bulk_density_g_cm3"].between(0.8, 2.0).all():
        raise KnowledgeBaseError(f"{NAME}: typical sand + silt + clay must make 100 % and bulk density lie in "
                                 "0.8-2.0 g/cm3.")
    return frame.set_index("soil_texture")
