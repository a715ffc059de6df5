"""Duration: observed rates as the model's target, and back.

The model predicts the *mean annual gain over the Tier 1 horizon*
(``H = 20`` years, IPCC 2019 Vol. 4 Ch. 2 default transition time D;
``method.csv``), over 0-30 cm. Field observations report the mean annual
change over their own duration ``t``, so a rate must be converted before it
is compared. The conversion follows the time path the answers themselves
use, the IPCC one (``recommender.recommend.trajectories``): the stock moves
linearly for D years, then stays::

    dC(t) = dC_eq x min(t, D) / D

so an observed rate is the yearly gain itself when ``t <= D``, and
``r_t x t / D`` otherwise (:func:`to_horizon`; :func:`to_duration` is the
inverse). This is the default (``tau = None``) because it is the path the
engine answers with, and because the data do not support a faster approach
to equilibrium: the first-order model ``dC(t) = dC_eq x (1 - exp(-t / tau))``
fitted on SoilHealthDB puts tau at the upper end of its search range
(:func:`fit_tau`: no saturation within the observed durations). That model is
kept, with a ``tau`` in years, for the sensitivity analysis the SoilHealthDB
report shows (``benchmarks/SOILHEALTHDB.md``).

Observation weights follow from the same path: the error of a paired
comparison sits on the stock difference ``dC`` whatever the duration, so the
converted rate's error scales as ``1 / reached(t)`` and its inverse-variance
weight is :func:`duration_weight` (1 at ``H``, small for 1-2 year trials).
Rows without a duration are taken as already over the horizon (factor 1,
weight 1).
"""

import numpy as np

from recommender.knowledge import load_knowledge_base

#: For the sensitivity analysis: the IPCC default transition time D (yr,
#: ``method.csv``) read as the time to 95 % of a first-order change: exp(-D / tau) = 1/20.
EXPONENTIAL_TAU_YEARS = float(load_knowledge_base().method["transition_years"]) / np.log(20.0)
#: Range searched by :func:`fit_tau`, years (log-spaced grid).
TAU_SEARCH_YEARS = (0.25, 100.0)
TAU_GRID_POINTS = 121


def _reached(years, tau: float | None, horizon: float) -> np.ndarray:
    """Share of the equilibrium change reached after ``years``: ``min(t, D) / D``
    on the IPCC path (``tau`` None, D = ``horizon``), ``1 - exp(-t / tau)`` otherwise."""
    years = np.asarray(years, dtype=float)
    if tau is None:
        return np.minimum(years, horizon) / horizon
    return -np.expm1(-years / tau)


def mean_rate_factor(years, tau: float | None, horizon: float) -> np.ndarray:
    """``g(t) = reached(t) / t``: mean annual rate per unit equilibrium change, 1/yr."""
    years = np.asarray(years, dtype=float)
    return _reached(years, tau, horizon) / years


def to_horizon(rate, years, tau: float | None, horizon: float) -> np.ndarray:
    """Mean annual rate over ``horizon`` years from one observed over ``years``.

    Parameters
    ----------
    rate : array-like
        Observed mean annual change over ``years``, t C/ha/yr.
    years : array-like
        Duration of each observation, yr (NaN: taken as ``horizon``).
    tau : float or None
        None for the IPCC path; a first-order time constant (yr) otherwise.
    horizon : float
        The target's horizon, yr (the Tier 1 transition time, 20).

    Returns
    -------
    numpy.ndarray
        t C/ha/yr over ``horizon``.
    """
    years = np.asarray(years, dtype=float)
    given = np.where(np.isnan(years), horizon, years)
    factor = mean_rate_factor(horizon, tau, horizon) / mean_rate_factor(given, tau, horizon)
    return np.asarray(rate, dtype=float) * factor


def to_duration(rate, years, tau: float | None, horizon: float) -> np.ndarray:
    """The inverse of :func:`to_horizon`: a ``horizon`` mean rate as the mean over ``years``."""
    years = np.asarray(years, dtype=float)
    given = np.where(np.isnan(years), horizon, years)
    factor = mean_rate_factor(given, tau, horizon) / mean_rate_factor(horizon, tau, horizon)
    return np.asarray(rate, dtype=float) * factor


def duration_weight(years, tau: float | None, horizon: float) -> np.ndarray:
    """Inverse-variance weight of a converted rate, 1 at ``horizon`` (module docstring)."""
    years = np.asarray(years, dtype=float)
    years = np.where(np.isnan(years), horizon, years)
    return (_reached(years, tau, horizon) / _reached(horizon, tau, horizon)) ** 2


def fit_tau(years, rate, groups, weights=None) -> float:
    """Least-squares ``tau`` (yr) of ``dC = a_group x (1 - exp(-t / tau))``.

    Parameters
    ----------
    years : array-like
        Durations, yr (rows without one are ignored).
    rate : array-like
        Observed mean annual changes, t C/ha/yr; ``rate x years`` is the
        total change ``dC``.
    groups : array-like
        One equilibrium change ``a`` is fitted per group (the practice).
    weights : array-like, optional
        Row weights (e.g. per-study normalisation).

    Returns
    -------
    float
        The ``tau`` of :data:`TAU_GRID_POINTS` log-spaced values in
        :data:`TAU_SEARCH_YEARS` with the smallest weighted squared error
        (the ``a`` of each group solved exactly for each ``tau``). A value at
        either end of the range means the data do not bound it.
    """
    years = np.asarray(years, dtype=float)
    keep = ~np.isnan(years) & (years > 0)
    if keep.sum() < 2:
        raise ValueError("fit_tau needs at least two observations with a duration (years > 0)")
    total = (np.asarray(rate, dtype=float) * years)[keep]
    years = years[keep]
    weights = np.ones(keep.sum()) if weights is None else np.asarray(weights, dtype=float)[keep]
    codes = np.unique(np.asarray(groups)[keep], return_inverse=True)[1]
    grid = np.geomspace(*TAU_SEARCH_YEARS, TAU_GRID_POINTS)
    errors = []
    for tau in grid:
        shape = _reached(years, tau, float("inf"))
        # Closed-form weighted least squares of one amplitude per group.
        amplitude = np.bincount(codes, weights * shape * total) / np.bincount(codes, weights * shape**2)
        errors.append(np.sum(weights * (total - amplitude[codes] * shape) ** 2))
    return float(grid[int(np.argmin(errors))])
