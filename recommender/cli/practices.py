"""``recommender practices``: the practice catalogue."""

import json

import click

from recommender.cli._output import echo_table
from recommender.knowledge.catalogue import catalogue
from recommender.vocabulary import Family

COLUMNS = ["id", "family", "land_uses", "effect", "cost", "years_to_saturation"]


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format; json gives every field with sources.")
@click.option("--family", type=click.Choice([f.value for f in Family]), help="Only this family.")
def practices(fmt: str, family: str | None) -> None:
    """List the practice catalogue: family, where it applies, effect, cost.

    Each practice changes the IPCC Tier 1 state (e.g. tillage=no_till) or adds
    a published rate (t C/ha/yr, 0-30 cm); `--format json` shows sources,
    uncertainty, co-benefits and caveats (the body of GET /v1/practices).
    """
    records = [p for p in catalogue() if family is None or p.family.value == family]
    if fmt == "json":
        click.echo(json.dumps([p.model_dump(mode="json", by_alias=True) for p in records], indent=2,
                              ensure_ascii=False))
        return
    rows = [
        {
            "id": p.id,
            "family": p.family.value,
            "land_uses": ",".join(p.land_uses),
            "effect": ", ".join(f"{k}={v}" for k, v in p.effect.sets.items())
            or (f"rate {p.effect.rate.mean:.2f} t C/ha/yr" if p.effect.rate else ""),
            "cost": f"{p.cost.cost_class} ({p.cost.usd_ha_min:g} to {p.cost.usd_ha_max:g} USD/ha)",
            "years_to_saturation": f"{p.years_to_saturation:g}",
        }
        for p in records
    ]
    echo_table(rows, COLUMNS)
    click.echo(f"\n{len(rows)} practices. Details: recommender practices --format json")
