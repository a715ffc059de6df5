"""The catalogue as arrays indexed by practice code (catalogue position), for ranking."""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recommender.knowledge import Practice, load_knowledge_base
from recommender.science.state import ORDER


@dataclass(frozen=True)
class PracticeArrays:
    """Per practice code: ``ids``, ``id_rank`` (position in sorted id order,
    the ranking's tie-break), ``middle_cost`` (USD/ha/yr), ``cobenefit``
    (summed scores), and ``excludes[a, b]``: once ``a`` is in a bundle, ``b``
    may not join (they conflict, or ``b`` adds nothing after ``a``)."""

    ids: np.ndarray
    id_rank: np.ndarray
    middle_cost: np.ndarray
    cobenefit: np.ndarray
    excludes: np.ndarray


@lru_cache(maxsize=1)
def practice_arrays() -> PracticeArrays:
    practices = list(load_knowledge_base().practices.values())
    position = {p.id: i for i, p in enumerate(practices)}
    conflicts = np.zeros((len(practices), len(practices)), dtype=bool)
    for p in practices:
        for other in p.conflicts_with:
            conflicts[position[p.id], position[other]] = True
    redundant = np.array([[_adds_nothing_after(b, a) for b in practices] for a in practices])
    ids = np.array([p.id for p in practices], dtype=object)
    return PracticeArrays(
        ids=ids,
        id_rank=np.argsort(np.argsort(ids.astype(str))),
        middle_cost=np.array([(p.cost.usd_ha_min + p.cost.usd_ha_max) / 2 for p in practices]),
        cobenefit=np.array([sum(p.cobenefits.values()) for p in practices], dtype=float),
        excludes=conflicts | redundant,
    )


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
