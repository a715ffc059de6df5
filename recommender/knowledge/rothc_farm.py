"""The tables that turn a farm into RothC drivers: climates, land uses, practices, carbon fractions.

Each row carries a ``status`` (verified_primary, verified_secondary,
computed, estimate, not_represented, definition) and a source; an estimate's
source starts with ``estimate:`` and says how it was reached. The loaders
check columns, numbers, keys and statuses and name the file, row and column
at fault, as the other tables of the knowledge base do.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.vocabulary import ClimateZone, LandUse

CLIMATES = "rothc_climates.csv"
LAND_USES = "rothc_land_uses.csv"
PRACTICES = "rothc_practices.csv"
CARBON_FRACTIONS = "carbon_fractions.csv"
SETTINGS = "rothc_farm.csv"
STATUSES = ("verified_primary", "verified_secondary", "computed", "estimate", "not_represented", "definition")
MONTHS = tuple(f"m{month:02d}" for month in range(1, 13))
CLIMATE_VARIABLES = ("temperature_c", "rainfall_mm", "pan_evaporation_mm")
#: Land uses a practice can lead to besides those of the farm vocabulary.
TARGET_LAND_USES = ("set_aside",)
#: The row of adopting nothing.
NO_PRACTICE = "none"


@dataclass(frozen=True)
class RothCFarmTables:
    """The driver tables, validated.

    Attributes
    ----------
    climates : zone -> (3, 12) temperature (deg C), rainfall (mm), open-pan evaporation (mm), Jan..Dec.
    land_uses : land use (index) -> represented, dpm_rpm_ratio, covered_months.
    practices : practice id (index, with ``none``) -> the columns of ``rothc_practices.csv``.
    carbon_fractions : material (index) -> c_fraction_dm, dm_fraction_fresh, ...
    settings : parameter -> value (``rothc_farm.csv``).
    """

    climates: Mapping[str, np.ndarray]
    land_uses: pd.DataFrame
    practices: pd.DataFrame
    carbon_fractions: pd.DataFrame
    settings: Mapping[str, float]

    # Plain dictionaries of the rows: a pandas cell look-up costs ~10 us, and
    # combining practices reads a dozen cells per practice.
    @cached_property
    def practice_rows(self) -> Mapping[str, Mapping[str, Any]]:
        """Practice id -> its row of ``rothc_practices.csv`` as a dictionary."""
        return MappingProxyType(self.practices.to_dict("index"))

    @cached_property
    def land_use_rows(self) -> Mapping[str, Mapping[str, Any]]:
        """Land use -> its row of ``rothc_land_uses.csv`` as a dictionary."""
        return MappingProxyType(self.land_uses.to_dict("index"))


def _check_status(name: str, frame: pd.DataFrame) -> None:
    require_values(name, frame, "status", STATUSES)
    said = frame["source"].str.contains("estimate:") | frame["note"].str.contains("estimate:")
    estimates = frame.index[(frame["status"] == "estimate") & ~said]
    if len(estimates):
        raise KnowledgeBaseError(f"{name}: data row(s) {list(estimates + 1)} are estimates whose source or note "
                                 "does not say 'estimate:' and how it was reached.")


def load_rothc_climates() -> Mapping[str, np.ndarray]:
    """Representative monthly climate of each IPCC zone: zone -> (3, 12) array."""
    frame = read_table(CLIMATES, {"climate_zone": "str", "variable": "str", "unit": "str",
                                  **{month: "float" for month in MONTHS}, "status": "str", "error_pct": "float?",
                                  "station": "str", "source": "str", "note": "str?"}, ["climate_zone", "variable"])
    require_values(CLIMATES, frame, "climate_zone", [zone.value for zone in ClimateZone])
    require_values(CLIMATES, frame, "variable", CLIMATE_VARIABLES)
    _check_status(CLIMATES, frame)
    if len(frame) != len(ClimateZone) * len(CLIMATE_VARIABLES):
        raise KnowledgeBaseError(f"{CLIMATES}: needs the {len(CLIMATE_VARIABLES)} variables for each of the "
                                 f"{len(ClimateZone)} climate zones.")
    values = frame.set_index(["climate_zone", "variable"])[list(MONTHS)]
    if (values.loc[(slice(None), ["rainfall_mm", "pan_evaporation_mm"]), :] < 0).any().any():
        raise KnowledgeBaseError(f"{CLIMATES}: rainfall and evaporation cannot be negative.")
    climates = {zone.value: values.loc[zone.value].loc[list(CLIMATE_VARIABLES)].to_numpy(dtype=float)
                for zone in ClimateZone}
    return MappingProxyType(climates)


def load_rothc_land_uses() -> pd.DataFrame:
    """DPM/RPM ratio and covered months of each land use (and of the land uses practices lead to)."""
    frame = read_table(LAND_USES, {"land_use": "str", "represented": "float", "dpm_rpm_ratio": "float?",
                                   "covered_months": "float?", "status": "str", "source": "str", "note": "str?"},
                       ["land_use"])
    require_values(LAND_USES, frame, "land_use", [use.value for use in LandUse] + list(TARGET_LAND_USES))
    _check_status(LAND_USES, frame)
    represented = frame["represented"] == 1
    if not frame.loc[represented, "covered_months"].between(0, 12).all() or \
            not (frame.loc[represented, "dpm_rpm_ratio"] > 0).all():
        raise KnowledgeBaseError(f"{LAND_USES}: a represented land use needs 0-12 covered months and a positive "
                                 "DPM/RPM ratio.")
    return frame.set_index("land_use")


def load_rothc_practices(practice_ids: Iterable[str], land_uses: Iterable[str]) -> pd.DataFrame:
    """How each practice of the catalogue (and ``none``) changes the RothC drivers; one row each."""
    numbers = ("represented", "plant_input_relative", "plant_input_t_c_ha_yr", "fym_t_c_ha_yr",
               "min_covered_months", "dpm_rpm_ratio", "decomposition_scale", "rain_factor_covered",
               "irrigate_covered", "biochar_iom", "error_pct")
    frame = read_table(PRACTICES, {"practice_id": "str", **{column: "float?" for column in numbers},
                                   "land_use_to": "str?", "status": "str", "source": "str", "note": "str?"},
                       ["practice_id"])
    expected = set(practice_ids) | {NO_PRACTICE}
    require_values(PRACTICES, frame, "practice_id", expected)
    missing = sorted(expected - set(frame["practice_id"]))
    if missing:
        raise KnowledgeBaseError(f"{PRACTICES}: no row for practice(s) {missing}; every practice of the catalogue "
                                 "needs one (represented 0 when RothC cannot represent it).")
    _check_status(PRACTICES, frame)
    targets = frame["land_use_to"][frame["land_use_to"] != ""]
    require_values(PRACTICES, frame.loc[targets.index], "land_use_to", land_uses)
    frame = frame.set_index("practice_id")
    represented = frame["represented"] == 1
    for column in ("plant_input_relative", "plant_input_t_c_ha_yr", "fym_t_c_ha_yr", "irrigate_covered",
                   "biochar_iom"):
        frame[column] = frame[column].fillna(0.0)
        if (frame.loc[represented, column] < 0).any():
            raise KnowledgeBaseError(f"{PRACTICES}: column '{column}' cannot be negative.")
    for column in ("decomposition_scale", "rain_factor_covered", "dpm_rpm_ratio"):
        if (frame[column] <= 0).any():
            raise KnowledgeBaseError(f"{PRACTICES}: column '{column}' must be positive where given.")
    if not frame["min_covered_months"].dropna().between(0, 12).all():
        raise KnowledgeBaseError(f"{PRACTICES}: min_covered_months must lie in 0-12.")
    return frame


def load_carbon_fractions() -> pd.DataFrame:
    """Carbon per unit dry matter (and dry matter per unit fresh weight) of residues and amendments."""
    frame = read_table(CARBON_FRACTIONS, {"material": "str", "c_fraction_dm": "float", "low": "float",
                                          "high": "float", "dm_fraction_fresh": "float?", "n_g_kg_dm": "float?",
                                          "status": "str", "source": "str", "note": "str?"}, ["material"])
    _check_status(CARBON_FRACTIONS, frame)
    if not ((frame["low"] <= frame["c_fraction_dm"]) & (frame["c_fraction_dm"] <= frame["high"])
            & (frame["high"] < 1) & (frame["low"] > 0)).all():
        raise KnowledgeBaseError(f"{CARBON_FRACTIONS}: need 0 < low <= c_fraction_dm <= high < 1.")
    for material in ("crop_residue", "cattle_fym"):
        if material not in set(frame["material"]):
            raise KnowledgeBaseError(f"{CARBON_FRACTIONS}: missing material '{material}'.")
    return frame.set_index("material")


def load_rothc_settings() -> Mapping[str, float]:
    """Depth and application month used to build a farm's drivers (``rothc_farm.csv``)."""
    frame = read_table(SETTINGS, {"parameter": "str", "value": "float", "unit": "str", "status": "str",
                                  "source": "str", "note": "str?"}, ["parameter"])
    _check_status(SETTINGS, frame)
    settings = dict(zip(frame["parameter"], frame["value"]))
    for name in ("depth_cm", "fym_month"):
        if name not in settings:
            raise KnowledgeBaseError(f"{SETTINGS}: missing parameter '{name}'.")
    return MappingProxyType(settings)


@lru_cache(maxsize=4)
def load_rothc_farm_tables(practice_ids: tuple[str, ...]) -> RothCFarmTables:
    """All driver tables, read once per catalogue of practice ids."""
    land_uses = load_rothc_land_uses()
    return RothCFarmTables(
        climates=load_rothc_climates(),
        land_uses=land_uses,
        practices=load_rothc_practices(practice_ids, land_uses.index),
        carbon_fractions=load_carbon_fractions(),
        settings=load_rothc_settings(),
    )
