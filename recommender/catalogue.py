"""The practice catalogue as plain records (for JSON, tables and the API)."""

from dataclasses import asdict

from .knowledge import Practice, load_knowledge_base


def practice_record(practice: Practice) -> dict:
    """One practice as a JSON-ready dict, with its sources resolved."""
    sources = load_knowledge_base().sources
    rate = asdict(practice.rate) if practice.rate else None
    return {
        "id": practice.id,
        "name": practice.name,
        "family": practice.family.value,
        "description": practice.description,
        "land_uses": sorted(u.value for u in practice.land_uses),
        "climate_zones": sorted(z.value for z in practice.climate_zones),
        "degradation": sorted(d.value for d in practice.degradation),
        "conflicts_with": sorted(practice.conflicts_with),
        "effect": {"sets": dict(practice.sets), "rate": rate},
        "cobenefits": dict(practice.cobenefits),
        "cobenefits_source": practice.cobenefits_source,
        "cost": {
            "class": practice.cost.cost_class,
            "usd_ha_min": practice.cost.usd_ha_min,
            "usd_ha_max": practice.cost.usd_ha_max,
            "basis": practice.cost.basis,
            "source": practice.cost.source,
        },
        "years_to_saturation": practice.years_to_saturation,
        "caveats": list(practice.caveats),
        "sources": [
            {"key": key, "citation": sources[key]["citation"], "doi_or_url": sources[key].get("doi_or_url", "")}
            for key in practice.sources
        ],
    }


def practice_records() -> list[dict]:
    """Every practice of the catalogue, in catalogue order."""
    return [practice_record(p) for p in load_knowledge_base().practices.values()]
