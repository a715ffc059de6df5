"""``recommender recommend``: the ranking the API gives, for one farm file."""

import logging
from pathlib import Path

import click

from training.default import build_default

from recommender.recommend.ranking import OBJECTIVES
from recommender.recommend.records import BUNDLE_SIZE_RANGE, HORIZON_YEARS_RANGE, TOP_K_RANGE, Options
from recommender.model.registry import ModelRegistry, default_models_dir
from recommender.recommend.service import ModelService
from recommender.science.tier1 import Tier1Engine
from recommender.cli._output import echo_json, echo_table
from recommender.cli.assess import read_farm


@click.command()
@click.option("--farm", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Farm context as JSON (see README for the fields).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: exactly the body POST /v1/recommendations answers.")
@click.option("--objective", type=click.Choice(OBJECTIVES), default=Options.objective, show_default=True,
              help="carbon: expected gain; robust: 10 % quantile; cost: gain per USD; "
                   "balanced: gain and co-benefits.")
@click.option("--top-k", type=click.IntRange(*TOP_K_RANGE), default=Options.top_k, show_default=True,
              help="How many practices to list.")
@click.option("--bundle-size", type=click.IntRange(*BUNDLE_SIZE_RANGE), default=Options.bundle_size,
              show_default=True, help="Most practices in the bundle; 0 for none.")
@click.option("--horizon", type=click.FloatRange(*HORIZON_YEARS_RANGE), default=Options.horizon_years,
              show_default=True, help="Years over which to sum each gain (saturation applies).")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models]; the default "
                   "model is built there if none is in service.")
def recommend(farm: Path, fmt: str, objective: str, top_k: int, bundle_size: int, horizon: float,
              models_dir: Path | None) -> None:
    """Rank the practices for one farm with the model in service.

    Gains are t C/ha/yr (0-30 cm) with their 10-90 % interval and share of
    the farm's 4 per 1000 target; the bundle is the best set of compatible
    practices adopted together.
    """
    context = read_farm(farm)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # A model that does not load is told below in one line, not logged as well.
    logging.getLogger(ModelService.__module__).setLevel(logging.CRITICAL)
    service = ModelService(ModelRegistry(models_dir or default_models_dir()), Tier1Engine(),
                           build=build_default)
    service.refresh()
    if service.current is None:
        raise click.ClickException(f"no usable model: {service.last_error}")
    options = Options(objective=objective, top_k=top_k, bundle_size=bundle_size, horizon_years=horizon)
    answer = service.current.recommend(context, options)
    if fmt == "json":
        echo_json(answer)
        return
    baseline = answer["baseline"]
    click.echo(f"SOC stock {baseline['soc_t_ha']:.1f} t C/ha (0-30 cm, {baseline['soc_source']}); "
               f"4 per 1000 target {baseline['target_4p1000_t_c_ha_yr']:.3f} t C/ha/yr\n")
    rows = [
        {
            "rank": r["rank"],
            "practice": r["practice_id"],
            "gain t C/ha/yr": f"{r['expected_gain_t_c_ha_yr']:.3f}",
            "10-90 %": "{:.3f} .. {:.3f}".format(*r["interval_t_c_ha_yr"]),
            "% of target": f"{100 * r['share_of_4p1000_target']:.0f}",
            "cost": r["cost"]["class"],
        }
        for r in answer["recommendations"]
    ]
    echo_table(rows, ["rank", "practice", "gain t C/ha/yr", "10-90 %", "% of target", "cost"])
    bundle = answer["bundle"]
    if bundle:
        click.echo(f"\nBest bundle: {' + '.join(bundle['practice_ids'])}: "
                   f"{bundle['expected_gain_t_c_ha_yr']:.3f} t C/ha/yr "
                   f"({100 * bundle['share_of_4p1000_target']:.0f} % of the target)")
    click.echo(f"\nModel {answer['model']['version']}. Rationale and caveats: --format json")
