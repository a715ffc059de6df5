"""The knowledge base: IPCC Tier 1 tables and the practice catalogue, as data.

Every table lives in ``recommender/data`` with its source and uncertainty;
each loader here validates its table and fails with a message that says
which file, row and column to fix.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError
from recommender.knowledge.baselines import load_degradation, load_land_uses
from recommender.knowledge.climate import load_climate_zones
from recommender.knowledge.factors import LEVELS, load_stock_change_factors
from recommender.knowledge.method import load_method
from recommender.knowledge.practices import (
    COBENEFITS,
    STATE_LEVELS,
    Cost,
    Practice,
    Rate,
    load_practices,
    practice_set_problems,
)
from recommender.knowledge.sources import load_sources
from recommender.knowledge.stocks import load_reference_stocks
from recommender.knowledge.textures import load_soil_textures

__all__ = [
    "COBENEFITS",
    "LEVELS",
    "STATE_LEVELS",
    "Cost",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Practice",
    "Rate",
    "load_knowledge_base",
    "practice_set_problems",
]


@dataclass(frozen=True)
class KnowledgeBase:
    """All tables of the knowledge base, loaded and validated together."""

    climate_zones: pd.DataFrame
    reference_stocks: pd.DataFrame
    factors: pd.DataFrame
    land_uses: pd.DataFrame
    degradation: pd.DataFrame
    soil_textures: pd.DataFrame
    method: Mapping[str, float]
    sources: Mapping[str, Any]
    practices: Mapping[str, Practice]


@lru_cache(maxsize=1)
def load_knowledge_base() -> KnowledgeBase:
    """Load and validate every table once per process."""
    sources = load_sources()
    return KnowledgeBase(
        climate_zones=load_climate_zones(),
        reference_stocks=load_reference_stocks(),
        factors=load_stock_change_factors(),
        land_uses=load_land_uses(),
        degradation=load_degradation(),
        soil_textures=load_soil_textures(),
        method=load_method(),
        sources=sources,
        practices=load_practices(sources),
    )
