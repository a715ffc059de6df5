"""``recommender recommend``: the ranking the API gives, for one farm file."""

import logging
from pathlib import Path

import click

from recommender.cli._default_model import build_default
from recommender.cli._options import ranking_options
from recommender.cli._output import echo_table
from recommender.cli.assess import read_farm
from recommender.model.registry import ModelRegistry, default_models_dir
from recommender.recommend.options import Options
from recommender.recommend.service import ModelService
from recommender.science.tier1 import Tier1Engine


@click.command()
@click.option("--farm", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Farm context as JSON (see README for the fields).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: exactly the body POST /v1/recommendations answers.")
@ranking_options
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Model registry [default: $RECOMMENDER_MODELS_DIR or ./models]; the default "
                   "model is built there if none is in service.")
def recommend(farm: Path, fmt: str, options: Options, models_dir: Path | None) -> None:
    """Rank the practices for one farm with the model in service.

    Gains are t C/ha/yr (0-30 cm) with their 10-90 % interval and share of
    the farm's 4 per 1000 target; the bundle is the best set of compatible
    practices adopted together.
    """
    context = read_farm(farm)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    service = ModelService(ModelRegistry(models_dir or default_models_dir()), Tier1Engine(),
                           build=build_default)
    # A model that does not load is told below in one line, not logged as well.
    service_log = logging.getLogger(ModelService.__module__)
    level = service_log.level
    service_log.setLevel(logging.CRITICAL)
    try:
        service.refresh()
    finally:
        service_log.setLevel(level)
    if service.current is None:
        raise click.ClickException(f"no usable model: {service.last_error}")
    answer = service.current.recommend(context, options)
    if fmt == "json":
        click.echo(answer.model_dump_json(by_alias=True, indent=2))
        return
    baseline = answer.baseline
    click.echo(f"SOC stock {baseline.soc_t_ha:.1f} t C/ha (0-30 cm, {baseline.soc_source}); capacity "
               f"{baseline.capacity_t_c_ha:.1f} t C/ha; 4 per 1000 target "
               f"{baseline.target_4p1000_t_c_ha_yr:.3f} t C/ha/yr")
    if baseline.input_needed_for_4p1000_t_c_ha_yr is not None:
        click.echo(f"Reaching it under RothC takes {baseline.input_needed_for_4p1000_t_c_ha_yr:.2f} t C/ha/yr more "
                   f"input: {baseline.input_needed_for_4p1000_residue_dm_t_ha_yr:.1f} t/ha/yr of crop residue or "
                   f"{baseline.input_needed_for_4p1000_manure_dm_t_ha_yr:.1f} t/ha/yr of manure (dry matter)")
    click.echo("")
    rows = [
        {
            "rank": r.rank,
            "practice": r.practice_id,
            "gain t C/ha/yr": f"{r.expected_gain_t_c_ha_yr:.3f}",
            "10-90 %": "{:.3f} .. {:.3f}".format(*r.interval_t_c_ha_yr),
            "methods": "{:.3f} .. {:.3f}".format(*r.structural_range_t_c_ha_yr),
            "% of target": f"{100 * r.share_of_4p1000_target:.0f}",
            "origin": r.carbon_origin,
            "net t CO2e/ha/yr": f"{r.net_climate_t_co2e_ha_yr:.2f}",
            "cost": r.cost.cost_class,
        }
        for r in answer.recommendations
    ]
    echo_table(rows, list(rows[0]) if rows else ["rank", "practice"])
    bundle = answer.bundle
    if bundle:
        click.echo(f"\nBest bundle: {' + '.join(bundle.practice_ids)}: "
                   f"{bundle.expected_gain_t_c_ha_yr:.3f} t C/ha/yr "
                   f"({100 * bundle.share_of_4p1000_target:.0f} % of the target)")
    click.echo(f"\nModel {answer.model.version}. Rationale and caveats: --format json")
