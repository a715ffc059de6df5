"""Training a gain model from the reference set plus field observations.

The reference set (``recommender.model.reference_set``) is what Tier 1 says, with
its uncertainty; observations (``training.observations``, canonical form) are
what fields did. Both become rows of the model's feature table
(``recommender.model.features``) with a target in the model's unit: the
mean annual gain over the Tier 1 horizon (20 years), t C/ha/yr, 0-30 cm.

Observations to model rows (:func:`observation_rows`):

* **Features** are those ``recommender.model.candidates`` gives the same context
  at prediction time: the context's categories, the Tier 1 state of the field
  (``state_*``), its stock (measured ``soc_t_ha`` or the Tier 1 estimate) and
  the Tier 1 gain of the observed practice, computed with the engine's own
  primitives so that it also exists for combinations and for practices Tier 1
  gives no change for (checked against ``candidates`` by the tests).
* **Combinations** (``a+b``): the Tier 1 gain is that of the bundle (factors
  multiply, rates add: ``Tier1Engine.relative_change`` and ``rate``) and
  ``practice_id`` is the combination itself, a category of its own. The
  model then learns a correction for the combination without attributing it
  to either member; at prediction time single practices never see that
  category, and bundles are built from single-practice corrections
  (``recommender.recommend.kernel``).
* **Depth** is already harmonised to 0-30 cm by ``training.observations``
  (``recommender.science.depth``). **Duration**: the observed rate becomes the
  20-year mean rate by the saturating model of ``training.duration``.

Weights (:func:`training_weights`), documented in the model card:

* every reference row weighs the same;
* an observation weighs ``duration_weight(t) / sqrt(n_study)``: the inverse
  variance of its converted rate (``training.duration``), and a per-study
  normalisation so a study of ``n`` rows counts ``sqrt(n)`` times a single-row
  study, not ``n`` times (one big study does not dominate);
* observations as a whole carry ``observation_share`` of the total weight
  (default one half): where observations exist they dominate the local fit,
  where there are none the reference set (Tier 1) decides, so the model is
  shrunk towards the science where data are thin.

Everything is deterministic for ``TrainingConfig.seed``.
"""

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from recommender.inputs.columns import PRACTICE_SEPARATOR
from recommender.inputs.farm import ContextKey
from recommender.model.features import CATEGORICAL, NUMERIC, context_categories
from recommender.model.gain_model import BoosterConfig, GainModel, fit_gain_model
from recommender.model.reference_set import ReferenceSetConfig, reference_set
from recommender.science.tier1 import QUANTILES, Tier1Engine

from .duration import DEFAULT_TAU_YEARS, duration_weight, fit_tau, to_duration, to_horizon

TARGET = "target_t_c_ha_yr"
#: Columns of :func:`observation_rows` besides the model's features.
OBSERVATION_COLUMNS = (
    "study_id", "site_id", "practice", "years", "observed_t_c_ha_yr", TARGET,
    "tier1_duration_t_c_ha_yr", "tier1_duration_p10", "tier1_duration_p90", "tier1_screen",
)


@dataclass(frozen=True)
class TrainingConfig:
    """How a model is trained (stored in its manifest).

    Attributes
    ----------
    seed : int
        Seed of the reference set and the boosters.
    observation_share : float
        Share of the total training weight carried by observations, in (0, 1).
    tau_years : float or "fit"
        Time constant of the saturating change, yr (``training.duration``);
        ``"fit"`` estimates it from the training observations.
    draws_per_pair, extra_contexts : int
        Size of the reference set (:class:`ReferenceSetConfig`).
    max_iter : int
        Boosting iterations of each of the three pipelines (:class:`BoosterConfig`).
    threads : int or None
        Native threads for fitting (threadpoolctl); ``None``: all cores.
    """

    seed: int = 0
    observation_share: float = 0.5
    tau_years: float | Literal["fit"] = DEFAULT_TAU_YEARS
    draws_per_pair: int = 8
    extra_contexts: int = 1500
    max_iter: int = 150
    threads: int | None = None

    def __post_init__(self):
        if not 0 < self.observation_share < 1:
            raise ValueError(f"observation_share must lie in (0, 1), got {self.observation_share}")
        if self.tau_years != "fit" and not (isinstance(self.tau_years, (int, float)) and self.tau_years > 0):
            raise ValueError(f"tau_years must be a positive number of years or 'fit', got {self.tau_years!r}")

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def reference(self) -> ReferenceSetConfig:
        return ReferenceSetConfig(draws_per_pair=self.draws_per_pair, extra_contexts=self.extra_contexts)

    @property
    def booster(self) -> BoosterConfig:
        return BoosterConfig(max_iter=self.max_iter)


@dataclass(frozen=True)
class TrainedModel:
    """A fitted model with what it was fitted on.

    Attributes
    ----------
    model : GainModel
    tau_years : float
        The time constant used to convert observed rates (yr).
    rows : dict
        Training rows by origin (``reference``, ``observations``).
    observation_weight_share : float
        Share of the total weight the observations actually carried (0 without).
    """

    model: GainModel
    tau_years: float
    rows: dict
    observation_weight_share: float


def horizon_years(engine: Tier1Engine) -> float:
    """The model's target horizon: the Tier 1 transition time D, yr."""
    return float(engine.transition_years)


def build_reference(engine: Tier1Engine, config: TrainingConfig) -> pd.DataFrame:
    """The reference set of ``config`` with its target column."""
    data = reference_set(engine, seed=config.seed, config=config.reference)
    return data.assign(**{TARGET: data["gain_t_c_ha_yr"]})


def _tier1_parts(engine: Tier1Engine, key: ContextKey, practice_ids: tuple[str, ...], stock: float | None,
                 years: float) -> tuple[float, float, float, float, str]:
    """Tier 1 gain of a bundle over the horizon, and over ``years`` (central, p10, p90).

    Over ``years`` Tier 1 is duration-aware: the factor part changes linearly
    for D years then stops, each published rate for its practice's
    ``years_to_saturation``; so the mean rate over ``t`` years is each part
    times ``min(t, T) / t``.
    """
    stock_central, factor_part, rate_part, draws = engine.gain_draws(key, practice_ids, stock)
    _, rate_draws = engine.rate(practice_ids)
    horizon = engine.transition_years
    t = horizon if np.isnan(years) else years
    scale = min(t, horizon) / t
    central = factor_part * scale
    spread = (draws - rate_draws) * scale
    for pid in practice_ids:
        if pid in engine.draws.rate_index:
            saturation = engine.kb.practices[pid].years_to_saturation
            rate_central, rate_draw = engine.rate((pid,))
            central += rate_central * min(t, saturation) / t
            spread = spread + rate_draw * min(t, saturation) / t
    low, high = np.percentile(spread, QUANTILES)
    applicable, excluded = engine.screen(key)
    verdict = "applicable" if all(p in applicable for p in practice_ids) else "; ".join(
        excluded.get(p, "") for p in practice_ids if p not in applicable)
    return factor_part + rate_part, central, min(low, central), max(high, central), verdict


def observation_rows(observations: pd.DataFrame, engine: Tier1Engine, tau_years: float) -> pd.DataFrame:
    """Model rows of canonical observations (module docstring), one per observation.

    Parameters
    ----------
    observations : pandas.DataFrame
        ``ObservationSet.observations`` (``training.observations``).
    engine : Tier1Engine
    tau_years : float
        Time constant converting observed rates to the 20-year target, yr.

    Returns
    -------
    pandas.DataFrame
        The model's input columns (``CATEGORICAL``, ``NUMERIC``), plus ``study_id``, ``site_id``, ``practice``,
        ``years``, ``observed_t_c_ha_yr`` (the observed rate over 0-30 cm and
        the observation's duration), ``target_t_c_ha_yr`` (converted to the
        20-year mean), the duration-aware Tier 1 gain and its 10-90 %
        interval (``tier1_duration_*``, over the observation's duration) and
        ``tier1_screen`` (``applicable``, or why Tier 1 would not propose the
        practice here).
    """
    obs = observations.reset_index(drop=True)
    keys = [
        ContextKey(r.climate_zone, r.soil_class, r.land_use, r.degradation, tuple(r.current_practices))
        for r in obs.itertuples(index=False)
    ]
    stocks = [None if pd.isna(s) else float(s) for s in obs["soc_t_ha"]]
    parts, cache = [], {}
    for key, practice, stock, years in zip(keys, obs["practice"], stocks, obs["years"].astype(float)):
        signature = (key, practice, stock, years)
        if signature not in cache:
            cache[signature] = _tier1_parts(engine, key, tuple(practice.split(PRACTICE_SEPARATOR)), stock, years)
        parts.append(cache[signature])
    gain, over_duration, low, high, screen = (list(column) for column in zip(*parts)) if parts else ([],) * 5
    categories = pd.DataFrame([context_categories(key, engine.current_state(key)) for key in keys],
                              columns=[c for c in CATEGORICAL if c != "practice_id"])
    tier1_stock = np.array([engine.tier1_stock(key)[0] for key in keys], dtype=float)
    stock = obs["soc_t_ha"].astype(float).fillna(pd.Series(tier1_stock)).to_numpy()
    horizon = horizon_years(engine)
    observed = obs["delta_soc_t_ha_yr_30cm"].astype(float).to_numpy()
    return pd.DataFrame(
        {
            **{name: categories[name] if name != "practice_id" else obs["practice"] for name in CATEGORICAL},
            "stock_t_c_ha": stock,
            "tier1_gain_t_c_ha_yr": np.asarray(gain, dtype=float),
            "study_id": obs["study_id"].astype(str),
            "site_id": obs["site_id"].astype(str),
            "practice": obs["practice"],
            "years": obs["years"].astype(float),
            "observed_t_c_ha_yr": observed,
            TARGET: to_horizon(observed, obs["years"], tau_years, horizon),
            "tier1_duration_t_c_ha_yr": np.asarray(over_duration, dtype=float),
            "tier1_duration_p10": np.asarray(low, dtype=float),
            "tier1_duration_p90": np.asarray(high, dtype=float),
            "tier1_screen": screen,
        }
    )


def fitted_tau(observations: pd.DataFrame | None) -> float | None:
    """``tau`` (yr) fitted on canonical observations (``training.duration.fit_tau``),
    or None when fewer than two have a duration."""
    if observations is None or (observations["years"] > 0).sum() < 2:
        return None
    return fit_tau(observations["years"], observations["delta_soc_t_ha_yr_30cm"], observations["practice"],
                   study_normalisation(observations["study_id"]))


def resolve_tau(config: TrainingConfig, observations: pd.DataFrame | None) -> float:
    """``config.tau_years``, or its fit on ``observations`` when it is ``"fit"``
    (the cited default when they cannot bound it: fewer than two durations)."""
    if config.tau_years != "fit":
        return float(config.tau_years)
    fitted = fitted_tau(observations)
    return DEFAULT_TAU_YEARS if fitted is None else fitted


def study_normalisation(study_id) -> np.ndarray:
    """``1 / sqrt(n_study)`` per row: a study of n rows weighs sqrt(n) single rows."""
    study = pd.Series(np.asarray(study_id))
    return 1.0 / np.sqrt(study.map(study.value_counts()).to_numpy(float))


def training_weights(n_reference: int, rows: pd.DataFrame, tau_years: float, horizon: float,
                     observation_share: float) -> np.ndarray:
    """Weights of the reference rows (first ``n_reference``) then of ``rows`` (module docstring)."""
    raw = duration_weight(rows["years"], tau_years, horizon) * study_normalisation(rows["study_id"])
    if len(rows) == 0 or raw.sum() == 0:
        return np.ones(n_reference)
    scale = observation_share / (1 - observation_share) * n_reference / raw.sum()
    return np.concatenate([np.ones(n_reference), raw * scale])


def fit(reference: pd.DataFrame, rows: pd.DataFrame | None, config: TrainingConfig, tau_years: float,
        horizon: float) -> TrainedModel:
    """Fit the three pipelines on the reference set and observation ``rows``.

    Parameters
    ----------
    reference : pandas.DataFrame
        :func:`build_reference` output.
    rows : pandas.DataFrame or None
        :func:`observation_rows` output converted with ``tau_years``.
    config : TrainingConfig
    tau_years, horizon : float
        Saturation time constant and target horizon, yr (for the weights).
    """
    rows = rows if rows is not None else pd.DataFrame(columns=[*CATEGORICAL, *NUMERIC, TARGET, "years", "study_id"])
    columns = [*CATEGORICAL, *NUMERIC]
    table = pd.concat([reference[columns], rows[columns]], ignore_index=True)
    target = np.concatenate([reference[TARGET].to_numpy(float), rows[TARGET].to_numpy(float)])
    weights = training_weights(len(reference), rows, tau_years, horizon, config.observation_share)
    with threadpool_limits(limits=config.threads):
        model = fit_gain_model(table, target, sample_weight=weights, seed=config.seed, booster=config.booster)
    share = float(weights[len(reference):].sum() / weights.sum())
    return TrainedModel(model, tau_years, {"reference": len(reference), "observations": len(rows)}, share)


def predict_over_duration(model: GainModel, rows: pd.DataFrame, tau_years: float, horizon: float) -> pd.DataFrame:
    """The model's ``expected``, ``p10``, ``p90`` as mean rates over each row's ``years``.

    The model predicts the 20-year mean; observations are compared at their
    own duration, through the same saturating model that converted them.
    """
    predicted = model.predict(rows)
    return predicted.apply(lambda column: to_duration(column.to_numpy(), rows["years"], tau_years, horizon))


def data_fingerprint(*frames: pd.DataFrame | None) -> str:
    """A stable hash of the training tables (order and content), one part per table."""
    parts = []
    for frame in frames:
        if frame is None or frame.empty:
            parts.append("-")
            continue
        # Tuples (current practices) do not hash; their joined text does.
        tuples = [c for c in frame.columns if frame[c].dtype == object
                  and isinstance(frame[c].dropna().iloc[0] if frame[c].notna().any() else None, tuple)]
        hashable = frame.assign(**{c: frame[c].map(";".join) for c in tuples})
        digest = int(pd.util.hash_pandas_object(hashable, index=False).sum()) & (2**64 - 1)
        parts.append(format(digest, "016x"))
    return "-".join(parts)
