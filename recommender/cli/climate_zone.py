"""``recommender climate-zone``: the IPCC climate zone of a site from its climate normals."""

import click
from pydantic import ValidationError

from recommender.cli._output import echo_json
from recommender.inputs.climate_zone import MONTHS, ClimateNormals, climate_zone_answer
from recommender.inputs.errors import error_records

#: Field of ClimateNormals -> the option that sets it (errors name the option).
OPTIONS = {"mat_c": "--mat", "map_mm": "--map", "elevation_m": "--elevation", "pet_mm": "--pet",
           "monthly_temperature_c": "--months", "frost_days": "--frost-days", "warmest_month_c": "--warmest-month"}


def _months(ctx: click.Context, param: click.Parameter, value: str | None) -> list[float] | None:
    """``t1,...,t12`` -> 12 floats (their range is checked with the other inputs)."""
    if value is None:
        return None
    try:
        months = [float(part) for part in value.split(",")]
    except ValueError:
        raise click.BadParameter(f"{MONTHS} numbers separated by commas, got {value!r}") from None
    if len(months) != MONTHS:
        raise click.BadParameter(f"{MONTHS} numbers separated by commas (January to December), got {len(months)}")
    return months


@click.command()
@click.option("--mat", type=float, required=True, help="Mean annual temperature, °C.")
@click.option("--map", "map_mm", type=float, required=True, help="Mean annual precipitation, mm/yr.")
@click.option("--elevation", type=float, help="Elevation, m; needed where the site is tropical.")
@click.option("--pet", type=float, help="Mean annual potential evapotranspiration, mm/yr, if known.")
@click.option("--months", callback=_months, metavar="T1,...,T12",
              help="The 12 monthly mean temperatures, °C, comma-separated: PET from Holdridge's biotemperature.")
@click.option("--frost-days", type=float, help="Frost days per year (tropical needs at most 7).")
@click.option("--warmest-month", type=float, help="Mean temperature of the warmest month, °C (polar vs boreal).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json gives the body of GET /v1/climate-zone.")
def climate_zone(mat: float, map_mm: float, elevation: float | None, pet: float | None, months: list[float] | None,
                 frost_days: float | None, warmest_month: float | None, fmt: str) -> None:
    """The IPCC climate zone of a site from its climate normals.

    IPCC 2019 rule (Vol. 4 Ch. 3 Annex 3A.5). Outside the tropics moist/dry is
    MAP/PET > 1, PET being --pet, else Holdridge's 58.93 x biotemperature from
    --months, else Turc's L(T) = 300 + 25 T + 0.05 T^3 from --mat. Example:
    `recommender climate-zone --mat 3.3 --map 350 --elevation 480`.
    """
    try:
        normals = ClimateNormals(mat_c=mat, map_mm=map_mm, elevation_m=elevation, pet_mm=pet,
                                 monthly_temperature_c=months, frost_days=frost_days, warmest_month_c=warmest_month)
    except ValidationError as error:
        records = error_records(error)
        raise click.UsageError("\n".join(f"{OPTIONS.get(r['field'].split('.')[0], r['field'])}: {r['problem']}"
                                         for r in records)) from None
    answer = climate_zone_answer(normals)
    if fmt == "json":
        echo_json(answer.model_dump(mode="json"))
        return
    click.echo(f"{answer.climate_zone.value} ({answer.label})\n{answer.rule}")
    if answer.pet_mm is not None:
        click.echo(f"PET {answer.pet_mm:.0f} mm/yr ({answer.pet_method})"
                   + (f"; MAP/PET {answer.moist_ratio:.2f}" if answer.moist_ratio is not None else ""))
    if answer.borderline:
        click.echo("Borderline: MAP/PET is close to 1, a better PET (--pet) may turn moist into dry or back.")
