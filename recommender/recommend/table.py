"""The answers of n farms as columns: read as typed answers, or as flat tables.

:class:`AnswerTable` holds what the kernel ranked for n farms and computes
every field of :class:`~recommender.recommend.answer.Answer` as arrays, once
for all farms. The service reads one farm's typed answer from it
(:meth:`AnswerTable.answer`); batch scoring reads the same fields as flat
columns (:meth:`AnswerTable.recommendation_columns`,
:meth:`AnswerTable.farm_columns`), named by
:func:`~recommender.recommend.answer.flat_columns`. Both compute the derived
fields with :func:`gain_fields` and the rationale with
:mod:`recommender.recommend.explain`; the tests check that the flat columns
are the typed answers flattened.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from recommender.inputs.farm import ContextKey
from recommender.knowledge import COBENEFITS, load_knowledge_base
from recommender.model.candidates import Candidates
from recommender.recommend.answer import Answer, Baseline, Bundle, ModelStamp, Recommendation, flat_columns
from recommender.recommend.explain import rationale, tier1_drivers
from recommender.recommend.kernel import Ranking
from recommender.recommend.options import Options
from recommender.science.tier1 import Tier1Engine
from recommender.vocabulary import Family


@dataclass(frozen=True)
class PracticeDetails:
    """What an answer says of each practice, by catalogue code."""

    ids: list[str]
    names: list[str]
    families: list[Family]
    years_to_saturation: np.ndarray
    cobenefits: list[dict[str, int]]
    costs: list[tuple[str, float, float]]
    caveats: list[tuple[str, ...]]


@lru_cache(maxsize=1)
def practice_details() -> PracticeDetails:
    practices = list(load_knowledge_base().practices.values())
    return PracticeDetails(
        ids=[p.id for p in practices], names=[p.name for p in practices],
        families=[p.family for p in practices],
        years_to_saturation=np.array([p.years_to_saturation for p in practices], dtype=float),
        cobenefits=[dict(p.cobenefits) for p in practices],
        costs=[(p.cost.cost_class, p.cost.usd_ha_min, p.cost.usd_ha_max) for p in practices],
        caveats=[tuple(p.caveats) for p in practices],
    )


def gain_fields(expected: np.ndarray, p10: np.ndarray, p90: np.ndarray, target: np.ndarray,
                co2_per_c: float) -> dict[str, np.ndarray]:
    """The gain fields a recommendation and a bundle share, by flat column name."""
    return {
        "expected_gain_t_c_ha_yr": expected,
        "interval_p10_t_c_ha_yr": p10,
        "interval_p90_t_c_ha_yr": p90,
        "expected_gain_t_co2e_ha_yr": expected * co2_per_c,
        "share_of_4p1000_target": expected / target,
        "meets_4p1000": expected >= target,
    }


@dataclass(frozen=True)
class Farms:
    """The farms of a table: ``keys[context]`` is each farm's context, ``stock``
    its stock (t C/ha, measured where ``measured``, else Tier 1)."""

    keys: list[ContextKey]
    context: np.ndarray
    stock: np.ndarray
    measured: np.ndarray


class AnswerTable:
    """Answers of n farms (see the module docstring)."""

    def __init__(self, engine: Tier1Engine, farms: Farms, candidates: Candidates, expected: np.ndarray,
                 p10: np.ndarray, p90: np.ndarray, ranking: Ranking, options: Options, stamp: ModelStamp):
        self.engine, self.farms, self.candidates = engine, farms, candidates
        self.expected, self.p10, self.p90 = expected, p10, p90
        self.ranking, self.options, self.stamp = ranking, options, stamp
        self.target = engine.target_fraction * farms.stock

    def __len__(self) -> int:
        return len(self.farms.stock)

    # -- columns ----------------------------------------------------------------
    @cached_property
    def recommendation_columns(self) -> dict[str, np.ndarray]:
        """One entry per listed recommendation (farm by farm, in rank order):
        ``farm`` and every leaf of :class:`Recommendation` by flat column name."""
        top, ranking = self.ranking.top, self.ranking
        code = self.candidates.code[top]
        farm = self.candidates.farm[top]
        expected = self.expected[top]
        details = practice_details()
        saturation = details.years_to_saturation[code]
        drivers = self._drivers(farm, code)
        tier1 = self.candidates.tier1_gain[top]
        columns = {
            "farm": farm, "rank": ranking.top_rank,
            "practice_id": np.array(details.ids, dtype=object)[code],
            "name": np.array(details.names, dtype=object)[code],
            "family": np.array(details.families, dtype=object)[code],
            **gain_fields(expected, self.p10[top], self.p90[top], self.target[farm], self.engine.co2_per_c),
            "gain_over_horizon_t_c_ha": expected * np.minimum(self.options.horizon_years, saturation),
            "years_to_saturation": saturation,
            **{f"cobenefits_{name}": np.array([c[name] for c in details.cobenefits])[code] for name in COBENEFITS},
            "cost_class": np.array([c[0] for c in details.costs], dtype=object)[code],
            "cost_usd_ha_min": np.array([c[1] for c in details.costs])[code],
            "cost_usd_ha_max": np.array([c[2] for c in details.costs])[code],
            "rationale": np.array([rationale(d, e, t) for d, e, t in zip(drivers, expected.tolist(),
                                                                          tier1.tolist())], dtype=object),
            "caveats": _objects(details.caveats)[code],
        }
        return columns

    def _drivers(self, farm: np.ndarray, code: np.ndarray) -> np.ndarray:
        """The Tier 1 drivers of each (farm, practice), computed once per distinct (context, practice)."""
        context = self.farms.context[farm]
        ids = practice_details().ids
        _, first, pairs = np.unique(context * len(ids) + code, return_index=True, return_inverse=True)
        found = [tier1_drivers(self.engine, self.farms.keys[context[i]], ids[code[i]]) for i in first]
        return np.array(found, dtype=object)[pairs] if found else np.empty(0, dtype=object)

    @cached_property
    def farm_columns(self) -> dict[str, np.ndarray]:
        """One entry per farm: the leaves of :class:`Baseline` and :class:`Bundle`
        (missing where a farm has no bundle) by flat column name, and
        ``applicable_practices``."""
        ranking, n = self.ranking, len(self)
        columns: dict[str, np.ndarray] = {
            "baseline_soc_t_ha": self.farms.stock,
            "baseline_soc_source": np.where(self.farms.measured, "measured", "ipcc_tier1").astype(object),
            "baseline_soil_class": np.array([k.soil_class for k in self.farms.keys], dtype=object)[self.farms.context],
            "baseline_target_4p1000_t_c_ha_yr": self.target,
            "applicable_practices": ranking.applicable,
        }
        bundle = gain_fields(ranking.bundle_expected, ranking.bundle_p10, ranking.bundle_p90,
                             self.target[ranking.bundle_farm], self.engine.co2_per_c)
        bundle["practice_ids"] = _objects(ranking.bundle_ids)
        for name, values in bundle.items():
            spread = np.full(n, None, dtype=object) if values.dtype in (object, bool) else np.full(n, np.nan)
            spread[ranking.bundle_farm] = values
            columns[f"bundle_{name}"] = spread
        return columns

    # -- typed answers ----------------------------------------------------------
    def answer(self, farm: int, farm_id: str | None) -> Answer:
        """The typed answer of farm ``farm``: the same fields as the columns,
        computed for its rows alone (the service's one-farm path)."""
        ranking, candidates = self.ranking, self.candidates
        at = np.searchsorted(candidates.farm[ranking.top], [farm, farm + 1])
        top = ranking.top[at[0]:at[1]]
        code = candidates.code[top]
        expected = self.expected[top]
        gains = gain_fields(expected, self.p10[top], self.p90[top], self.target[farm], self.engine.co2_per_c)
        saturation = practice_details().years_to_saturation[code]
        over_horizon = (expected * np.minimum(self.options.horizon_years, saturation)).tolist()
        key = self.farms.keys[self.farms.context[farm]]
        ids, static = practice_details().ids, _static_fields()
        recommendations = [
            {**static[c], "rank": r, **_gain_values(gains, i), "gain_over_horizon_t_c_ha": over_horizon[i],
             "rationale": rationale(tier1_drivers(self.engine, key, ids[c]), e, t)}
            for i, (c, r, e, t) in enumerate(zip(code.tolist(), ranking.top_rank[at[0]:at[1]].tolist(),
                                                 expected.tolist(), candidates.tier1_gain[top].tolist()))
        ]
        bundle = None
        position = int(np.searchsorted(ranking.bundle_farm, farm))
        if position < len(ranking.bundle_farm) and ranking.bundle_farm[position] == farm:
            one = slice(position, position + 1)
            bundle = {"practice_ids": ranking.bundle_ids[position],
                      **_gain_values(gain_fields(ranking.bundle_expected[one], ranking.bundle_p10[one],
                                                 ranking.bundle_p90[one], self.target[farm], self.engine.co2_per_c), 0)}
        baseline = {"soc_t_ha": float(self.farms.stock[farm]),
                    "soc_source": "measured" if self.farms.measured[farm] else "ipcc_tier1",
                    "soil_class": key.soil_class, "target_4p1000_t_c_ha_yr": float(self.target[farm])}
        return Answer.model_validate({"farm_id": farm_id, "baseline": baseline, "recommendations": recommendations,
                                      "bundle": bundle, "model": self.stamp})


def _gain_values(gains: dict[str, np.ndarray], i: int) -> dict:
    """Row ``i`` of :func:`gain_fields` as the answer's gain fields."""
    return {"expected_gain_t_c_ha_yr": float(gains["expected_gain_t_c_ha_yr"][i]),
            "interval_t_c_ha_yr": [float(gains["interval_p10_t_c_ha_yr"][i]),
                                   float(gains["interval_p90_t_c_ha_yr"][i])],
            "expected_gain_t_co2e_ha_yr": float(gains["expected_gain_t_co2e_ha_yr"][i]),
            "share_of_4p1000_target": float(gains["share_of_4p1000_target"][i]),
            "meets_4p1000": bool(gains["meets_4p1000"][i])}


@lru_cache(maxsize=1)
def _static_fields() -> list[dict]:
    """The fields of a recommendation that depend on the practice alone, by code."""
    details = practice_details()
    return [{"practice_id": details.ids[c], "name": details.names[c], "family": details.families[c],
             "years_to_saturation": float(details.years_to_saturation[c]), "cobenefits": details.cobenefits[c],
             "cost": {"class": details.costs[c][0], "usd_ha_min": details.costs[c][1],
                      "usd_ha_max": details.costs[c][2]},
             "caveats": details.caveats[c]} for c in range(len(details.ids))]


def _objects(values: list) -> np.ndarray:
    """An object array of ``values`` (tuples stay single cells)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


#: The flat columns (name -> type) of a recommendation, a bundle and a baseline,
#: as the typed answer defines them, and the path of each in the answer.
RECOMMENDATION_COLUMNS = {column: kind for _, column, kind in flat_columns(Recommendation)}
BUNDLE_COLUMNS = {column: kind for _, column, kind in flat_columns(Bundle, "bundle_")}
BASELINE_COLUMNS = {column: kind for _, column, kind in flat_columns(Baseline, "baseline_")}

