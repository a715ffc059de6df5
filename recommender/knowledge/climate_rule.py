"""Thresholds and coefficients of the IPCC climate-zone rule, each with its source.

The table ``climate_zone_rule.csv`` holds every number the rule of
:mod:`recommender.inputs.climate_zone` uses (IPCC thresholds, the PET
estimates' coefficients, the borderline band), so that none is hidden in code.
"""

from dataclasses import dataclass, fields

from recommender.knowledge._tables import KnowledgeBaseError, read_table

NAME = "climate_zone_rule.csv"


@dataclass(frozen=True)
class ClimateRule:
    """The rule's numbers; units and sources are in ``climate_zone_rule.csv``."""

    tropical_min_mat_c: float
    tropical_max_frost_days: float
    montane_min_elevation_m: float
    tropical_wet_min_map_mm: float
    tropical_moist_min_map_mm: float
    warm_temperate_min_mat_c: float
    cool_temperate_min_mat_c: float
    polar_max_warmest_month_c: float
    moist_min_map_over_pet: float
    biotemperature_min_c: float
    biotemperature_max_c: float
    holdridge_pet_mm_per_c: float
    turc_l_intercept_mm: float
    turc_l_linear_mm_per_c: float
    turc_l_cubic_mm_per_c3: float
    borderline_min_ratio: float
    borderline_max_ratio: float


#: Pairs (lower, higher) the rule needs in this order, else its branches overlap.
_ORDERED = (
    ("cool_temperate_min_mat_c", "warm_temperate_min_mat_c"),
    ("warm_temperate_min_mat_c", "tropical_min_mat_c"),
    ("tropical_moist_min_map_mm", "tropical_wet_min_map_mm"),
    ("biotemperature_min_c", "biotemperature_max_c"),
    ("borderline_min_ratio", "moist_min_map_over_pet"),
    ("moist_min_map_over_pet", "borderline_max_ratio"),
)


def load_climate_rule() -> ClimateRule:
    """Read and check ``climate_zone_rule.csv``.

    Raises
    ------
    KnowledgeBaseError
        Naming the file and the data row (or the parameter) to fix: a
        malformed value, an unknown or missing parameter, or thresholds in an
        order that would make the rule's branches overlap.
    """
    frame = read_table(
        NAME,
        {"parameter": "str", "value": "float", "unit": "str", "source": "str", "note": "str?"},
        ["parameter"],
    )
    known = [field.name for field in fields(ClimateRule)]
    unknown = frame.index[~frame["parameter"].isin(known)]
    if len(unknown):
        raise KnowledgeBaseError(
            f"{NAME}: unknown parameter(s) {list(frame.loc[unknown, 'parameter'])} on data row(s) "
            f"{list(unknown + 1)}; the rule reads {known}."
        )
    missing = [name for name in known if name not in set(frame["parameter"])]
    if missing:
        raise KnowledgeBaseError(f"{NAME}: missing parameter(s) {missing}.")
    values = dict(zip(frame["parameter"], frame["value"].astype(float)))
    row = {name: i + 1 for i, name in enumerate(frame["parameter"])}
    for low, high in _ORDERED:
        if not values[low] < values[high]:
            raise KnowledgeBaseError(
                f"{NAME}: {low} (data row {row[low]}, {values[low]:g}) must be below "
                f"{high} (data row {row[high]}, {values[high]:g})."
            )
    return ClimateRule(**values)
