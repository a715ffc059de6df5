"""The tables of the carbon accounting beyond IPCC Tier 1's: relative effects,
biochar, soil capacity, emission factors and what each practice adds.

Each is a table of ``recommender/data`` with its sources; the loaders check
columns, numbers and keys and name the file, row and column at fault.
"""

from collections.abc import Mapping
from types import MappingProxyType

import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table

RELATIVE_EFFECTS = "relative_effects.csv"
BIOCHAR = "biochar.csv"
CAPACITY = "capacity.csv"
EMISSION_FACTORS = "emission_factors.csv"
PRACTICE_INPUTS = "practice_inputs.csv"
#: Organic amendments of a paddy and their CH4 factor (``cfoa_<kind>`` in ``emission_factors.csv``).
RICE_AMENDMENTS = ("straw_early", "farmyard_manure", "compost", "green_manure")
NITROGEN_KINDS = ("residue", "organic")


def _parameters(name: str, columns: dict[str, str], required: tuple[str, ...]) -> pd.DataFrame:
    frame = read_table(name, {"parameter": "str", **columns, "source": "str", "note": "str?"}, ["parameter"])
    missing = [p for p in required if p not in set(frame["parameter"])]
    if missing:
        raise KnowledgeBaseError(f"{name}: missing parameter(s) {missing}.")
    return frame.set_index("parameter")


def load_relative_effects() -> pd.DataFrame:
    """Equilibrium stock factors of practices Tier 1 does not cover, with their 95 % error (+/- %)."""
    frame = read_table(RELATIVE_EFFECTS, {"effect": "str", "value": "float", "error_pct": "float", "basis": "str",
                                          "source": "str", "note": "str?"}, ["effect"])
    if ((frame["value"] <= 0) | (frame["value"] >= 2)).any() or (frame["error_pct"] < 0).any():
        raise KnowledgeBaseError(f"{RELATIVE_EFFECTS}: value must lie in (0, 2) and error_pct be >= 0.")
    return frame.set_index("effect")


def load_biochar() -> pd.DataFrame:
    """The declared biochar application and the IPCC Appendix 4 factors (value, error_pct)."""
    return _parameters(BIOCHAR, {"value": "float", "error_pct": "float", "unit": "str"},
                       ("application_t_dm_ha_yr", "application_years", "organic_carbon_fraction",
                        "production_temperature_c", "permanence_intercept", "permanence_slope_per_c",
                        "permanence_error_pct"))


def load_capacity() -> Mapping[str, float]:
    """Parameters of the soil's carbon ceiling (``recommender.science.capacity``)."""
    frame = _parameters(CAPACITY, {"value": "float", "unit": "str"},
                        ("maoc_slope_high_activity", "maoc_slope_low_activity", "maoc_share_of_soc",
                         "reference_floor", "depth_cm"))
    return MappingProxyType(dict(frame["value"]))


def load_emission_factors() -> pd.DataFrame:
    """N2O and rice CH4 factors and GWPs (value, low, high)."""
    frame = _parameters(EMISSION_FACTORS, {"value": "float", "low": "float", "high": "float", "unit": "str"},
                        ("ef1_organic_wet", "ef1_dry", "ef1_flooded_rice", "ef4_wet", "ef4_dry", "ef5_leaching",
                         "frac_gas_organic", "frac_leach_wet", "n2o_per_n2o_n", "gwp100_n2o",
                         "gwp100_ch4_non_fossil", "rice_ch4_baseline_kg_ha_day", "rice_cultivation_days",
                         "rice_sfo_exponent", *(f"cfoa_{kind}" for kind in RICE_AMENDMENTS)))
    if not ((frame["low"] <= frame["value"]) & (frame["value"] <= frame["high"])).all():
        raise KnowledgeBaseError(f"{EMISSION_FACTORS}: every row needs low <= value <= high.")
    return frame


def load_practice_inputs(practices) -> pd.DataFrame:
    """What each practice adds that causes emissions (N in kg/ha/yr, organic amendment of a paddy in t/ha)."""
    frame = read_table(PRACTICE_INPUTS, {"practice_id": "str", "nitrogen_kg_ha_yr": "float",
                                         "nitrogen_kind": "str", "rice_amendment": "str?",
                                         "rice_amendment_t_ha": "float?", "source": "str", "note": "str?"},
                       ["practice_id"])
    unknown = sorted(set(frame["practice_id"]) - set(practices))
    bad_kind = sorted(set(frame["nitrogen_kind"]) - set(NITROGEN_KINDS))
    bad_amendment = sorted(set(frame["rice_amendment"]) - {*RICE_AMENDMENTS, ""})
    if unknown or bad_kind or bad_amendment:
        raise KnowledgeBaseError(f"{PRACTICE_INPUTS}: unknown practice(s) {unknown}, nitrogen_kind(s) {bad_kind} "
                                 f"(allowed: {NITROGEN_KINDS}) or rice_amendment(s) {bad_amendment} "
                                 f"(allowed: {RICE_AMENDMENTS}).")
    return frame.set_index("practice_id")


FIELD_RANGE = "field_range.csv"


def load_field_range() -> Mapping[str, float]:
    """The between-site spread of a field's gain (``recommender.science.field_range``)."""
    frame = _parameters(FIELD_RANGE, {"value": "float", "unit": "str"},
                        ("p10_intercept", "p10_per_stock", "p90_intercept", "p90_per_stock"))
    return MappingProxyType(dict(frame["value"]))
