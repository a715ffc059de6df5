"""A farm's monthly climate for RothC, and where its growing season falls.

RothC needs, for each month, the mean air temperature, the rainfall and the
open-pan evaporation. A farm may give its own 12 months
(:class:`MonthlyClimate`); otherwise the representative station of its IPCC
climate zone stands in (``recommender/data/rothc_climates.csv``, most rows
marked ``estimate:``).

Plant cover is a yes/no per month in RothC, so a land use's number of covered
months must be placed on the calendar. Placing them by a fixed calendar would
be wrong in the other hemisphere and in the tropics, where crops follow the
rains; :func:`growing_window` puts them on the consecutive months where
RothC's own temperature factor and the water supply are best together.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .modifiers import Array, temperature_modifier
from .parameters import RothCParameters, load_parameters

MONTHS = 12
#: Plausible bounds of a monthly mean air temperature, deg C (outside: a unit or typing mistake).
_TEMPERATURE_RANGE = (-70.0, 60.0)
#: Plausible upper bound of a month's rainfall or evaporation, mm.
_WATER_MAX = 5000.0


def _twelve(name: str, values: ArrayLike, low: float, high: float) -> tuple[float, ...]:
    array = np.asarray(values, dtype=float)
    if array.shape != (MONTHS,):
        raise ValueError(f"{name} needs 12 monthly values (January to December), got shape {array.shape}")
    if not np.isfinite(array).all() or (array < low).any() or (array > high).any():
        raise ValueError(f"{name} must be finite and lie in [{low}, {high}], got {array.tolist()}")
    return tuple(float(value) for value in array)


@dataclass(frozen=True)
class MonthlyClimate:
    """Twelve months (January to December) of a farm's climate, validated; hashable, so results can be cached.

    Attributes
    ----------
    temperature_c : mean monthly air temperature, deg C.
    rainfall_mm : monthly rainfall, mm (irrigation excluded: practices add it).
    pan_evaporation_mm : monthly open-pan evaporation, mm (RothC takes 0.75 of
        it as evapotranspiration; from a potential evapotranspiration, divide it by 0.75).
    """

    temperature_c: tuple[float, ...]
    rainfall_mm: tuple[float, ...]
    pan_evaporation_mm: tuple[float, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "temperature_c", _twelve("temperature_c", self.temperature_c, *_TEMPERATURE_RANGE))
        object.__setattr__(self, "rainfall_mm", _twelve("rainfall_mm", self.rainfall_mm, 0.0, _WATER_MAX))
        object.__setattr__(self, "pan_evaporation_mm",
                           _twelve("pan_evaporation_mm", self.pan_evaporation_mm, 0.0, _WATER_MAX))
        # Hashed once: batch scoring looks up cached RothC runs by climate hundreds of thousands of times.
        object.__setattr__(self, "_hash", hash((self.temperature_c, self.rainfall_mm, self.pan_evaporation_mm)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    @classmethod
    def from_array(cls, values: ArrayLike) -> "MonthlyClimate":
        """From a (3, 12) array: temperature, rainfall, open-pan evaporation."""
        array = np.asarray(values, dtype=float)
        if array.shape != (3, MONTHS):
            raise ValueError(f"a monthly climate array has shape (3, 12), got {array.shape}")
        return cls(tuple(array[0]), tuple(array[1]), tuple(array[2]))

    def array(self) -> Array:
        """(3, 12) temperature (deg C), rainfall (mm), open-pan evaporation (mm)."""
        return np.array([self.temperature_c, self.rainfall_mm, self.pan_evaporation_mm])


def growing_window(climates: ArrayLike, months: ArrayLike, params: RothCParameters | None = None) -> Array:
    """(n,) first month (0 = January) of the ``months`` consecutive months best suited to plant growth.

    Each month scores RothC's temperature rate modifier a (description
    section 1.6; 0 below -5 deg C) times the share of evapotranspiration the
    rain supplies, min(1, rain / (0.75 open-pan evaporation)); the window,
    wrapping round the year, with the highest total wins (the earliest on a
    tie). A rule of this project (estimate), not of RothC.

    Parameters
    ----------
    climates : (n, 3, 12) monthly climates.
    months : (n,) or scalar number of covered months, 0-12.
    """
    params = params or load_parameters()
    climates = np.asarray(climates, dtype=float).reshape(-1, 3, MONTHS)
    length = np.broadcast_to(np.asarray(months, dtype=int), climates.shape[:1])
    demand = params.evaporation_factor * climates[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        water = np.where(demand > 0, np.minimum(1.0, climates[:, 1] / demand), 1.0)
    score = temperature_modifier(climates[:, 0], params) * water
    running = np.concatenate([np.zeros((len(score), 1)), np.cumsum(np.tile(score, 2), axis=1)], axis=1)
    starts = np.arange(MONTHS)
    totals = np.take_along_axis(running, starts[None, :] + length[:, None], axis=1) - running[:, :MONTHS]
    return np.argmax(totals, axis=1).astype(float)


def covered_calendar(start: ArrayLike, months: ArrayLike) -> Array:
    """(n, 12) 1.0 in the ``months`` consecutive months from ``start`` (wrapping round the year), else 0.0."""
    start = np.asarray(start, dtype=int).reshape(-1, 1)
    months = np.asarray(months, dtype=int).reshape(-1, 1)
    offset = (np.arange(MONTHS)[None, :] - start) % MONTHS
    return (offset < months).astype(float)
