"""``recommender practices``: the practice catalogue."""

import click

from recommender.knowledge.catalogue import practice_records
from recommender.cli._output import echo_json, echo_table

COLUMNS = ["id", "family", "land_uses", "effect", "cost", "years_to_saturation"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format; json gives every field with sources.")
@click.option("--family", type=click.Choice(["agroecology", "agroforestry",
              "conservation_agriculture", "landscape_management"]), help="Only this family.")
def practices(fmt: str, family: str | None) -> None:
    """List the practice catalogue: family, where it applies, effect, cost.

    Each practice changes the IPCC Tier 1 state (e.g. tillage=no_till) or adds
    a published rate (t C/ha/yr, 0-30 cm); `--format json` shows sources,
    uncertainty, co-benefits and caveats.
    """
    records = [r for r in practice_records() if family is None or r["family"] == family]
    if fmt == "json":
        echo_json(records)
        return
    rows = [
        {
            "id": r["id"],
            "family": r["family"],
            "land_uses": ",".join(r["land_uses"]),
            "effect": ", ".join(f"{k}={v}" for k, v in r["effect"]["sets"].items())
            or f"rate {r['effect']['rate']['mean']:.2f} t C/ha/yr",
            "cost": f"{r['cost']['class']} ({r['cost']['usd_ha_min']:g} to {r['cost']['usd_ha_max']:g} USD/ha)",
            "years_to_saturation": f"{r['years_to_saturation']:g}",
        }
        for r in records
    ]
    echo_table(rows, COLUMNS)
    click.echo(f"\n{len(rows)} practices. Details: recommender practices --format json")
