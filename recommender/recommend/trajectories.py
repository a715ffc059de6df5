"""A field's stock year by year after adopting a practice.

The accounting's time path (IPCC Tier 1): the stock moves linearly from
today's value to its new equilibrium over the transition D, then stays
there. A gain is already capped at the soil's capacity, so no path crosses it.
"""

import numpy as np


def horizon_years(horizon: float) -> np.ndarray:
    """Years 0, 1, ... up to ``horizon`` (ending exactly at it)."""
    years = np.arange(0.0, np.floor(horizon) + 1.0)
    return years if years[-1] == horizon else np.append(years, horizon)


def trajectory(stock: float | np.ndarray, gain: float | np.ndarray, transition_years: float,
               years: np.ndarray) -> np.ndarray:
    """SOC (t C/ha) at ``years`` after adopting a practice gaining ``gain`` t C/ha/yr
    (arrays broadcast: many fields and practices at once)."""
    return stock + gain * np.minimum(years, transition_years)
