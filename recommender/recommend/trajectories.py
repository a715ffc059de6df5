"""A field's stock year by year after adopting a practice, by each method, and their spread.

The accounting's time path (IPCC Tier 1), and the trained model's: the stock
moves linearly from today's value to its new equilibrium over the transition
D, then stays there. A gain is already capped at the soil's capacity, so no
path crosses it. RothC's path comes from the process model
(``recommender.science.rothc.farm``), capped at the capacity too. The spread
of the methods' yearly gains over the horizon is the structural range.
"""

from collections.abc import Sequence

import numpy as np

from recommender.recommend.practice_details import Farms
from recommender.science.rothc.farm import FarmRothC


def horizon_years(horizon: float) -> np.ndarray:
    """Years 0, 1, ... up to ``horizon`` (ending exactly at it)."""
    years = np.arange(0.0, np.floor(horizon) + 1.0)
    return years if years[-1] == horizon else np.append(years, horizon)


def trajectory(stock: float | np.ndarray, gain: float | np.ndarray, transition_years: float,
               years: np.ndarray) -> np.ndarray:
    """SOC (t C/ha) at ``years`` after adopting a practice gaining ``gain`` t C/ha/yr
    (arrays broadcast: many fields and practices at once)."""
    return stock + gain * np.minimum(years, transition_years)


def rothc_paths(rothc: FarmRothC, farms: Farms, farm: np.ndarray, practice_sets: Sequence[tuple[str, ...]],
                set_index: np.ndarray, years: np.ndarray) -> np.ndarray:
    """(len(farm), len(years)) RothC stock of each ``farm`` adopting ``practice_sets[set_index]``
    from today's stock, capped at its soil's capacity; NaN where RothC does not apply.

    RothC takes the texture's typical clay (one run serves every farm of a
    context, as the accounting does) and the farm's own monthly climate when
    the table has one.
    """
    if len(farm) == 0:
        return np.empty((0, len(years)))
    climates = None if farms.climate is None else [farms.climate]
    climate_index = None if farms.climate is None else np.zeros(len(farm), dtype=np.int64)
    paths = rothc.paths_many(farms.keys, farms.context[farm], farms.stock[farm], practice_sets, set_index, years,
                             climates=climates, climate_index=climate_index)
    return np.minimum(paths, farms.capacity[farm][:, None])


def set_codes(sets: Sequence[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The distinct sets of ``sets`` and each one's position among them."""
    distinct: dict[tuple[str, ...], int] = {}
    index = np.array([distinct.setdefault(tuple(s), len(distinct)) for s in sets], dtype=np.int64)
    return list(distinct), index


def structural_range(gains: np.ndarray, factor: float, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lowest and highest of each row of ``gains`` (items x methods, t C/ha/yr; NaN:
    a method that does not apply), and whether they disagree by more than
    ``factor``: the highest exceeds ``factor`` times the lowest (a lowest at or
    below zero counts as zero), by more than ``floor`` t C/ha/yr."""
    low, high = np.nanmin(gains, axis=1), np.nanmax(gains, axis=1)
    return low, high, high - factor * np.maximum(low, 0.0) > floor
