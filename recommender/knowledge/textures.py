"""USDA texture classes with their sand and clay ranges."""

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import SoilTexture

NAME = "soil_textures.csv"


def load_soil_textures() -> pd.DataFrame:
    """Sand and clay ranges (%) of each USDA texture class, indexed by class."""
    frame = read_table(
        NAME,
        {
            "soil_texture": "str",
            "label": "str",
            "sand_pct_min": "float",
            "sand_pct_max": "float",
            "clay_pct_min": "float",
            "clay_pct_max": "float",
            "source": "str",
        },
        ["soil_texture"],
    )
    require_values(NAME, frame, "soil_texture", [t.value for t in SoilTexture])
    if len(frame) != len(SoilTexture):
        raise KnowledgeBaseError(f"{NAME}: needs one row per USDA texture class.")
    return frame.set_index("soil_texture")
