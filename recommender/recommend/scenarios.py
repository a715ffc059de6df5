"""Scenarios: sets of practices a user chooses, each answered as a bundle is.

A farm and up to :data:`MAX_SCENARIOS` sets; each set is checked (known ids,
no conflict, each applicable on this field) and, when it can be adopted,
combined exactly as the kernel combines a bundle
(:func:`recommender.recommend.kernel.combine`): the accounting's gain of the
combined state plus the model's corrections, never more than the sum of the
members nor than the soil's capacity allows. A set that cannot be adopted is
answered in place with its reasons.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np

from recommender.inputs.errors import FieldError
from recommender.inputs.farm import FarmContext
from recommender.knowledge import practice_set_problems
from recommender.recommend.answer import ScenarioAnswer
from recommender.recommend.kernel import combine
from recommender.recommend.options import Options
from recommender.recommend.recommender import Recommender, farm_climate
from recommender.recommend.trajectories import set_codes

MAX_SCENARIOS = 10


def problems(recommender: Recommender, context: FarmContext, practice_ids: Sequence[str]) -> list[str]:
    """Why ``practice_ids`` cannot be adopted together on ``context``'s field (empty: they can)."""
    if not practice_ids:
        return ["give at least one practice id"]
    engine = recommender.engine
    found = practice_set_problems(engine.kb.practices, list(practice_ids), context.land_use.value)
    if found:
        return found
    _, excluded = engine.screen(context.key)
    return [f"'{pid}' cannot be adopted here: {excluded[pid]}" for pid in practice_ids if pid in excluded]


def scenarios(recommender: Recommender, context: FarmContext, sets: Sequence[Sequence[str]],
              options: Options) -> ScenarioAnswer:
    """The outcome of each of ``sets`` on ``context``'s field, in order (module docstring)."""
    if len(sets) > MAX_SCENARIOS:
        raise ValueError(f"at most {MAX_SCENARIOS} scenarios, got {len(sets)}")
    measured = np.array([np.nan if context.soc_t_ha is None else context.soc_t_ha])
    everything = options.model_copy(update={"top_k": 1, "bundle_size": 0})
    table = recommender.table([context.key], np.zeros(1, dtype=np.int64), measured, everything, farm_climate(context))
    candidates = table.candidates
    position = {pid: i for i, pid in enumerate(candidates.features.categories["practice_id"])}
    chosen = [list(dict.fromkeys(ids)) for ids in sets]
    found = [problems(recommender, context, ids) for ids in chosen]
    valid = [ids for ids, problem in zip(chosen, found) if not problem]
    members = np.array([position[pid] for ids in valid for pid in ids], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum([len(ids) for ids in valid])]).astype(np.int64)
    farm = np.zeros(len(valid), dtype=np.int64)
    ranking = table.ranking
    combined = combine(farm, start, members, *set_codes([tuple(ids) for ids in valid]), ranking.expected, ranking.p10,
                       ranking.p90, candidates.tier1_gain, table.farms.headroom,
                       recommender.prior([context.key], np.zeros(1, dtype=np.int64), candidates.farm_stock))
    climate = recommender.set_climate([context.key], np.zeros(1, dtype=np.int64), candidates, ranking.expected,
                                      combined)
    outcomes = iter(table.set_answers(combined, table.set_columns(combined, climate), range(len(valid))))
    results: list[dict[str, Any]] = []
    for index, (ids, problem) in enumerate(zip(chosen, found)):
        if problem:
            errors = [FieldError(field=f"scenarios.{index}", problem=text, allowed=None) for text in problem]
            results.append({"practice_ids": ids, "status": "invalid", "errors": errors, "outcome": None})
        else:
            results.append({"practice_ids": ids, "status": "ok", "errors": None, "outcome": next(outcomes)})
    return ScenarioAnswer.model_validate({"farm_id": context.farm_id, "baseline": table.baseline(0),
                                          "scenarios": results, "model": recommender.stamp})
