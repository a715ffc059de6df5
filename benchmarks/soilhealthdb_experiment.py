"""Does retraining on SoilHealthDB beat the Tier 1 prior on held-out studies? (issues 3 and 9)

Converts the user's copy of SoilHealthDB V2 (Jian, Du & Stewart 2020) with
``training.datasets.soilhealthdb``, trains the model on the reference set plus
those observations with the library's default configuration, and evaluates it
by grouped K-fold cross-validation by study (``training.evaluation``): the
study-weighted MAE on held-out studies of the model, Tier 1 (duration-aware),
the per-practice mean and median and the global median, each with the 90 %
study-bootstrap interval of its difference to Tier 1; rows converted and
dropped by reason; breakdowns by practice and by duration; the held-out
coverage of the field range (``training.field_range``). ``--sensitivity``
reruns the evaluation with other weightings and other time paths (the
previous exponential default, a tau fitted per fold), to show how much the
verdict depends on those choices (none of them is tuned here).

Aim (issue 3): study-weighted MAE at least 10 % below Tier 1's with the
interval of the difference below zero. The verdict is computed from the
figures and written as is.

The data stay outside the project (their terms forbid repackaging): the
script reads ``../shared/data/soilhealthdb/SoilHealthDB_V2.csv`` or ``--data``,
writes ``benchmarks/SOILHEALTHDB.md`` (figures only), and saves the trained
model with its card in ``benchmarks/out/models`` (not committed).

Usage::

    python benchmarks/soilhealthdb_experiment.py [--data FILE] [--folds 5] [--seed 0] [--sensitivity] [--no-write]
"""

import argparse
import os
import platform
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from recommender.model.registry import ModelRegistry, library_versions
from recommender.science.tier1 import Tier1Engine
from training.card import METHOD_NAMES, markdown_table
from training.datasets.soilhealthdb import convert
from training.duration import EXPONENTIAL_TAU_YEARS
from training.evaluation import cross_validate
from training.field_range import departures, held_out_coverage
from training.pipeline import TrainingConfig, build_reference
from training.retrain import run_training, save_outcome

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data" / "soilhealthdb" / "SoilHealthDB_V2.csv"
REPORT = HERE / "SOILHEALTHDB.md"
MODELS = HERE / "out" / "models"
AIM_PCT = -10.0
COLUMNS = ("n", "study_mae", "vs_tier1", "vs_tier1_pct", "vs_tier1_low", "vs_tier1_high", "mae", "rmse", "r2",
           "coverage", "spearman", "ndcg3")
DURATION_BINS = (0, 3, 5, 10, 20, 200)
#: Variants of ``--sensitivity``: name -> changes to the default configuration.
VARIANTS = {
    "observations 25 % of the weight": {"observation_share": 0.25},
    "observations 80 % of the weight": {"observation_share": 0.8},
    f"exponential path, tau {EXPONENTIAL_TAU_YEARS:.2f} yr (the previous default)":
        {"tau_years": EXPONENTIAL_TAU_YEARS},
    "exponential path, tau fitted per training fold": {"tau_years": "fit"},
}


def machine() -> str:
    memory = "?"
    if Path("/proc/meminfo").is_file():
        total_kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        memory = f"{total_kb / 2**20:.1f} GiB"
    libraries = ", ".join(f"{k} {v}" for k, v in library_versions().items())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores, {memory}, {platform.platform()}; {libraries}. "
            f"Load average at the end: {load} (other jobs on the machine slow it down, not the figures).")


def metrics_rows(table: pd.DataFrame) -> list[list]:
    return [[METHOD_NAMES.get(method, method), *(row[c] for c in COLUMNS)] for method, row in table.iterrows()]


def breakdown(predictions: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Per group: rows, studies, medians of observed / Tier 1 / model, and MAEs."""
    frame = predictions.assign(group=by.to_numpy(),
                               model_error=(predictions["model"] - predictions["observed"]).abs(),
                               tier1_error=(predictions["tier1"] - predictions["observed"]).abs())
    return frame.groupby("group", observed=True).agg(
        rows=("observed", "size"), studies=("study_id", "nunique"), observed_median=("observed", "median"),
        tier1_median=("tier1", "median"), model_median=("model", "median"),
        model_mae=("model_error", "mean"), tier1_mae=("tier1_error", "mean"))


def verdict(table: pd.DataFrame) -> str:
    row = table.loc["model"]
    met = row["vs_tier1_pct"] <= AIM_PCT and row["vs_tier1_high"] < 0
    figures = (f"study-weighted MAE {row['study_mae']:.3f} vs Tier 1 {table.loc['tier1', 'study_mae']:.3f} "
               f"t C/ha/yr: {row['vs_tier1_pct']:+.1f} % (difference {row['vs_tier1']:+.3f}, 90 % study-bootstrap "
               f"interval [{row['vs_tier1_low']:+.3f}, {row['vs_tier1_high']:+.3f}])")
    if met:
        return f"Aim met: {figures}."
    return (f"Aim not met: {figures}. The aim was at least 10 % below Tier 1 with the interval below zero; "
            "these data do not support it.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SoilHealthDB_V2.csv")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sensitivity", action="store_true", help="also evaluate the variants of VARIANTS")
    parser.add_argument("--no-write", action="store_true", help=f"print only; do not write {REPORT.name}")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data}: not found; download SoilHealthDB_V2.csv from jinshijian/SoilHealthDB "
                     "(see ../shared/data/soilhealthdb/NOTE.md) and pass --data")

    started = time.perf_counter()
    engine = Tier1Engine()
    conversion = convert(args.data, engine)
    observations = conversion.observations
    dropped = dict(conversion.dropped.most_common())
    print(f"{conversion.total_rows} rows read, {len(observations)} converted; dropped: {dropped}")
    config = TrainingConfig(seed=args.seed)
    data = {
        "conversion": {"source": "SoilHealthDB V2 (Jian, Du & Stewart 2020)", "total_rows": conversion.total_rows,
                       "converted": len(observations), "dropped": dropped},
        "rows_read": len(observations), "rows_valid": len(observations), "rows_skipped": 0,
        "studies": int(observations["study_id"].nunique()), "sites": int(observations["site_id"].nunique()),
        "by_practice": observations["practice"].value_counts().to_dict(),
        "by_climate_zone": observations["climate_zone"].value_counts().to_dict(),
    }
    outcome = run_training(engine, config, observations, folds=args.folds, data=data)
    cv = outcome.cross_validation
    table = cv.metrics
    version = save_outcome(ModelRegistry(MODELS), outcome)
    pd.set_option("display.width", 200)
    print(table[list(COLUMNS)].round(3).to_string())
    text = verdict(table)
    print(text)

    sensitivity = {}
    if args.sensitivity:
        reference = build_reference(engine, config)
        for name, change in VARIANTS.items():
            variant = cross_validate(observations, engine, replace(config, **change), reference, args.folds)
            sensitivity[name] = variant.metrics.loc["model"].to_dict() | {
                "tier1_study_mae": variant.metrics.loc["tier1", "study_mae"]}
            print(f"{name}: {sensitivity[name]['vs_tier1_pct']:+.1f} % "
                  f"[{sensitivity[name]['vs_tier1_low']:+.3f}, {sensitivity[name]['vs_tier1_high']:+.3f}]")
    field = held_out_coverage(departures(observations, engine))
    print(f"field range held-out coverage {field[0]:.3f} ({field[1]:.3f}-{field[2]:.3f})")
    seconds = time.perf_counter() - started

    predictions = cv.predictions
    tau = outcome.trained.tau_years
    path = "the IPCC linear path (D = 20 yr)" if tau is None else f"an exponential path, tau {tau:.2f} yr"
    by_practice = breakdown(predictions, predictions["practice"])
    by_duration = breakdown(predictions, pd.cut(predictions["years"], DURATION_BINS))
    lines = [
        "# SoilHealthDB experiment (issues 3 and 9)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python benchmarks/soilhealthdb_experiment.py"
        f"{' --sensitivity' if args.sensitivity else ''}` in {seconds:.0f} s. Machine: {machine()}",
        "",
        "Data: SoilHealthDB V2 (Jian, Du & Stewart 2020, Sci. Data 7:16), the user's copy, converted by "
        "`training/datasets/soilhealthdb.py` (the rules are in its docstring). Model: reference set + these "
        f"observations, default `TrainingConfig` (seed {args.seed}; observations {config.observation_share:.0%} of "
        f"the weight; observed rates harmonised to the 20-year mean along {path}). "
        f"Model card: `benchmarks/out/models/{version}/MODEL_CARD.md` (not committed).",
        "",
        "## Rows converted and dropped",
        "",
        f"{conversion.total_rows:,} rows read; {len(observations):,} converted from "
        f"{data['studies']} studies and {data['sites']} sites.",
        "",
        markdown_table(["reason dropped", "rows"], dropped.items()),
        "",
        markdown_table(["practice (converted)", "rows"], data["by_practice"].items()),
        "",
        "## Held-out studies",
        "",
        f"Grouped {cv.folds}-fold cross-validation by study; every method predicts the held-out rows, "
        "compared where measured: the annual rate over 0-30 cm (depth-corrected) and the observation's own "
        "duration, t C/ha/yr. `study_mae`: mean over studies of each study's MAE. `vs_tier1`: study MAE minus "
        "Tier 1's (`_pct`: in % of Tier 1's), `low`/`high`: its 90 % study-bootstrap interval (2,000 resamples). "
        "`coverage`: share of observations inside the 10-90 % interval. `spearman`, `ndcg3`: ranking of "
        "practices within sites that have at least two.",
        "",
        markdown_table(["method", *COLUMNS], metrics_rows(table)),
        "",
        f"**{text}**",
        "",
        f"tau fitted on all the observations (for comparison, not used): {outcome.tau_fitted_years:.2f} yr "
        "(the search range is 0.25-100 yr; a value at either end means the data do not bound it).",
        "",
        "### Field range (what one field may see)",
        "",
        f"Share of held-out observations inside the field range fitted on the other studies (grouped "
        f"5-fold by study, 5 splits; `training/field_range.py`, stored in `recommender/data/field_range.csv`): "
        f"**{field[0]:.3f}** (splits {field[1]:.3f}-{field[2]:.3f}; target 0.80 +/- 0.05). The model's own "
        "10-90 % interval above is the uncertainty of the expected gain, not of one field.",
        "",
        "### By practice (held-out predictions)",
        "",
        markdown_table(["practice", *by_practice.columns], by_practice.reset_index().itertuples(index=False)),
        "",
        "### By duration, years (held-out predictions)",
        "",
        markdown_table(["years", *by_duration.columns],
                       by_duration.reset_index().astype({"group": str}).itertuples(index=False)),
        "",
    ]
    if sensitivity:
        lines += [
            "## Sensitivity (the same folds, other training choices)",
            "",
            "The time path changes how observed rates are harmonised to the 20-year mean, so Tier 1's "
            "held-out error changes with it too.",
            "",
            markdown_table(["variant", "study_mae", "tier1_study_mae", "vs_tier1_pct", "vs_tier1_low",
                            "vs_tier1_high", "coverage"],
                           ([name, r["study_mae"], r["tier1_study_mae"], r["vs_tier1_pct"], r["vs_tier1_low"],
                             r["vs_tier1_high"], r["coverage"]] for name, r in sensitivity.items())),
            "",
        ]
    if not args.no_write:
        REPORT.write_text("\n".join(lines), encoding="utf-8")
        print(f"written {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
