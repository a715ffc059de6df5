"""The IPCC climate zone of a site from its climate normals.

Decision rule of the IPCC 2019 Refinement, Vol. 4 Ch. 3 Annex 3A.5
(Figure 3A.5.2, with the published corrigendum), applied in this order:

1. *Tropical* if MAT > 18 C and the site is frost-free (at most 7 frost days
   a year): *montane* above 1000 m elevation, else *wet* if MAP > 2000 mm,
   *moist* if 1000 < MAP <= 2000 mm, *dry* if MAP <= 1000 mm.
2. *Warm temperate* if MAT > 10 C; *cool temperate* if MAT > 0 C;
   otherwise *boreal*, or *polar* when every month is below 10 C.
3. Outside the tropics, *moist* if MAP / PET > 1, else *dry*.

Approximations, used only where the input is missing:

* **PET** (mm/yr). When not given, the Holdridge (1967) estimate
  ``PET = 58.93 x biotemperature`` (Holdridge L.R., *Life Zone Ecology*,
  Tropical Science Center, San Jose; the same relation defines the PET ratio
  of the Holdridge life zones), with biotemperature approximated by MAT
  clipped to [0, 30] C because monthly temperatures are unknown. This proxy
  decides every moist/dry split outside the tropics. It runs lower than
  Penman-Monteith PET in sunny, windy continental climates, so borderline
  sites lean *moist*; and at MAT <= 0 C it gives PET = 0, so boreal and
  polar sites without a PET are always *moist*. Give ``pet_mm`` where known.
* **Frost days**. When not given, MAT > 18 C is taken as frost-free.
* **Polar vs boreal** needs the warmest month, which IPCC reads from monthly
  temperatures. When ``warmest_month_c`` is not given, a site with
  MAT <= 0 C is classed *boreal*: the polar zone (no month reaching 10 C) lies
  beyond the tree line, where cropland and managed grassland are practically
  absent, so for the farms this engine serves boreal is by far the likelier
  class. Give ``warmest_month_c`` for tundra sites.

Missing MAT gives a missing zone; so does missing MAP, and a missing
elevation where the site is tropical (montane cannot be told apart).
"""

import numpy as np
import pandas as pd

from recommender.knowledge import load_knowledge_base
from recommender.vocabulary import ClimateZone

TROPICAL_MIN_MAT_C = 18.0
TROPICAL_MAX_FROST_DAYS = 7.0
MONTANE_MIN_ELEVATION_M = 1000.0
TROPICAL_WET_MIN_MAP_MM = 2000.0
TROPICAL_MOIST_MIN_MAP_MM = 1000.0
WARM_TEMPERATE_MIN_MAT_C = 10.0
COOL_TEMPERATE_MIN_MAT_C = 0.0
POLAR_MAX_WARMEST_MONTH_C = 10.0
#: Holdridge biotemperature counts temperatures between 0 and 30 C only.
BIOTEMPERATURE_RANGE_C = (0.0, 30.0)


def holdridge_pet_mm(mat_c) -> np.ndarray:
    """Annual PET (mm/yr) from MAT (C) by Holdridge (1967), MAT as biotemperature."""
    biotemperature = np.clip(np.asarray(mat_c, dtype=float), *BIOTEMPERATURE_RANGE_C)
    # Holdridge (1967): mean annual PET (mm) = coefficient x biotemperature (C);
    # the coefficient and its source are in recommender/data/method.csv.
    return load_knowledge_base().method["holdridge_pet_mm_per_c"] * biotemperature


def _column(value, size: int) -> np.ndarray:
    if value is None:
        return np.full(size, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


def ipcc_climate_zone(
    mat_c,
    map_mm,
    elevation_m=None,
    pet_mm=None,
    *,
    warmest_month_c=None,
    frost_days=None,
) -> pd.Series:
    """IPCC climate zone of each site (rule and approximations: module docstring).

    Parameters
    ----------
    mat_c : float or array-like
        Mean annual temperature, C.
    map_mm : float or array-like
        Mean annual precipitation, mm/yr.
    elevation_m : float or array-like, optional
        Elevation, m above sea level; needed for tropical sites only.
    pet_mm : float or array-like, optional
        Mean annual potential evapotranspiration, mm/yr; missing values take
        the Holdridge proxy.
    warmest_month_c : float or array-like, optional
        Mean temperature of the warmest month, C (polar vs boreal).
    frost_days : float or array-like, optional
        Frost days per year (tropical needs at most 7).

    Returns
    -------
    pandas.Series
        ``recommender.vocabulary.ClimateZone`` values (str), ``None`` where
        the inputs do not decide the zone. Keeps the index of ``mat_c`` when
        it is a Series.

    Examples
    --------
    >>> ipcc_climate_zone([25, 12, 12], [1500, 900, 500], [200, 300, 300]).tolist()
    ['tropical_moist', 'warm_temperate_moist', 'warm_temperate_dry']
    """
    index = mat_c.index if isinstance(mat_c, pd.Series) else None
    mat = np.atleast_1d(np.asarray(mat_c, dtype=float)).copy()
    size = mat.size
    rain = _column(map_mm, size)
    elevation = _column(elevation_m, size)
    pet = _column(pet_mm, size)
    pet = np.where(np.isnan(pet), holdridge_pet_mm(mat), pet)
    warmest = _column(warmest_month_c, size)
    frost = _column(frost_days, size)

    # Comparisons with NaN are False, so each mask is "known and true".
    frost_free = ~(frost > TROPICAL_MAX_FROST_DAYS)
    tropical = (mat > TROPICAL_MIN_MAT_C) & frost_free
    with np.errstate(divide="ignore", invalid="ignore"):
        # PET = 0 (MAT <= 0 C without a PET) gives an infinite ratio: moist.
        moist = rain / pet > 1.0
    polar = warmest < POLAR_MAX_WARMEST_MONTH_C

    conditions = [
        tropical & (elevation > MONTANE_MIN_ELEVATION_M),
        tropical & (elevation <= MONTANE_MIN_ELEVATION_M) & (rain > TROPICAL_WET_MIN_MAP_MM),
        tropical & (elevation <= MONTANE_MIN_ELEVATION_M) & (rain > TROPICAL_MOIST_MIN_MAP_MM)
        & (rain <= TROPICAL_WET_MIN_MAP_MM),
        tropical & (elevation <= MONTANE_MIN_ELEVATION_M) & (rain <= TROPICAL_MOIST_MIN_MAP_MM),
    ]
    choices = [
        ClimateZone.TROPICAL_MONTANE,
        ClimateZone.TROPICAL_WET,
        ClimateZone.TROPICAL_MOIST,
        ClimateZone.TROPICAL_DRY,
    ]
    extratropical = ~tropical & ~np.isnan(mat) & ~np.isnan(rain)
    bands = [
        (mat > WARM_TEMPERATE_MIN_MAT_C, ClimateZone.WARM_TEMPERATE_MOIST, ClimateZone.WARM_TEMPERATE_DRY),
        (
            (mat > COOL_TEMPERATE_MIN_MAT_C) & (mat <= WARM_TEMPERATE_MIN_MAT_C),
            ClimateZone.COOL_TEMPERATE_MOIST,
            ClimateZone.COOL_TEMPERATE_DRY,
        ),
        ((mat <= COOL_TEMPERATE_MIN_MAT_C) & polar, ClimateZone.POLAR_MOIST, ClimateZone.POLAR_DRY),
        ((mat <= COOL_TEMPERATE_MIN_MAT_C) & ~polar, ClimateZone.BOREAL_MOIST, ClimateZone.BOREAL_DRY),
    ]
    for band, wet_zone, dry_zone in bands:
        conditions += [extratropical & band & moist, extratropical & band & ~moist]
        choices += [wet_zone, dry_zone]
    zones = np.select(conditions, [zone.value for zone in choices], default="").astype(object)
    zones[zones == ""] = None
    return pd.Series(zones, index=index, dtype=object)
