"""The practice catalogue as plain records (for JSON, tables and the API)."""

from dataclasses import asdict
from functools import lru_cache

import numpy as np
import pandas as pd

from recommender.knowledge import Practice, load_knowledge_base
from recommender.science.state import ORDER


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


@lru_cache(maxsize=1)
def practice_table() -> pd.DataFrame:
    """One row per practice with the attributes ranking needs, indexed by id.

    ``code`` is the practice's position in the catalogue. ``attrs`` holds two
    boolean matrices over those codes: ``conflicts`` (symmetric) and
    ``bundle_excludes`` (``[a, b]``: once ``a`` is in a bundle, ``b`` may not
    join: it conflicts, or adds nothing).
    """
    practices = list(load_knowledge_base().practices.values())
    table = pd.DataFrame(
        {
            "code": range(len(practices)),
            "name": [p.name for p in practices],
            "family": [p.family.value for p in practices],
            "cost_class": [p.cost.cost_class for p in practices],
            "usd_ha_min": [p.cost.usd_ha_min for p in practices],
            "usd_ha_max": [p.cost.usd_ha_max for p in practices],
            "cobenefit_score": [sum(p.cobenefits.values()) for p in practices],
            "years_to_saturation": [p.years_to_saturation for p in practices],
        },
        index=pd.Index([p.id for p in practices], name="practice_id"),
    )
    position = {p.id: i for i, p in enumerate(practices)}
    conflicts = np.zeros((len(practices), len(practices)), dtype=bool)
    for p in practices:
        for other in p.conflicts_with:
            conflicts[position[p.id], position[other]] = True
    redundant = np.array([[_adds_nothing_after(b, a) for b in practices] for a in practices])
    table.attrs["conflicts"] = conflicts
    table.attrs["bundle_excludes"] = conflicts | redundant
    return table


def _adds_nothing_after(later: Practice, first: Practice) -> bool:
    """Whether ``later`` changes nothing once ``first`` is adopted: no rate of
    its own, and every level it sets is already reached (manure then compost
    both mean IPCC "high input with manure")."""
    if later is first or later.rate is not None or not later.sets:
        return False
    for dimension, level in later.sets.items():
        reached = first.sets.get(dimension)
        if reached is None:
            return False
        order = ORDER.get(dimension)
        if reached != level and (order is None or order.index(reached) < order.index(level)):
            return False
    return True
