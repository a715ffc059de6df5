"""Practices as RothC drivers: what a field's land use and practices do to its monthly drivers.

Each practice of the catalogue has a row of ``recommender/data/rothc_practices.csv``
saying how it changes RothC's drivers: extra plant carbon (relative to the
field's own input, or absolute), farmyard-manure-like carbon, months of plant
cover, the DPM/RPM ratio, a decomposition-rate modifier (tillage), water
(harvesting, irrigation), biochar carbon into the inert pool, or a new land
use. :func:`combine` adds up a set of practices; :func:`build_drivers` turns
many combined effects into one batch of :class:`~.model.Drivers` with *unit*
inputs (1 t C/ha/yr of plant carbon spread over the covered months, 1 t C/ha/yr
of manure in one month), so that every response is per unit of input and a
field's own input and a practice's amounts only rescale it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.knowledge.rothc_farm import RothCFarmTables

from .climate import MONTHS, covered_calendar, growing_window
from .model import Drivers
from .modifiers import Array
from .parameters import RothCParameters


@dataclass(frozen=True)
class PracticeEffect:
    """What a field's land use and set of practices make of its drivers (one field).

    Attributes
    ----------
    represented : False where RothC cannot represent the land use or a practice (paths are NaN).
    land_use : the land use after the practices (a practice may change it).
    season_months : covered months of the land use alone, which place the growing season.
    covered_months : covered months with the practices (cover crops lengthen them).
    dpm_rpm : DPM/RPM ratio of the plant input.
    decomposition_scale : multiplier of all decomposition rates (tillage).
    plant_relative : extra plant input as a share of the field's own input.
    plant_t_c : extra plant input, t C/ha/yr.
    fym_t_c : manure and compost carbon, t C/ha/yr.
    rain_factor : multiplier of the rainfall of covered months (water harvesting).
    irrigate : covered months get at least RothC's evapotranspiration in water.
    biochar : the practices apply biochar, whose persistent carbon joins IOM.
    """

    represented: bool
    land_use: str
    season_months: int
    covered_months: int
    dpm_rpm: float
    decomposition_scale: float
    plant_relative: float
    plant_t_c: float
    fym_t_c: float
    rain_factor: float
    irrigate: bool
    biochar: bool


def _given(value: float) -> bool:
    return not pd.isna(value)


def combine(tables: RothCFarmTables, land_use: str, practices: Sequence[str],
            new: Sequence[str] = ()) -> PracticeEffect:
    """The effect of a field's ``practices`` (current ones first, then ``new`` ones).

    Amounts add up. The last tillage practice sets the decomposition modifier,
    so a new tillage replaces the current one. A practice that changes the
    land use ends the current practices (tillage, covers, amendments), which
    belong to the old land use; new practices stay. Biochar counts only among
    the ``new`` practices: biochar applied so far is already in today's stock.
    """
    rows, uses = tables.practice_rows, tables.land_use_rows
    changes_use = [p for p in new if _given_text(rows[p]["land_use_to"])]
    kept = list(dict.fromkeys([p for p in practices if not changes_use] + list(new)))
    use = str(rows[changes_use[-1]]["land_use_to"]) if changes_use else land_use
    represented = bool(uses[use]["represented"] == 1) and all(rows[p]["represented"] == 1 for p in kept)
    if not represented:
        return PracticeEffect(False, use, 0, 0, np.nan, np.nan, 0.0, 0.0, 0.0, 1.0, False, False)
    season = int(uses[use]["covered_months"])

    def given(column: str) -> list[float]:
        return [float(rows[p][column]) for p in kept if _given(rows[p][column])]

    covered = int(max([season] + given("min_covered_months")))
    ratios, scales, rain = given("dpm_rpm_ratio"), given("decomposition_scale"), given("rain_factor_covered")
    return PracticeEffect(
        represented=True, land_use=use, season_months=season, covered_months=covered,
        dpm_rpm=ratios[-1] if ratios else float(uses[use]["dpm_rpm_ratio"]),
        decomposition_scale=scales[-1] if scales else 1.0,
        plant_relative=float(sum(rows[p]["plant_input_relative"] for p in kept)),
        plant_t_c=float(sum(rows[p]["plant_input_t_c_ha_yr"] for p in kept)),
        fym_t_c=float(sum(rows[p]["fym_t_c_ha_yr"] for p in kept)),
        rain_factor=float(np.prod(rain)) if rain else 1.0,
        irrigate=any(rows[p]["irrigate_covered"] == 1 for p in kept),
        biochar=any(rows[p]["biochar_iom"] == 1 for p in new),
    )


def _given_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def build_drivers(tables: RothCFarmTables, params: RothCParameters, climates: Array, clay: Array,
                  effects: Sequence[PracticeEffect]) -> Drivers:
    """One batch of drivers, a field per effect, with unit plant and manure inputs.

    Parameters
    ----------
    climates : (n, 3, 12) temperature, rainfall, open-pan evaporation.
    clay : (n,) clay, %.
    effects : n combined effects (fields RothC cannot represent get cover and
        inputs of a bare fallow; their results are set to NaN by the caller).

    The plant input (1 t C/ha/yr) is spread evenly over the covered months,
    the manure (1 t C/ha/yr) falls in the ``fym_month``-th month of the land
    use's growing season. Depth is ``depth_cm`` of ``rothc_farm.csv`` (0-30 cm,
    the project's stocks): RothC scales its moisture deficit to it.
    """
    climates = np.asarray(climates, dtype=float).reshape(-1, 3, MONTHS)
    season = np.array([e.season_months for e in effects])
    start = growing_window(climates, season, params)
    covered = covered_calendar(start, [e.covered_months for e in effects])
    plant = covered / np.maximum(covered.sum(axis=1, keepdims=True), 1.0)
    fym = covered_calendar(start + tables.settings["fym_month"], 1)
    rainfall = climates[:, 1] * np.where(covered > 0, np.array([e.rain_factor for e in effects])[:, None], 1.0)
    irrigated = np.array([e.irrigate for e in effects])[:, None] & (covered > 0)
    rainfall = np.where(irrigated, np.maximum(rainfall, params.evaporation_factor * climates[:, 2]), rainfall)
    ratio = np.array([e.dpm_rpm if e.represented else 1.0 for e in effects])
    scale = np.array([e.decomposition_scale if e.represented else 1.0 for e in effects])
    return Drivers(temperature=climates[:, 0], rainfall=rainfall, evaporation=climates[:, 2], plant_cover=covered,
                   plant_input=plant, clay=np.asarray(clay, dtype=float), depth=tables.settings["depth_cm"],
                   fym_input=fym, dpm_rpm_ratio=ratio[:, None], decomposition_scale=scale[:, None])
