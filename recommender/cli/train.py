"""``recommender train``: retrain, compare, promote."""

import logging
import sys
from pathlib import Path

import click
from tqdm import tqdm

from recommender.cli._output import echo_table
from recommender.model.registry import ModelRegistry, RegistryError, default_models_dir
from training.card import METHOD_NAMES
from training.observations import ObservationError
from training.pipeline import TrainingConfig
from training.retrain import RetrainResult, retrain

#: Exit status when ``--promote`` was asked but the not-worse rule refused it.
EXIT_NOT_PROMOTED = 3
SUMMARY_COLUMNS = {
    "study_mae": "study MAE",
    "vs_tier1": "vs Tier 1",
    "mae": "MAE",
    "rmse": "RMSE",
    "r2": "R2",
    "coverage": "10-90 % cover",
    "spearman": "Spearman",
    "ndcg3": "NDCG@3",
}


def training_config(seed: int) -> TrainingConfig:
    """The configuration the command trains with (the library's defaults)."""
    return TrainingConfig(seed=seed)


def _progress(iterable, description: str):
    return tqdm(iterable, desc=description, file=sys.stderr, leave=False, disable=None)


def _figure(value, digits: int = 3) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def echo_summary(result: RetrainResult) -> None:
    """Metrics side by side with the model in service and the baselines, then the decision."""
    outcome = result.outcome
    cv = outcome.cross_validation
    if cv is not None:
        click.echo(f"\nHeld-out studies (grouped {cv.folds}-fold CV by study), t C/ha/yr over 0-30 cm and "
                   "each observation's duration; vs Tier 1 = study MAE difference [90 % study bootstrap]:")
        rows = []
        for method, metrics in cv.metrics.iterrows():
            row = {"method": METHOD_NAMES.get(method, method)}
            for column, label in SUMMARY_COLUMNS.items():
                row[label] = _figure(metrics[column])
            row["vs Tier 1"] = (f"{metrics['vs_tier1']:+.3f} [{metrics['vs_tier1_low']:+.3f}, "
                                f"{metrics['vs_tier1_high']:+.3f}]")
            rows.append(row)
        echo_table(rows, ["method", *SUMMARY_COLUMNS.values()])
    click.echo("\nAgreement with Tier 1 on a held-out reference set:")
    rows = [{"model": f"this model ({result.version})", "MAE vs Tier 1": _figure(outcome.agreement["mae_vs_engine"], 4),
             "10-90 % cover of draws": _figure(outcome.agreement["coverage"])}]
    if outcome.in_service_agreement is not None:
        rows.append({"model": f"in service ({outcome.in_service})",
                     "MAE vs Tier 1": _figure(outcome.in_service_agreement["mae_vs_engine"], 4),
                     "10-90 % cover of draws": _figure(outcome.in_service_agreement["coverage"])})
    echo_table(rows, list(rows[0]))
    decision = result.decision
    if decision.rows:
        click.echo(f"\nNot-worse rule ({outcome.basis}), challenger vs {decision.in_service}:")
        echo_table([{"metric": r["metric"], "challenger": _figure(r["challenger"], 4),
                     "in service": _figure(r["in_service"], 4), "limit": _figure(r["limit"], 4),
                     "not worse": "yes" if r["ok"] else "NO"} for r in decision.rows],
                   ["metric", "challenger", "in service", "limit", "not worse"])
    if decision.note:
        click.echo(f"Note: {decision.note}.")
    click.echo(f"\nSaved {result.version} in {outcome.seconds:.1f} s of training and evaluation; "
               f"{decision.reason}.")


@click.command()
@click.option("--data", "files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Observation file (CSV or Parquet, schema in training/README.md); repeat for several.")
@click.option("--promote", is_flag=True, help="Put the new model in service if it is not worse than the current one.")
@click.option("--force", is_flag=True, help="With --promote: promote even if worse (or if the current one is broken).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the reference set and the boosters.")
@click.option("--skip-bad-rows", is_flag=True,
              help="Skip invalid observation rows (they are reported) instead of failing.")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models].")
@click.option("--folds", type=click.IntRange(2, 50), default=5, show_default=True,
              help="K of the grouped cross-validation by study (observations only).")
def train(files: tuple[Path, ...], promote: bool, force: bool, seed: int, skip_bad_rows: bool,
          models_dir: Path | None, folds: int) -> None:
    """Train a model on the reference set plus your observations, evaluate, save, promote.

    Without --data the model learns the IPCC Tier 1 reference set alone (the
    default model). With observations it is cross-validated by study against
    Tier 1, the per-practice mean and median, the global median and the model
    in service, on the same folds. The model folder (artifact, manifest,
    MODEL_CARD.md, plots/) is written atomically. --promote puts it in service
    only when it is not worse than the current model on that evaluation
    (unless --force). Exit status: 0 done, 1 bad data or failure, 3 promotion
    refused by the not-worse rule.
    """
    if force and not promote:
        raise click.UsageError("--force only applies with --promote")
    registry = ModelRegistry(models_dir or default_models_dir())
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = retrain(registry, files, config=training_config(seed), folds=folds, skip_bad_rows=skip_bad_rows,
                         promote=promote, force=force, progress=_progress)
    except ObservationError as error:
        hint = "\n(skip_bad_rows=True is --skip-bad-rows here)" if error.problems[0].row is not None else ""
        raise click.ClickException(str(error) + hint) from error
    except (ValueError, RegistryError, OSError) as error:
        raise click.ClickException(f"training failed: {error}") from error
    skipped = result.outcome.data.get("rows_skipped")
    if skipped:
        click.echo(f"{skipped} invalid observation row(s) skipped:", err=True)
        for problem, count in result.outcome.data["skipped_by_problem"].items():
            click.echo(f"  {count:5d}  {problem}", err=True)
    echo_summary(result)
    if result.promoted:
        click.echo(f"In service: {result.in_service_before or 'none'} -> {result.in_service_after}")
    elif promote:
        click.echo(f"Not promoted; in service remains {result.in_service_after or 'none'}. "
                   "Use --force to promote anyway.", err=True)
        sys.exit(EXIT_NOT_PROMOTED)
    else:
        click.echo(f"Not promoted (no --promote); `recommender model promote {result.version}` puts it in service.")
