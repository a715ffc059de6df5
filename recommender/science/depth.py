"""Depth correction: an SOC change measured over 0-d cm, expressed over 0-30 cm.

Studies sample different layers; the engine's stocks and gains are for the
IPCC default 0-30 cm (``method.csv``, ``reference_depth_cm``). The cumulative
fraction of the profile's SOC between the surface and depth ``d`` (cm) is
modelled as (Gale & Grigal 1987)::

    Y(d) = 1 - beta ** d

with ``beta`` per land use from the SOC depth distributions of Jobbagy &
Jackson (2000), table ``recommender/data/depth_distribution.csv`` (values,
sources and the estimates among them are listed there). A change measured
over 0-d cm is scaled by ``Y(30) / Y(d)``: up for shallower samples, down for
deeper ones, unchanged at 30 cm.

Assumption to keep in mind: the *change* is taken to be distributed with depth
like the *stock*. Practices that move carbon towards the surface (no-till,
surface-applied residues or manure) gain relatively more in the top layer, so
scaling a shallow sample up overstates their 0-30 cm gain; the correction is
most trustworthy close to 30 cm.
"""

from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.knowledge._tables import KnowledgeBaseError, read_table, require_values
from recommender.knowledge.method import load_method
from recommender.vocabulary import LandUse, allowed

NAME = "depth_distribution.csv"
#: Shallower samples are refused: the factor exceeds ~4.5 below 5 cm, so the
#: sampling noise of a thin surface layer would dominate the corrected value.
MIN_DEPTH_CM = 5.0
#: Deeper samples are refused: the fitted distributions describe the first
#: metre (the published fractions are relative to 0-100 cm).
MAX_DEPTH_CM = 100.0


@lru_cache(maxsize=1)
def load_depth_distribution() -> pd.DataFrame:
    """The depth-distribution table indexed by ``land_use``.

    Columns: ``beta`` (per cm, dimensionless), ``top20_fraction_of_100cm``
    (the published fraction ``beta`` reproduces), ``vegetation_type``,
    ``source``, ``note``.
    """
    frame = read_table(
        NAME,
        {
            "land_use": "str",
            "vegetation_type": "str",
            "top20_fraction_of_100cm": "float",
            "beta": "float",
            "source": "str",
            "note": "str?",
        },
        ["land_use"],
    )
    require_values(NAME, frame, "land_use", [u.value for u in LandUse])
    missing = sorted({u.value for u in LandUse} - set(frame["land_use"]))
    if missing:
        raise KnowledgeBaseError(f"{NAME}: no row for land use(s) {missing}.")
    if ((frame["beta"] <= 0) | (frame["beta"] >= 1)).any():
        raise KnowledgeBaseError(f"{NAME}: beta must lie in (0, 1).")
    return frame.set_index("land_use")


def reference_depth_cm() -> float:
    """The engine's reference depth, cm (IPCC default, 30 cm)."""
    return float(load_method()["reference_depth_cm"])


def cumulative_fraction(depth_cm, beta) -> np.ndarray:
    """Fraction of the profile's SOC between the surface and ``depth_cm``.

    Parameters
    ----------
    depth_cm : float or array-like
        Depth, cm.
    beta : float or array-like
        Depth coefficient of ``Y = 1 - beta ** d`` (per cm).
    """
    return 1.0 - np.power(np.asarray(beta, dtype=float), np.asarray(depth_cm, dtype=float))


def _betas(land_use, size: int) -> np.ndarray:
    table = load_depth_distribution()["beta"]
    uses = pd.Series(np.broadcast_to(np.asarray(land_use, dtype=object), (size,)))
    betas = uses.map(table)
    unknown = sorted(set(uses[betas.isna()].astype(str)))
    if unknown:
        raise ValueError(f"unknown land use(s) {unknown}; allowed: {allowed(LandUse)}")
    return betas.to_numpy(float)


def _checked_depths(depth_cm) -> np.ndarray:
    depths = np.atleast_1d(np.asarray(depth_cm, dtype=float))
    bad = ~((depths >= MIN_DEPTH_CM) & (depths <= MAX_DEPTH_CM))
    if bad.any():
        shown = sorted({float(d) for d in depths[bad]}, key=str)[:5]
        raise ValueError(
            f"sampling depth(s) {shown} cm outside the supported {MIN_DEPTH_CM:g}-{MAX_DEPTH_CM:g} cm; "
            "give the bottom of a layer that starts at the surface (0-d cm), "
            f"between {MIN_DEPTH_CM:g} and {MAX_DEPTH_CM:g} cm"
        )
    return depths


def depth_factor(depth_cm, land_use) -> np.ndarray:
    """``Y(30) / Y(d)``: multiply a quantity over 0-d cm by this to get 0-30 cm.

    Parameters
    ----------
    depth_cm : float or array-like
        Bottom of the sampled layer ``0-d``, cm, in [5, 100].
    land_use : str or array-like of str
        ``recommender.vocabulary.LandUse`` value(s), broadcast against
        ``depth_cm``.

    Returns
    -------
    numpy.ndarray
        Dimensionless factor, 1 at 30 cm, above 1 for shallower layers.

    Raises
    ------
    ValueError
        A depth outside [5, 100] cm (or missing), or an unknown land use.
    """
    depths = _checked_depths(depth_cm)
    betas = _betas(land_use, depths.size)
    return cumulative_fraction(reference_depth_cm(), betas) / cumulative_fraction(depths, betas)


def to_reference_depth(delta, depth_cm, land_use) -> np.ndarray:
    """An SOC change (or stock) over 0-d cm, expressed over 0-30 cm.

    Parameters
    ----------
    delta : float or array-like
        Change over the sampled layer, t C/ha/yr (a stock in t C/ha works
        the same way).
    depth_cm : float or array-like
        Bottom of the sampled layer ``0-d``, cm, in [5, 100].
    land_use : str or array-like of str
        ``recommender.vocabulary.LandUse`` value(s).

    Returns
    -------
    numpy.ndarray
        The same quantity over 0-30 cm (t C/ha/yr, or t C/ha).

    Examples
    --------
    >>> float(to_reference_depth(0.3, 30, "cropland")[0])
    0.3
    """
    values = np.atleast_1d(np.asarray(delta, dtype=float))
    factor = depth_factor(np.broadcast_to(np.asarray(depth_cm, dtype=float), values.shape), land_use)
    return values * factor
