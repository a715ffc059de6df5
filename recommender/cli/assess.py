"""``recommender assess``: what the accounting says about one farm, or the
outcome of sets of practices the user chooses (``--scenario``)."""

import json
from dataclasses import asdict
from pathlib import Path

import click
from pydantic import ValidationError

from recommender.cli._default_model import build_default
from recommender.cli._output import echo_json, echo_table
from recommender.inputs.errors import describe
from recommender.inputs.farm import FarmContext
from recommender.model.registry import ModelRegistry, default_models_dir
from recommender.recommend.answer import ScenarioAnswer
from recommender.recommend.options import HORIZON_YEARS_RANGE, Options
from recommender.recommend.scenarios import MAX_SCENARIOS
from recommender.recommend.service import ModelService
from recommender.science.assessment import Assessment
from recommender.science.assessment import assess as assess_farm
from recommender.science.tier1 import Tier1Engine


def read_farm(path: Path) -> FarmContext:
    """Read and validate a farm JSON file, or exit with the reasons."""
    try:
        return FarmContext.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"{path} is not valid JSON: {error}", param_hint="--farm") from None
    except ValidationError as error:
        raise click.BadParameter(f"{path} is not a valid farm:\n{describe(error)}", param_hint="--farm") from None


def _practice_set(text: str) -> list[str]:
    return [pid.strip() for pid in text.split(",") if pid.strip()]


@click.command()
@click.option("--farm", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Farm context as JSON (see README for the fields).")
@click.option("--horizon", type=click.FloatRange(*HORIZON_YEARS_RANGE), default=20, show_default=True,
              help="Years over which to sum the gain (saturation applies).")
@click.option("--scenario", "sets", multiple=True, metavar="ID,ID,...",
              help=f"A set of practices adopted together, compared with the model in service as "
                   f"POST /v1/scenarios does; repeat for up to {MAX_SCENARIOS} sets.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="json: with --scenario, exactly the body POST /v1/scenarios answers.")
@click.option("--models-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Model registry for --scenario [default: $RECOMMENDER_MODELS_DIR or ./models].")
def assess(farm: Path, horizon: float, sets: tuple[str, ...], fmt: str, models_dir: Path | None) -> None:
    """Stock, capacity, 4 per 1000 target and the gain of every applicable practice.

    Without --scenario this is the accounting alone (IPCC 2019 Tier 1 and the
    published relative effects), with 10-90 % intervals from the tables' error
    ranges; `recommender recommend` ranks with the trained model.
    """
    context = read_farm(farm)
    if len(sets) > MAX_SCENARIOS:
        raise click.BadParameter(f"at most {MAX_SCENARIOS} sets, got {len(sets)}", param_hint="--scenario")
    engine = Tier1Engine()
    if sets:
        service = ModelService(ModelRegistry(models_dir or default_models_dir()), engine, build=build_default)
        service.refresh()
        if service.current is None:
            raise click.ClickException(f"no usable model: {service.last_error}")
        answer = service.current.scenarios(context, [_practice_set(s) for s in sets], Options(horizon_years=horizon))
        if fmt == "json":
            click.echo(answer.model_dump_json(indent=2))
        else:
            _echo_scenarios(answer)
        return
    result = assess_farm(engine, context, horizon)
    if fmt == "json":
        payload = asdict(result)
        payload["context"] = result.context.model_dump(mode="json")
        echo_json(payload)
    else:
        _echo_assessment(result, horizon)


def _echo_assessment(result: Assessment, horizon: float) -> None:
    click.echo(
        f"SOC stock {result.stock_t_c_ha:.1f} t C/ha (0-30 cm, "
        f"{'measured' if result.stock_measured else 'Tier 1 estimate'}, soil class {result.soil_class}); "
        f"capacity {result.capacity_t_c_ha:.1f} t C/ha; 4 per 1000 target {result.target_t_c_ha_yr:.3f} t C/ha/yr\n"
    )
    rows = [
        {
            "practice": g.practice_ids[0],
            "gain t C/ha/yr": f"{g.gain_t_c_ha_yr:.3f}",
            "10-90 %": f"{g.interval_t_c_ha_yr[0]:.3f} .. {g.interval_t_c_ha_yr[1]:.3f}",
            "% of target": f"{100 * g.share_of_target:.0f}",
            "years": f"{g.years_to_saturation:g}",
            "equilibrium t C/ha": f"{g.equilibrium_soc_t_ha:.1f}" + (" (capacity)" if g.capped_by_capacity else ""),
            f"t C/ha over {horizon:g} yr": f"{g.gain_over_horizon_t_c_ha:.2f}",
        }
        for g in sorted(result.gains, key=lambda g: -g.gain_t_c_ha_yr)
    ]
    echo_table(rows, list(rows[0]) if rows else ["practice"])
    click.echo(f"\n{len(result.excluded)} practices excluded (see --format json for reasons).")


def _echo_scenarios(answer: ScenarioAnswer) -> None:
    baseline = answer.baseline
    click.echo(f"SOC stock {baseline.soc_t_ha:.1f} t C/ha (0-30 cm, {baseline.soc_source}); capacity "
               f"{baseline.capacity_t_c_ha:.1f} t C/ha; 4 per 1000 target {baseline.target_4p1000_t_c_ha_yr:.3f} "
               f"t C/ha/yr\n")
    rows, refused = [], []
    for scenario in answer.scenarios:
        name = " + ".join(scenario.practice_ids)
        outcome = scenario.outcome
        if outcome is None:
            refused.append(f"{name}: " + "; ".join(e.problem for e in scenario.errors or []))
            rows.append({"scenario": name, "gain t C/ha/yr": "refused (below)"})
            continue
        rows.append({
            "scenario": name,
            "gain t C/ha/yr": f"{outcome.expected_gain_t_c_ha_yr:.3f}",
            "10-90 %": "{:.3f} .. {:.3f}".format(*outcome.interval_t_c_ha_yr),
            "one field": "{:.2f} .. {:.2f}".format(*outcome.field_range_t_c_ha_yr),
            "% of target": f"{100 * outcome.share_of_4p1000_target:.0f}",
            "equilibrium": f"{outcome.equilibrium_soc_t_ha:.1f}" + (" (capacity)" if outcome.capped_by_capacity
                                                                     else ""),
            "origin": outcome.carbon_origin,
            "net t CO2e/ha/yr": f"{outcome.net_climate_t_co2e_ha_yr:.2f}",
        })
    echo_table(rows, ["scenario", "gain t C/ha/yr", "10-90 %", "one field", "% of target", "equilibrium",
                      "origin", "net t CO2e/ha/yr"])
    if refused:
        click.echo("\nRefused:\n" + "\n".join(f"  {line}" for line in refused))
    click.echo(f"\nModel {answer.model.version}. Trajectories, emissions and reasons: --format json")
