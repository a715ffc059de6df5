"""A soil's carbon ceiling: the most SOC its 0-30 cm can hold.

Mineral-associated carbon is bounded by the fine fraction (clay + silt) the
soil's minerals offer (Hassink 1997; Georgiou et al. 2022). The ceiling of
total SOC is Georgiou et al.'s boundary line of mineral-associated carbon
(per % silt + clay: high-activity minerals, or low-activity ones on highly
weathered LAC soils) divided by the share of topsoil SOC that is
mineral-associated, over 0-30 cm at the texture's typical bulk density::

    capacity = slope x (silt + clay) / share x bulk density x depth / 10   [t C/ha]

never below ``reference_floor`` x the IPCC reference stock, so that no field
is capped below what IPCC's own tables let it reach. Parameters and their
sources: ``recommender/data/capacity.csv`` and ``soil_textures.csv``.
"""

from recommender.knowledge import KnowledgeBase


def capacity_t_c_ha(kb: KnowledgeBase, soil_texture: str, soil_class: str, climate_zone: str) -> float:
    """The SOC ceiling (t C/ha, 0-30 cm) of a soil of ``soil_texture`` and IPCC ``soil_class``."""
    parameters = kb.capacity
    texture = kb.soil_textures.loc[soil_texture]
    slope = parameters["maoc_slope_low_activity" if soil_class == "LAC" else "maoc_slope_high_activity"]
    fine = texture["typical_silt_pct"] + texture["typical_clay_pct"]
    per_kg = slope * fine / parameters["maoc_share_of_soc"]  # g C/kg soil
    ceiling = per_kg * texture["bulk_density_g_cm3"] * parameters["depth_cm"] / 10.0
    reference = kb.reference_stocks.at[(climate_zone, soil_class), "soc_ref_t_c_ha"]
    floor = parameters["reference_floor"] * reference if reference == reference else 0.0  # NaN: no IPCC stock
    return float(max(ceiling, floor))
