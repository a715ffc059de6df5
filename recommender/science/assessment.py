"""What the accounting alone says about one farm (``recommender assess``).

The Tier 1 stock with its interval, the 4 per 1000 target, and the gain of
every applicable practice or of a set of practices adopted together, with
the 10-90 % interval of the draws, capped at the soil's capacity.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.inputs.farm import ContextKey, FarmContext
from recommender.science.state import State
from recommender.science.tier1 import QUANTILES, Tier1Engine


@dataclass(frozen=True)
class Gain:
    """Expected soil-carbon gain of adopting one practice or a set (the accounting alone)."""

    practice_ids: tuple[str, ...]
    gain_t_c_ha_yr: float
    interval_t_c_ha_yr: tuple[float, float]
    gain_t_co2e_ha_yr: float
    gain_over_horizon_t_c_ha: float
    horizon_years: float
    share_of_target: float
    years_to_saturation: float
    equilibrium_soc_t_ha: float
    capped_by_capacity: bool
    relative_part_t_c_ha_yr: float
    biochar_part_t_c_ha_yr: float


@dataclass(frozen=True)
class Assessment:
    """Everything the accounting says about one field."""

    context: FarmContext
    soil_class: str
    state: State
    stock_t_c_ha: float
    stock_measured: bool
    stock_interval_t_c_ha: tuple[float, float]
    capacity_t_c_ha: float
    target_t_c_ha_yr: float
    gains: tuple[Gain, ...]
    excluded: dict[str, str]


def gain(engine: Tier1Engine, key: ContextKey, practice_ids: Sequence[str], stock: float | None,
         horizon_years: float) -> Gain:
    """Gain of adopting ``practice_ids`` together (factors multiply), capped at capacity."""
    stock_central, relative_part, rate, draws = engine.gain_draws(key, practice_ids, stock)
    years = engine.transition_years
    headroom = max(engine.capacity(key) - stock_central, 0.0) / years
    central = min(relative_part + rate, headroom)
    low, high = (float(min(q, headroom)) for q in np.percentile(draws, QUANTILES))
    return Gain(
        practice_ids=tuple(practice_ids),
        gain_t_c_ha_yr=float(central),
        # The central estimate is the tables' own figure; a skewed draw
        # distribution must not leave it outside its interval.
        interval_t_c_ha_yr=(min(low, central), max(high, central)),
        gain_t_co2e_ha_yr=central * engine.co2_per_c,
        gain_over_horizon_t_c_ha=central * min(horizon_years, years),
        horizon_years=horizon_years,
        share_of_target=central / (engine.target_fraction * stock_central),
        years_to_saturation=years,
        equilibrium_soc_t_ha=stock_central + central * years,
        capped_by_capacity=relative_part + rate > headroom,
        relative_part_t_c_ha_yr=relative_part,
        biochar_part_t_c_ha_yr=rate,
    )


def assess(engine: Tier1Engine, context: FarmContext, horizon_years: float | None = None) -> Assessment:
    """Stock, 4 per 1000 target and the gain of every applicable practice."""
    horizon_years = horizon_years or engine.transition_years
    key = context.key
    applicable, excluded = engine.screen(key)
    stock, stock_draws = engine.tier1_stock(key)
    if context.soc_t_ha is not None:
        stock, interval = context.soc_t_ha, (context.soc_t_ha, context.soc_t_ha)
    else:
        low, high = np.percentile(stock_draws, QUANTILES)
        interval = (float(low), float(high))
    return Assessment(
        context=context,
        soil_class=key.soil_class,
        state=engine.current_state(key),
        stock_t_c_ha=float(stock),
        stock_measured=context.soc_t_ha is not None,
        stock_interval_t_c_ha=interval,
        capacity_t_c_ha=engine.capacity(key),
        target_t_c_ha_yr=engine.target_fraction * float(stock),
        gains=tuple(gain(engine, key, (pid,), context.soc_t_ha, horizon_years) for pid in applicable),
        excluded=dict(excluded),
    )
