"""Retraining end to end: data, evaluation, final fit, model folder, promotion.

The steps the ``recommender train`` command (and ``build_default``) run, as
library functions the command line only wraps:

1. read and validate observation files (``training.observations``);
2. build the reference set (``training.pipeline``);
3. evaluate: grouped cross-validation by study against the baselines and the
   model in service when there are observations, and agreement with Tier 1
   on a held-out reference set always (``training.evaluation``);
4. fit the final model on everything;
5. apply the not-worse rule (``training.promotion``);
6. save the model folder with its manifest, model card and plots
   (``recommender.registry``, ``training.card``, ``training.plots``);
7. promote it when asked and allowed.
"""

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from recommender.model.registry import ModelRegistry, NoModelInService, PointerError, RegistryError, sha256_of
from recommender.science.tier1 import Tier1Engine

from .card import render_card
from .evaluation import (
    NOMINAL_COVERAGE,
    CrossValidation,
    InService,
    cross_validate,
    reference_agreement,
    reference_holdout,
)
from .observations import ObservationSet, read_observations
from .pipeline import (
    TrainedModel,
    TrainingConfig,
    build_reference,
    data_fingerprint,
    fit,
    fitted_tau,
    horizon_years,
    observation_rows,
    resolve_tau,
)
from .plots import write_plots
from .promotion import Decision, decide

log = logging.getLogger(__name__)

#: ``progress(iterable, description)`` wraps a loop (e.g. with tqdm).
Progress = Callable[[Iterable, str], Iterable]


def _no_progress(iterable: Iterable, description: str) -> Iterable:
    return iterable


@dataclass(frozen=True)
class Outcome:
    """A trained challenger and everything measured about it.

    Attributes
    ----------
    trained : TrainedModel
    config : TrainingConfig
    basis : str
        ``"observations"`` (cross-validated on them) or ``"reference"``.
    agreement : dict
        Challenger against Tier 1 on the held-out reference set.
    agreement_predictions : pandas.DataFrame
        The held-out reference set with the challenger's predictions.
    cross_validation : CrossValidation or None
    in_service : str or None
        Version of the model in service evaluated alongside.
    in_service_agreement : dict or None
    tau_fitted_years : float or None
        ``tau`` fitted on all observations (reported whatever ``config`` uses).
    data : dict
        Data report (rows read, skipped by reason, converted by origin...).
    fingerprint : str
    horizon_years : float
        Horizon of the model's target (the Tier 1 transition time), yr.
    seconds : float
        Wall time of training and evaluation.
    """

    trained: TrainedModel
    config: TrainingConfig
    basis: str
    agreement: dict
    agreement_predictions: pd.DataFrame
    cross_validation: CrossValidation | None
    in_service: str | None
    in_service_agreement: dict | None
    tau_fitted_years: float | None
    data: dict
    fingerprint: str
    horizon_years: float
    seconds: float

    def challenger_metrics(self) -> dict:
        """Metrics the promotion rule reads, for the challenger."""
        return self._metrics("model", self.agreement)

    def in_service_metrics(self) -> dict | None:
        """The same metrics for the model in service (None without one)."""
        if self.in_service is None or self.in_service_agreement is None:
            return None
        return self._metrics("in_service", self.in_service_agreement)

    def _metrics(self, method: str, agreement: dict) -> dict:
        metrics = dict(agreement)
        if self.cross_validation is not None:
            row = self.cross_validation.metrics.loc[method]
            metrics.update(study_mae=float(row["study_mae"]),
                           coverage_error=abs(float(row["coverage"]) - NOMINAL_COVERAGE))
        return metrics


def observation_report(observation_set: ObservationSet) -> dict:
    """Counts of an observation set for the manifest and the model card."""
    problems = Counter(f"{p.column}: {p.problem}" for p in observation_set.skipped)
    obs = observation_set.observations
    return {
        "sources": [{"file": Path(s).name, "sha256": sha256_of(Path(s)) if Path(s).is_file() else None}
                    for s in observation_set.sources],
        "rows_read": observation_set.rows_read,
        "rows_valid": len(obs),
        "rows_skipped": observation_set.rows_skipped,
        "skipped_by_problem": dict(problems.most_common()),
        "by_practice": obs["practice"].value_counts().to_dict() if len(obs) else {},
        "by_climate_zone": obs["climate_zone"].value_counts().to_dict() if len(obs) else {},
        "studies": int(obs["study_id"].nunique()) if len(obs) else 0,
        "sites": int(obs["site_id"].nunique()) if len(obs) else 0,
    }


def run_training(
    engine: Tier1Engine,
    config: TrainingConfig,
    observations: pd.DataFrame | None = None,
    *,
    folds: int = 5,
    in_service: InService | None = None,
    data: dict | None = None,
    progress: Progress = _no_progress,
) -> Outcome:
    """Steps 2-4 of the module docstring; pure apart from the engine's caches.

    Parameters
    ----------
    engine : Tier1Engine
    config : TrainingConfig
    observations : pandas.DataFrame, optional
        Canonical observations; without them the model learns the reference
        set alone and is evaluated on a held-out reference set only.
    folds : int
        K of the grouped cross-validation (observations only).
    in_service : InService, optional
        Evaluated on the same data as the challenger.
    data : dict, optional
        Data report to carry into the manifest and card.
    progress : callable
        ``progress(iterable, description)``.
    """
    started = time.perf_counter()
    observations = observations if observations is not None and len(observations) else None
    reference = build_reference(engine, config)
    horizon = horizon_years(engine)
    cv = None
    if observations is not None:
        cv = cross_validate(observations, engine, config, reference, folds, in_service,
                            progress=lambda folds_: progress(folds_, "cross-validation"))
    tau = resolve_tau(config, observations)
    rows = observation_rows(observations, engine, tau) if observations is not None else None
    for _ in progress(range(1), "final fit"):
        trained = fit(reference, rows, config, tau, horizon)
    holdout = reference_holdout(engine, config)
    agreement, predictions = reference_agreement(trained.model, holdout)
    in_service_agreement = reference_agreement(in_service.model, holdout)[0] if in_service else None
    report = dict(data or {})
    if rows is not None:
        report["tier1_screen"] = rows["tier1_screen"].value_counts().to_dict()
    return Outcome(
        trained=trained,
        config=config,
        basis="observations" if cv is not None else "reference",
        agreement=agreement,
        agreement_predictions=predictions,
        cross_validation=cv,
        in_service=in_service.version if in_service else None,
        in_service_agreement=in_service_agreement,
        tau_fitted_years=fitted_tau(observations),
        data=report,
        fingerprint=data_fingerprint(reference, observations),
        horizon_years=horizon,
        seconds=time.perf_counter() - started,
    )


def _metrics_record(outcome: Outcome) -> dict:
    record = {"basis": outcome.basis, "reference_agreement": outcome.agreement}
    if outcome.cross_validation is not None:
        cv = outcome.cross_validation
        record["cross_validation"] = {
            "folds": cv.folds,
            "grouped_by": "study_id",
            "tau_by_fold_years": list(cv.tau_by_fold),
            "methods": {m: {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
                        for m, row in cv.metrics.to_dict(orient="index").items()},
        }
    if outcome.in_service_agreement is not None:
        record["in_service_reference_agreement"] = outcome.in_service_agreement
    return record


def save_outcome(registry: ModelRegistry, outcome: Outcome, decision: Decision | None = None) -> str:
    """Write the model folder (artifact, manifest, card, plots); return its version."""
    training = {
        **outcome.config.as_dict(),
        "tau_years": outcome.trained.tau_years,
        "tau_source": "fitted on the observations" if outcome.config.tau_years == "fit"
        else ("the IPCC path: linear for D = 20 yr, then flat" if outcome.config.tau_years is None
              else "first-order time constant set by the user"),
        "tau_fitted_years": outcome.tau_fitted_years,
        "horizon_years": outcome.horizon_years,
        "rows": outcome.trained.rows,
        "observation_weight_share": outcome.trained.observation_weight_share,
        "seconds": round(outcome.seconds, 1),
    }
    extra = {"training": training, "data": outcome.data,
             "promotion_check": decision.as_dict() if decision else None}

    def write_files(folder: Path, manifest: dict) -> None:
        plots = write_plots(folder, outcome.cross_validation, outcome.agreement_predictions)
        (folder / "MODEL_CARD.md").write_text(render_card(manifest, plots), encoding="utf-8")

    return registry.save(outcome.trained.model, data_fingerprint=outcome.fingerprint,
                         metrics=_metrics_record(outcome), extra=extra, write_files=write_files)


@dataclass(frozen=True)
class RetrainResult:
    """What ``recommender train`` did."""

    version: str
    outcome: Outcome
    decision: Decision
    promoted: bool
    in_service_before: str | None
    in_service_after: str | None


def load_in_service(registry: ModelRegistry) -> tuple[InService | None, str | None]:
    """The model in service as a competitor, or the reason it cannot be one."""
    try:
        loaded = registry.load()
    except NoModelInService:
        return None, None
    except RegistryError as error:
        return None, str(error)
    tau = (loaded.manifest.get("training") or {}).get("tau_years")  # None: the IPCC path
    sources = (loaded.manifest.get("data") or {}).get("sources") or []
    return InService(loaded.version, loaded.model, tau, frozenset(s["sha256"] for s in sources if s["sha256"])), None


def retrain(
    registry: ModelRegistry,
    files: Sequence[Path | str] = (),
    *,
    config: TrainingConfig = TrainingConfig(),
    folds: int = 5,
    skip_bad_rows: bool = False,
    promote: bool = False,
    force: bool = False,
    engine: Tier1Engine | None = None,
    progress: Progress = _no_progress,
) -> RetrainResult:
    """Train a challenger, save it, and promote it when asked and allowed.

    Raises
    ------
    training.observations.ObservationError
        Bad observation files (or rows, unless ``skip_bad_rows``).
    ValueError
        Fewer studies than ``folds``, or files holding no usable observation
        (a model trained on none would pass for one trained on them).
    """
    engine = engine or Tier1Engine()
    observations, data = None, {}
    if files:
        observation_set = read_observations(list(files), skip_bad_rows=skip_bad_rows)
        observations, data = observation_set.observations, observation_report(observation_set)
        if len(observations) == 0:
            skipped = (f", all {observation_set.rows_skipped} skipped as invalid "
                       f"({'; '.join(list(data['skipped_by_problem'])[:3])})" if observation_set.rows_skipped else "")
            raise ValueError(f"no usable observation in {', '.join(str(f) for f in files)}: "
                             f"{observation_set.rows_read} row(s) read{skipped}; fix the files, or train "
                             "without --data for the reference-set model")
    in_service, error = load_in_service(registry)
    try:
        before = registry.in_service_version()
    except PointerError:  # damaged: nothing in service to compare with (--force replaces it)
        before = None
    outcome = run_training(engine, config, observations, folds=folds, in_service=in_service, data=data,
                           progress=progress)
    decision = decide(outcome.basis, outcome.challenger_metrics(), outcome.in_service_metrics(),
                      before, error)
    shared = in_service.trained_on & {s["sha256"] for s in data.get("sources", [])} if in_service else set()
    if shared:
        # Its "held-out" rows were in its training data: the comparison favours it.
        decision = replace(decision, note=f"the model in service {before} was trained on {len(shared)} of these "
                                          "observation file(s); its figures on them are in-sample, so the "
                                          "comparison favours it")
    version = save_outcome(registry, outcome, decision)
    promoted = promote and (decision.passed or force)
    if promoted:
        registry.promote(version)
    elif promote:
        log.warning("model %s not promoted: %s", version, decision.reason)
    after = registry.in_service_version() if promoted else before
    return RetrainResult(version, outcome, decision, promoted, before, after)
