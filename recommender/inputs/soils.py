"""The IPCC soil class of a field, when the farm does not state it.

Rule (IPCC 2019 Refinement Vol. 4 Ch. 3 Annex 3A.5 definitions):

1. A stated ``soil_class`` is used as given.
2. *Sandy*: IPCC defines sandy soils as > 70 % sand and < 8 % clay. A USDA
   texture class whose sand content is at least 70 % everywhere in its range
   (sand, loamy sand) is sandy, unless a measured ``clay_pct`` of 8 % or more
   says otherwise.
3. *LAC* (low-activity clay, highly weathered): the humid tropics (tropical
   moist, wet and montane zones), where such soils dominate. This is an
   approximation: give ``soil_class`` where it is known.
4. *HAC* (high-activity clay) otherwise. Spodic, volcanic and wetland soils
   cannot be told from texture and must be stated.
"""

from recommender.knowledge import KnowledgeBase, load_knowledge_base
from recommender.vocabulary import ClimateZone, SoilClass, SoilTexture

#: IPCC's definition of sandy soils (``method.csv``).
SANDY_MIN_SAND_PCT = float(load_knowledge_base().method["sandy_min_sand_pct"])
SANDY_MAX_CLAY_PCT = float(load_knowledge_base().method["sandy_max_clay_pct"])
LAC_ZONES = frozenset(
    {ClimateZone.TROPICAL_MOIST, ClimateZone.TROPICAL_WET, ClimateZone.TROPICAL_MONTANE}
)


def derive_soil_class(
    kb: KnowledgeBase,
    soil_texture: SoilTexture,
    climate_zone: ClimateZone,
    clay_pct: float | None = None,
    soil_class: SoilClass | None = None,
) -> SoilClass:
    """The IPCC soil class by the rule of this module's docstring."""
    if soil_class is not None:
        return SoilClass(soil_class)
    sand_min = kb.soil_textures.loc[SoilTexture(soil_texture).value, "sand_pct_min"]
    clay_ok = clay_pct is None or clay_pct < SANDY_MAX_CLAY_PCT
    if sand_min >= SANDY_MIN_SAND_PCT and clay_ok:
        return SoilClass.SANDY
    if ClimateZone(climate_zone) in LAC_ZONES:
        return SoilClass.LAC
    return SoilClass.HAC
