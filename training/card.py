"""The model card (``MODEL_CARD.md``), written from the manifest alone.

Everything the card states is in the manifest (``recommender.registry``), so
the card can be regenerated from a model folder and never disagrees with it.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

from recommender.knowledge import load_knowledge_base
from recommender.model.provenance import trained_on

from .evaluation import METRICS

INTENDED_USE = """\
Ranks soil-carbon practices for one field or many (API, batch scoring):
expected gain of adopting each practice in t C/ha/yr, 0-30 cm, as the mean
over the IPCC Tier 1 horizon of 20 years, with a 10-90 % interval. The
IPCC 2019 Tier 1 estimate is the model's prior; the model learns corrections
where the training observations disagree with it, and reproduces Tier 1
where there are none."""

NOT_FOR = """\
- Carbon credits, MRV or any verification of a field's actual change: these
  need measurements on the field (the model gives a prior expectation).
- Organic soils, depths below 30 cm, or horizons other than 20 years without
  conversion.
- Contexts far from the training observations: there the model is Tier 1."""

LIMITS = """\
- Tier 1 is a global default; the reference set teaches the model the IPCC
  tables and their uncertainty, not local conditions.
- Observed paired comparisons are noisy: the treatment-control difference
  includes site variability, short trials inflate annual rates, and shallow
  samples scaled to 30 cm assume the change is distributed like the stock
  (`recommender/science/depth.py`).
- Durations are harmonised along the IPCC path the answers use (linear for
  D = 20 years, then flat; `training/duration.py`); rates from 1-3 year
  trials are noisy whatever the model.
- Combinations of practices observed together are a category of their own;
  bundles at prediction time add single-practice corrections.
- Gains are reversible (permanence); manure and compost move carbon from
  elsewhere (leakage); nitrogen can add N2O."""

METHOD_NAMES = {
    "model": "this model",
    "in_service": "model in service",
    "tier1": "Tier 1 (duration-aware)",
    "practice_mean": "per-practice mean",
    "practice_median": "per-practice median",
    "global_median": "global median",
}
CV_COLUMNS = ("n", "mae", "rmse", "r2", "study_mae", "vs_tier1", "vs_tier1_pct", "vs_tier1_low",
              "vs_tier1_high", "coverage", "spearman", "ndcg3")
AGREEMENT_ROWS = {
    "mae_vs_engine": "MAE of expected gain vs Tier 1 central, t C/ha/yr",
    "engine_mean_abs_gain": "mean absolute Tier 1 gain (scale), t C/ha/yr",
    "coverage": "share of Tier 1 Monte Carlo draws inside the 10-90 % band (0.8 expected)",
    "rows": "held-out reference rows",
}


def _number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 10):
        return f"{int(value):,}"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.3f}"
    return str(value)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_number(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def cross_validation_table(methods: dict) -> str:
    """Methods side by side with the columns of :data:`CV_COLUMNS`."""
    return markdown_table(
        ["method", *CV_COLUMNS],
        ([METHOD_NAMES.get(name, name), *(values.get(c) for c in CV_COLUMNS)] for name, values in methods.items()),
    )


def _counts(title: str, counts: dict) -> list[str]:
    if not counts:
        return []
    return [f"{title}:", "", markdown_table(["", "rows"], counts.items()), ""]


def _data_section(manifest: dict) -> list[str]:
    training, data = manifest["training"], manifest.get("data") or {}
    rows = training["rows"]
    lines = [
        "## Training data",
        "",
        f"- Reference set (`recommender/model/reference_set.py`): {rows['reference']:,} rows drawn from the IPCC "
        f"Tier 1 engine (seed {training['seed']}, {training['draws_per_pair']} Monte Carlo draws per "
        f"(context, practice), {training['extra_contexts']} random contexts besides the grid).",
    ]
    if not rows.get("observations"):
        lines += ["- No field observations: the model reproduces Tier 1 and its uncertainty.", ""]
        return lines
    lines += [
        f"- Observations: {rows['observations']:,} rows from {data.get('studies', '?')} studies and "
        f"{data.get('sites', '?')} sites; {data.get('rows_read', '?')} rows read, "
        f"{data.get('rows_skipped', 0)} skipped as invalid.",
    ]
    lines += [f"  - `{s['file']}` sha256 `{s['sha256']}`" for s in data.get("sources", [])]
    lines.append("")
    conversion = data.get("conversion")
    if conversion:
        lines += [f"Conversion of {conversion['source']}: {conversion['total_rows']:,} rows, "
                  f"{conversion['converted']:,} converted; dropped by reason:", "",
                  markdown_table(["reason", "rows"], conversion["dropped"].items()), ""]
    lines += _counts("Rows skipped by problem", data.get("skipped_by_problem", {}))
    lines += _counts("Observations by practice", data.get("by_practice", {}))
    lines += _counts("Observations by climate zone", data.get("by_climate_zone", {}))
    lines += _counts("Whether Tier 1 proposes the observed practice in that context", data.get("tier1_screen", {}))
    fitted = training.get("tau_fitted_years")
    lines += [
        "Harmonisation and weights (`training/pipeline.py`, `training/duration.py`):",
        "",
        "- depth: observed changes over 0-d cm expressed over 0-30 cm (`recommender/science/depth.py`);",
        f"- duration: the observed mean rate over t years converted to the 20-year mean along "
        f"{training['tau_source']}"
        + (f" (tau {training['tau_years']:.2f} yr)" if training['tau_years'] else "")
        + (f"; a first-order tau fitted on these observations: {fitted:.2f} yr" if fitted else "") + ";",
        "- weights: each observation `duration_weight(t) / sqrt(n_study)`, observations together "
        f"{training['observation_share']:.0%} of the total weight (actual {training['observation_weight_share']:.1%}), "
        "every reference row the same.",
        "",
    ]
    return lines


def _evaluation_section(manifest: dict) -> list[str]:
    metrics = manifest["metrics"]
    agreement = metrics["reference_agreement"]
    in_service = metrics.get("in_service_reference_agreement")
    header = ["metric", "this model"] + (["model in service"] if in_service else [])
    lines = [
        "## Evaluation",
        "",
        "Agreement with the Tier 1 engine on a reference set drawn with another seed:",
        "",
        markdown_table(header, ([label, agreement[key]] + ([in_service[key]] if in_service else [])
                                for key, label in AGREEMENT_ROWS.items())),
        "",
    ]
    cv = metrics.get("cross_validation")
    if cv:
        lines += [
            f"Grouped {cv['folds']}-fold cross-validation by study (no study in both training and test "
            "folds; the reference set is in every training fold). Observed and predicted rates are over "
            "0-30 cm and each observation's own duration, t C/ha/yr. `vs_tier1`: study-weighted MAE minus "
            "Tier 1's, with its 90 % study-bootstrap interval (`low`, `high`). Columns:",
            "",
        ]
        lines += [f"- `{c}`: {METRICS[c]}" for c in CV_COLUMNS]
        lines += ["", cross_validation_table(cv["methods"]), "",
                  "tau by fold (yr): " + ", ".join("IPCC path" if t is None else f"{t:.2f}"
                                                   for t in cv["tau_by_fold_years"]), ""]
    spread = load_knowledge_base().field_range
    lines += [
        "### Field range",
        "",
        "Answers also give `field_range_t_c_ha_yr`, what one field may see: the expected gain plus the "
        f"between-site spread fitted on SoilHealthDB ({spread['p10_intercept']:+.2f} / "
        f"{spread['p90_intercept']:+.2f} t C/ha/yr, `recommender/data/field_range.csv`). It covers "
        f"{100 * spread['heldout_coverage']:.1f} % of held-out studies' observations (target 80 +/- 5 %); "
        "the model's 10-90 % interval is the uncertainty of the expected gain, not of one field.",
        "",
    ]
    check = manifest.get("promotion_check")
    if check:
        lines += ["### Comparison with the model in service at training time", "", check["reason"] + ".", ""]
        if check.get("note"):
            lines += [f"Note: {check['note']}.", ""]
        if check["rows"]:
            lines += [markdown_table(["metric", "this model", check["in_service"], "limit", "not worse"],
                                     ([r["metric"], r["challenger"], r["in_service"], r["limit"],
                                       "yes" if r["ok"] else "no"] for r in check["rows"])), ""]
    return lines


def render_card(manifest: dict, plots: Sequence[Path] = ()) -> str:
    """``MODEL_CARD.md`` text for a model folder's ``manifest``."""
    training = manifest["training"]
    lines = [
        f"# Model card: {manifest['version']}",
        "",
        f"**{trained_on(manifest)}**",
        "",
        f"Created {manifest['created']}; trained in {training['seconds']} s. Artifact `{manifest['artifact']['file']}`"
        f" (sha256 `{manifest['artifact']['sha256']}`). Libraries: "
        + ", ".join(f"{k} {v}" for k, v in manifest["libraries"].items()) + ".",
        "",
        "Three scikit-learn pipelines (one-hot encoding + histogram gradient boosting) predict the residual "
        "of the observed gain on the IPCC Tier 1 gain: its mean and its 10 % and 90 % quantiles "
        "(`recommender/model/gain_model.py`). Features: " + ", ".join(
            manifest["feature_schema"]["categorical"] + manifest["feature_schema"]["numeric"]) + ".",
        "",
        "## Intended use",
        "",
        INTENDED_USE,
        "",
        "Not for:",
        "",
        NOT_FOR,
        "",
        *_data_section(manifest),
        *_evaluation_section(manifest),
        "## Limits",
        "",
        LIMITS,
        "",
    ]
    if plots:
        lines += ["## Plots", ""] + [f"![{Path(p).stem}](plots/{Path(p).name})" for p in plots] + [""]
    return "\n".join(lines)
