"""Synthetic observations with a known truth, to check that retraining learns.

One site per study, each site in one climate zone with two practices drawn
from a few common cropland practices. The true 20-year mean gain is the
Tier 1 gain times ``multiplier`` in ``zone`` and times 1 elsewhere; the
observed rate is that truth over a random duration (``training.duration``,
default ``tau``) plus Gaussian noise, sampled over 0-30 cm. A model that
learns from observations must find the zone's multiplier; Tier 1 cannot.
"""

import numpy as np
import pandas as pd

from recommender.science.tier1 import Tier1Engine

from .duration import to_duration
from .observations import validate_observations
from .pipeline import horizon_years, observation_rows

ZONES = ("warm_temperate_moist", "cool_temperate_moist", "tropical_moist", "warm_temperate_dry")
TEXTURES = ("loam", "silt_loam", "clay_loam")
PRACTICES = ("cover_crops", "no_till", "manure", "legume_rotation")
YEARS = (5, 30)


def synthetic_observations(engine: Tier1Engine, *, sites: int = 120, zone: str = "warm_temperate_moist",
                           multiplier: float = 2.0, noise_t_c_ha_yr: float = 0.1, seed: int = 0) -> pd.DataFrame:
    """Observation rows in the file schema of ``training/README.md`` (module docstring).

    Parameters
    ----------
    engine : Tier1Engine
    sites : int
        Sites (one study each), spread evenly over :data:`ZONES`.
    zone : str
        The climate zone whose response is ``multiplier`` times Tier 1.
    multiplier : float
    noise_t_c_ha_yr : float
        Standard deviation of the observation noise, t C/ha/yr.
    seed : int

    Returns
    -------
    pandas.DataFrame
        Ready for ``training.observations.validate_observations`` or a CSV.
    """
    rng = np.random.default_rng(seed)
    records = []
    for site in range(sites):
        texture = TEXTURES[rng.integers(len(TEXTURES))]
        years = float(rng.integers(*YEARS, endpoint=True))
        for practice in rng.choice(PRACTICES, size=2, replace=False):
            records.append({
                "study_id": f"study-{site}", "site_id": f"site-{site}", "practice": practice,
                "climate_zone": ZONES[site % len(ZONES)], "soil_texture": texture, "land_use": "cropland",
                "depth_cm": 30.0, "years": years, "delta_soc_t_ha_yr": 0.0,
            })
    frame = pd.DataFrame(records)
    # The truth is defined on Tier 1's gain for each row's context.
    rows = observation_rows(validate_observations(frame).observations, engine, None)
    truth = rows["tier1_gain_t_c_ha_yr"] * np.where(rows["climate_zone"] == zone, multiplier, 1.0)
    observed = to_duration(truth, rows["years"], None, horizon_years(engine))
    frame["delta_soc_t_ha_yr"] = np.round(observed + noise_t_c_ha_yr * rng.standard_normal(len(frame)), 5)
    return frame
