"""Duration: observed rates as the model's target, and back.

The model predicts the *mean annual gain over the Tier 1 horizon*
(``H = 20`` years, IPCC 2019 Vol. 4 Ch. 2 default transition time D;
``method.csv``), over 0-30 cm. Field observations report the mean annual
change over their own duration ``t``, and total change saturates (issue 3:
observed rates fall from ~2.3 t C/ha/yr at 1-3 years to ~0.2 beyond 20), so
a rate is not comparable across durations. Total change is modelled as
first-order approach to a new equilibrium::

    dC(t) = dC_eq x (1 - exp(-t / tau))

so the mean annual rate over ``t`` years is ``dC_eq x g(t)`` with
``g(t) = (1 - exp(-t / tau)) / t``, and an observed rate converts to the
target by ``r_H = r_t x g(H) / g(t)`` (:func:`to_horizon`) and back by
:func:`to_duration`.

``tau`` (years): the default reads the IPCC default D = 20 yr as the time to
reach 95 % of the new equilibrium, ``tau = 20 / ln(20) = 6.68`` yr
(:data:`DEFAULT_TAU_YEARS`); West & Post (2002, Soil Sci. Soc. Am. J.
66:1930-1946) likewise report a new equilibrium 15-20 years after conversion
to no-till. :func:`fit_tau` estimates ``tau`` from observations (total change
against duration, one equilibrium change per practice) for comparison, or
for use with ``TrainingConfig(tau_years="fit")``.

Observation weights follow from the same model: the error of a paired
comparison sits on the stock difference ``dC`` whatever the duration, so the
converted rate's error scales as ``1 / (1 - exp(-t / tau))`` and its inverse
variance weight is :func:`duration_weight` (1 at ``H``, small for 1-2 year
trials). Rows without a duration are taken as already over the horizon
(factor 1, weight 1).
"""

import numpy as np

from recommender.knowledge import load_knowledge_base

#: IPCC default transition time D (yr, ``method.csv``) read as the time to
#: 95 % of the change: exp(-D / tau) = 1/20.
DEFAULT_TAU_YEARS = float(load_knowledge_base().method["transition_years"]) / np.log(20.0)
#: Range searched by :func:`fit_tau`, years (log-spaced grid).
TAU_SEARCH_YEARS = (0.25, 100.0)
TAU_GRID_POINTS = 121


def _approach(years, tau: float) -> np.ndarray:
    """``1 - exp(-t / tau)``: share of the equilibrium change reached after ``t`` years."""
    return -np.expm1(-np.asarray(years, dtype=float) / tau)


def mean_rate_factor(years, tau: float) -> np.ndarray:
    """``g(t) = (1 - exp(-t / tau)) / t``: mean annual rate per unit equilibrium change, 1/yr."""
    years = np.asarray(years, dtype=float)
    return _approach(years, tau) / years


def to_horizon(rate, years, tau: float, horizon: float) -> np.ndarray:
    """Mean annual rate over ``horizon`` years from one observed over ``years``.

    Parameters
    ----------
    rate : array-like
        Observed mean annual change over ``years``, t C/ha/yr.
    years : array-like
        Duration of each observation, yr (NaN: taken as ``horizon``).
    tau : float
        Time constant of the saturating change, yr.
    horizon : float
        The target's horizon, yr (the Tier 1 transition time, 20).

    Returns
    -------
    numpy.ndarray
        t C/ha/yr over ``horizon``.
    """
    years = np.asarray(years, dtype=float)
    factor = mean_rate_factor(horizon, tau) / mean_rate_factor(np.where(np.isnan(years), horizon, years), tau)
    return np.asarray(rate, dtype=float) * factor


def to_duration(rate, years, tau: float, horizon: float) -> np.ndarray:
    """The inverse of :func:`to_horizon`: a ``horizon`` mean rate as the mean over ``years``."""
    years = np.asarray(years, dtype=float)
    factor = mean_rate_factor(np.where(np.isnan(years), horizon, years), tau) / mean_rate_factor(horizon, tau)
    return np.asarray(rate, dtype=float) * factor


def duration_weight(years, tau: float, horizon: float) -> np.ndarray:
    """Inverse-variance weight of a converted rate, 1 at ``horizon`` (module docstring)."""
    years = np.asarray(years, dtype=float)
    years = np.where(np.isnan(years), horizon, years)
    return (_approach(years, tau) / _approach(horizon, tau)) ** 2


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
        shape = _approach(years, tau)
        # Closed-form weighted least squares of one amplitude per group.
        amplitude = np.bincount(codes, weights * shape * total) / np.bincount(codes, weights * shape**2)
        errors.append(np.sum(weights * (total - amplitude[codes] * shape) ** 2))
    return float(grid[int(np.argmin(errors))])
