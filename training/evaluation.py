"""Evaluation: grouped cross-validation against baselines, and agreement with Tier 1.

:func:`cross_validate` splits the observations by study (``GroupKFold``:
all rows of a study are held out together, so nothing of a held-out study
leaks into training; the reference set is the prior and is in every training
fold). On each fold the challenger is trained on the reference set plus the
training studies, and every method predicts the held-out rows:

* ``model``: the challenger;
* ``in_service``: the model in service (when given), unchanged: the same
  rows, the same folds;
* ``tier1``: the Tier 1 engine alone, duration-aware (each part of the gain
  stops at its saturation time, ``training.pipeline``);
* ``practice_mean`` / ``practice_median``: the training studies' mean /
  median observed rate of the same practice (the global median for a
  practice no training study has);
* ``global_median``: the training studies' median observed rate.

Everything is compared where it was measured: the observed rate over 0-30 cm
(depth-corrected) and the observation's own duration; the models' 20-year
predictions are converted to that duration with the saturating model that
converted the targets (``training.duration``), so its error counts too.

Metrics (:data:`METRICS`) per method: MAE, RMSE, R2, study-weighted MAE (the
mean over studies of each study's MAE, so that every study counts once),
coverage of the 10-90 % interval (expected 0.8), and ranking quality within
each site with at least two practices (Spearman correlation and NDCG@3 of the
site's practices, rows of a practice averaged; NDCG relevance is the observed
rate minus the site's lowest, since NDCG needs non-negative gains; constant
predictions rank nothing and score Spearman 0). Each method's study-weighted
MAE is compared with Tier 1's by a study bootstrap: 90 % interval of the
difference.

:func:`reference_agreement` checks a model against the engine itself on a
reference set drawn with another seed than the training one: MAE of the
expected gain against the Tier 1 central gain, and coverage of the Monte Carlo
draws by the 10-90 % band.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import ndcg_score, r2_score
from sklearn.model_selection import GroupKFold
from threadpoolctl import threadpool_limits

from recommender.model.gain_model import GainModel
from recommender.model.reference_set import reference_set
from recommender.science.tier1 import Tier1Engine

from .duration import to_horizon
from .pipeline import TARGET, TrainingConfig, fit, horizon_years, observation_rows, predict_over_duration, resolve_tau

BASELINES = ("tier1", "practice_mean", "practice_median", "global_median")
#: Metric -> (column, meaning); the order of the summary tables.
METRICS = {
    "n": "held-out rows",
    "mae": "MAE, t C/ha/yr",
    "rmse": "RMSE, t C/ha/yr",
    "r2": "R2",
    "study_mae": "study-weighted MAE, t C/ha/yr",
    "coverage": "share of observations inside the 10-90 % interval (0.8 expected)",
    "spearman": "mean Spearman correlation of practices within a site",
    "ndcg3": "mean NDCG@3 of practices within a site",
    "sites_ranked": "sites with at least two practices",
    "vs_tier1": "study-weighted MAE minus Tier 1's, t C/ha/yr",
    "vs_tier1_pct": "the same, % of Tier 1's",
    "vs_tier1_low": "90 % study-bootstrap interval of vs_tier1: low",
    "vs_tier1_high": "90 % study-bootstrap interval of vs_tier1: high",
}
NOMINAL_COVERAGE = 0.8
BOOTSTRAP_LEVEL = 0.9
BOOTSTRAP_SAMPLES = 2000
NDCG_K = 3


@dataclass(frozen=True)
class InService:
    """The model in service as an evaluation competitor.

    ``tau_years`` converts its 20-year predictions to each observation's
    duration; ``trained_on`` holds the SHA-256 of its observation files.
    """

    version: str
    model: GainModel
    tau_years: float
    trained_on: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CrossValidation:
    """Held-out predictions of every method and their metrics.

    Attributes
    ----------
    predictions : pandas.DataFrame
        One row per observation: ``fold``, ``study_id``, ``site_id``,
        ``practice``, ``years``, ``observed``, and per method ``<method>``,
        ``<method>_p10``, ``<method>_p90`` (t C/ha/yr over the row's duration).
    metrics : pandas.DataFrame
        One row per method, columns :data:`METRICS`.
    folds : int
    tau_by_fold : tuple of float
        The saturation time constant used in each fold, yr.
    """

    predictions: pd.DataFrame
    metrics: pd.DataFrame
    folds: int
    tau_by_fold: tuple[float, ...]


def _baselines(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, tuple[np.ndarray, ...]]:
    """Predictions and intervals of the data baselines, fitted on ``train`` only."""
    observed = train["observed_t_c_ha_yr"]
    low_q, high_q = (1 - NOMINAL_COVERAGE) / 2, (1 + NOMINAL_COVERAGE) / 2
    overall = observed.quantile([low_q, 0.5, high_q]).to_numpy()
    by_practice = observed.groupby(train["practice"]).agg(
        mean="mean", median="median", low=lambda s: s.quantile(low_q), high=lambda s: s.quantile(high_q))
    looked_up = by_practice.reindex(test["practice"])
    low = looked_up["low"].fillna(overall[0]).to_numpy()
    high = looked_up["high"].fillna(overall[2]).to_numpy()
    size = len(test)
    return {
        "tier1": (test["tier1_duration_t_c_ha_yr"].to_numpy(), test["tier1_duration_p10"].to_numpy(),
                  test["tier1_duration_p90"].to_numpy()),
        "practice_mean": (looked_up["mean"].fillna(overall[1]).to_numpy(), low, high),
        "practice_median": (looked_up["median"].fillna(overall[1]).to_numpy(), low, high),
        "global_median": (np.full(size, overall[1]), np.full(size, overall[0]), np.full(size, overall[2])),
    }


def cross_validate(
    observations: pd.DataFrame,
    engine: Tier1Engine,
    config: TrainingConfig,
    reference: pd.DataFrame,
    folds: int = 5,
    in_service: InService | None = None,
    progress: Callable[[Iterable], Iterable] = iter,
) -> CrossValidation:
    """Grouped K-fold cross-validation by study (module docstring).

    Parameters
    ----------
    observations : pandas.DataFrame
        Canonical observations (``training.observations``).
    engine : Tier1Engine
    config : TrainingConfig
        How the challenger is trained on each fold.
    reference : pandas.DataFrame
        The reference set (``training.pipeline.build_reference``).
    folds : int
        K, at least 2 and at most the number of studies.
    in_service : InService, optional
        Evaluated on the same held-out rows.
    progress : callable
        Wraps the fold iterator (e.g. ``tqdm``).

    Raises
    ------
    ValueError
        Fewer studies than folds.
    """
    studies = observations["study_id"].astype(str)
    if folds < 2 or studies.nunique() < folds:
        raise ValueError(
            f"grouped cross-validation with {folds} folds needs at least {max(folds, 2)} studies; the data have "
            f"{studies.nunique()}: lower --folds (minimum 2) or add studies"
        )
    horizon = horizon_years(engine)
    # Tier 1 parts do not depend on tau; only the converted target does (set per fold).
    rows = observation_rows(observations, engine, resolve_tau(config, None))
    pieces, taus = [], []
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=config.seed)
    with threadpool_limits(limits=config.threads):
        for fold, (train_index, test_index) in enumerate(progress(list(splitter.split(rows, groups=studies)))):
            tau = resolve_tau(config, observations.iloc[train_index])
            taus.append(tau)
            fold_rows = rows.assign(**{TARGET: to_horizon(rows["observed_t_c_ha_yr"], rows["years"], tau, horizon)})
            train, test = fold_rows.iloc[train_index], fold_rows.iloc[test_index]
            fitted = fit(reference, train, config, tau, horizon)
            methods = {"model": tuple(predict_over_duration(fitted.model, test, tau, horizon)[c].to_numpy()
                                      for c in ("expected", "p10", "p90"))}
            if in_service is not None:
                predicted = predict_over_duration(in_service.model, test, in_service.tau_years, horizon)
                methods["in_service"] = tuple(predicted[c].to_numpy() for c in ("expected", "p10", "p90"))
            methods.update(_baselines(train, test))
            piece = test[["study_id", "site_id", "practice", "years"]].assign(
                fold=fold, observed=test["observed_t_c_ha_yr"].to_numpy())
            for name, (expected, low, high) in methods.items():
                piece[name], piece[f"{name}_p10"], piece[f"{name}_p90"] = expected, low, high
            pieces.append(piece)
    predictions = pd.concat(pieces).sort_index()
    names = [c for c in ("model", "in_service", *BASELINES) if c in predictions]
    return CrossValidation(predictions, metrics_table(predictions, names, config.seed), folds, tuple(taus))


def study_errors(predictions: pd.DataFrame, methods: list[str]) -> pd.DataFrame:
    """Mean absolute error of each method within each study (studies x methods)."""
    errors = pd.DataFrame({m: (predictions[m] - predictions["observed"]).abs() for m in methods})
    return errors.groupby(predictions["study_id"]).mean()


def study_bootstrap(per_study: pd.DataFrame, baseline: str = "tier1", samples: int = BOOTSTRAP_SAMPLES,
                    level: float = BOOTSTRAP_LEVEL, seed: int = 0) -> pd.DataFrame:
    """Difference of study-weighted MAE to ``baseline`` with its bootstrap interval.

    Studies are resampled with replacement ``samples`` times; returns per
    method ``vs_tier1`` (the observed difference), ``vs_tier1_low`` and
    ``vs_tier1_high`` (percentile interval at ``level``).
    """
    rng = np.random.default_rng(seed)
    difference = per_study.sub(per_study[baseline], axis=0).to_numpy()
    picks = rng.integers(0, len(per_study), size=(samples, len(per_study)))
    resampled = difference[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return pd.DataFrame(
        {
            "vs_tier1": difference.mean(axis=0),
            "vs_tier1_low": np.percentile(resampled, tail, axis=0),
            "vs_tier1_high": np.percentile(resampled, 100 - tail, axis=0),
        },
        index=per_study.columns,
    )


def ranking_quality(predictions: pd.DataFrame, method: str) -> tuple[float, float, int]:
    """Mean Spearman and NDCG@3 over sites with at least two practices, and their count."""
    by_practice = predictions.groupby(["site_id", "practice"])[["observed", method]].mean().reset_index()
    spearman, ndcg = [], []
    for _, site in by_practice.groupby("site_id"):
        if len(site) < 2:
            continue
        observed, predicted = site["observed"].to_numpy(), site[method].to_numpy()
        constant = np.ptp(predicted) == 0 or np.ptp(observed) == 0
        spearman.append(0.0 if constant else spearmanr(observed, predicted).statistic)
        ndcg.append(ndcg_score([observed - observed.min()], [predicted], k=NDCG_K))
    if not spearman:
        return float("nan"), float("nan"), 0
    return float(np.mean(spearman)), float(np.mean(ndcg)), len(spearman)


def metrics_table(predictions: pd.DataFrame, methods: list[str], seed: int = 0) -> pd.DataFrame:
    """One row per method with the columns of :data:`METRICS`."""
    observed = predictions["observed"].to_numpy()
    per_study = study_errors(predictions, methods)
    rows = {}
    for method in methods:
        predicted = predictions[method].to_numpy()
        inside = (observed >= predictions[f"{method}_p10"]) & (observed <= predictions[f"{method}_p90"])
        spearman, ndcg, sites = ranking_quality(predictions, method)
        rows[method] = {
            "n": len(predictions),
            "mae": float(np.mean(np.abs(predicted - observed))),
            "rmse": float(np.sqrt(np.mean((predicted - observed) ** 2))),
            "r2": float(r2_score(observed, predicted)),
            "study_mae": float(per_study[method].mean()),
            "coverage": float(inside.mean()),
            "spearman": spearman,
            "ndcg3": ndcg,
            "sites_ranked": sites,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    if "tier1" in methods:
        table = table.join(study_bootstrap(per_study, "tier1", seed=seed))
        table.insert(table.columns.get_loc("vs_tier1") + 1, "vs_tier1_pct",
                     100 * table["vs_tier1"] / table.loc["tier1", "study_mae"])
        table = table[list(METRICS)]
    return table


def reference_holdout(engine: Tier1Engine, config: TrainingConfig, extra_contexts: int = 300) -> pd.DataFrame:
    """A reference set drawn with another seed than ``config``'s (contexts and draws)."""
    return reference_set(engine, seed=config.seed + 1,
                         config=replace(config.reference, extra_contexts=min(extra_contexts, config.extra_contexts)))


def reference_agreement(model: GainModel, holdout: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """How well ``model`` reproduces the engine on ``holdout`` (:func:`reference_holdout`).

    Returns
    -------
    metrics : dict
        ``mae_vs_engine`` (expected gain against the Tier 1 central gain,
        t C/ha/yr), ``engine_mean_abs_gain`` (scale of the gains, t C/ha/yr),
        ``coverage`` (share of Monte Carlo draws inside the 10-90 % band; 0.8
        expected), ``coverage_error`` (distance to 0.8), ``rows``.
    predictions : pandas.DataFrame
        ``holdout`` with ``expected``, ``p10``, ``p90``.
    """
    predicted = pd.concat([holdout, model.predict(holdout)], axis=1)
    drawn = predicted["gain_t_c_ha_yr"]
    coverage = float(((drawn >= predicted["p10"]) & (drawn <= predicted["p90"])).mean())
    metrics = {
        "rows": len(predicted),
        "mae_vs_engine": float((predicted["expected"] - predicted["tier1_gain_t_c_ha_yr"]).abs().mean()),
        "engine_mean_abs_gain": float(predicted["tier1_gain_t_c_ha_yr"].abs().mean()),
        "coverage": coverage,
        "coverage_error": abs(coverage - NOMINAL_COVERAGE),
    }
    return metrics, predicted
