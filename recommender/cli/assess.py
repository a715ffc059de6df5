"""``recommender assess``: what IPCC Tier 1 says about one farm."""

import json
from dataclasses import asdict
from pathlib import Path

import click
from pydantic import ValidationError

from recommender.cli._output import echo_json, echo_table
from recommender.inputs.errors import describe
from recommender.inputs.farm import FarmContext
from recommender.science.tier1 import Tier1Engine


def read_farm(path: Path) -> FarmContext:
    """Read and validate a farm JSON file, or exit with the reasons."""
    try:
        return FarmContext.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"{path} is not valid JSON: {error}", param_hint="--farm") from None
    except ValidationError as error:
        raise click.BadParameter(f"{path} is not a valid farm:\n{describe(error)}", param_hint="--farm") from None


@click.command()
@click.option("--farm", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Farm context as JSON (see README for the fields).")
@click.option("--horizon", type=click.FloatRange(1, 100), default=20, show_default=True,
              help="Years over which to sum the gain (saturation applies).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def assess(farm: Path, horizon: float, fmt: str) -> None:
    """Tier 1 stock, 4 per 1000 target and the gain of every applicable practice.

    This is the IPCC 2019 Tier 1 prior alone, with 10-90 % intervals from the
    tables' error ranges; `recommender recommend` ranks with the trained model.
    """
    result = Tier1Engine().assess(read_farm(farm), horizon)
    if fmt == "json":
        payload = asdict(result)
        payload["context"] = result.context.model_dump(mode="json")
        echo_json(payload)
        return
    click.echo(
        f"SOC stock {result.stock_t_c_ha:.1f} t C/ha (0-30 cm, "
        f"{'measured' if result.stock_measured else 'Tier 1 estimate'}, soil class {result.soil_class}); "
        f"4 per 1000 target {result.target_t_c_ha_yr:.3f} t C/ha/yr\n"
    )
    rows = [
        {
            "practice": g.practice_ids[0],
            "gain t C/ha/yr": f"{g.gain_t_c_ha_yr:.3f}",
            "10-90 %": f"{g.interval_t_c_ha_yr[0]:.3f} .. {g.interval_t_c_ha_yr[1]:.3f}",
            "t CO2e/ha/yr": f"{g.gain_t_co2e_ha_yr:.2f}",
            "% of target": f"{100 * g.share_of_target:.0f}",
            f"t C/ha over {horizon:g} yr": f"{g.gain_over_horizon_t_c_ha:.2f}",
        }
        for g in sorted(result.gains, key=lambda g: -g.gain_t_c_ha_yr)
    ]
    echo_table(rows, list(rows[0]) if rows else ["practice"])
    click.echo(f"\n{len(result.excluded)} practices excluded (see --format json for reasons).")
