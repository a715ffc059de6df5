"""The answers of n farms as columns: read as typed answers, or as flat tables.

:class:`AnswerTable` holds what the kernel ranked for n farms and computes
every field of :class:`~recommender.recommend.answer.Answer` as arrays, once
for all farms: :meth:`~AnswerTable.outcomes` gives the fields a
recommendation and a bundle share (:class:`~recommender.recommend.answer.Outcome`),
for any set of gains. Batch scoring reads them as flat columns
(:meth:`~AnswerTable.recommendation_columns`, :meth:`~AnswerTable.farm_columns`,
named by ``recommender.recommend.flat``); the service reads one farm's typed
answer (:meth:`~AnswerTable.answer`), the same fields nested, with their
trajectories.
"""

from functools import cached_property

import numpy as np

from recommender.knowledge import COBENEFITS
from recommender.model.candidates import Candidates
from recommender.recommend.answer import Answer, ModelStamp
from recommender.recommend.explain import CORRECTIONS, rationale, tier1_drivers
from recommender.recommend.kernel import Ranking, Sets
from recommender.recommend.options import Options
from recommender.recommend.practice_details import (
    Column,
    Farms,
    SetClimate,
    TextColumn,
    practice_details,
    static_fields,
)
from recommender.recommend.trajectories import (
    horizon_years,
    rothc_paths,
    set_codes,
    structural_range,
    trajectory,
)
from recommender.science.field_range import field_range
from recommender.science.rothc.farm import FarmRothC, InputNeeded
from recommender.science.tier1 import Tier1Engine


class AnswerTable:
    """Answers of n farms (see the module docstring)."""

    def __init__(self, engine: Tier1Engine, rothc: FarmRothC, farms: Farms, candidates: Candidates,
                 ranking: Ranking, bundle_climate: SetClimate, options: Options, stamp: ModelStamp):
        self.engine, self.rothc, self.farms, self.candidates, self.ranking = engine, rothc, farms, candidates, ranking
        self.bundle_climate, self.options, self.stamp = bundle_climate, options, stamp
        self.target = engine.target_fraction * farms.stock
        self.years = engine.transition_years
        self.disagree = (float(engine.kb.method["methods_disagree_factor"]),
                         float(engine.kb.method["methods_disagree_floor_t_c_ha_yr"]))

    def __len__(self) -> int:
        return len(self.farms.stock)

    # -- the shared fields ------------------------------------------------------
    def method_gains(self, farm: np.ndarray, expected: np.ndarray, prior: np.ndarray,
                     practice_sets: list[tuple[str, ...]], set_index: np.ndarray) -> np.ndarray:
        """(items x 3) yearly gain over the horizon of each method: the trained model, IPCC Tier 1 and
        RothC (NaN where it does not apply), for ``farm`` adopting ``practice_sets[set_index]``."""
        horizon = self.options.horizon_years
        linear = min(horizon, self.years) / horizon
        end = rothc_paths(self.rothc, self.farms, farm, practice_sets, set_index, np.array([horizon]))[:, 0]
        return np.stack([expected * linear, prior * linear, (end - self.farms.stock[farm]) / horizon], axis=1)

    def outcomes(self, farm: np.ndarray, expected: np.ndarray, prior: np.ndarray, spread: np.ndarray,
                 p10: np.ndarray, p90: np.ndarray, capped: np.ndarray, removal_share: np.ndarray, n2o: np.ndarray,
                 ch4: np.ndarray, origin: TextColumn, origin_reason: TextColumn) -> dict[str, Column]:
        """The :class:`Outcome` fields (but trajectories) of gains on ``farm``, by flat column name
        (``spread``: the lowest and highest yearly gain across the methods, 2 x items)."""
        stock, headroom = self.farms.stock[farm], self.farms.headroom[farm]
        low, high = field_range(self.engine.kb, expected, p10, p90, stock, headroom)
        over_horizon = expected * min(self.options.horizon_years, self.years)
        emissions = n2o + ch4
        return {
            "expected_gain_t_c_ha_yr": expected,
            "interval_p10_t_c_ha_yr": p10,
            "interval_p90_t_c_ha_yr": p90,
            "field_range_p10_t_c_ha_yr": low,
            "field_range_p90_t_c_ha_yr": high,
            "structural_range_low_t_c_ha_yr": spread[0],
            "structural_range_high_t_c_ha_yr": spread[1],
            "accounting_prior_t_c_ha_yr": prior,
            "expected_gain_t_co2e_ha_yr": expected * self.engine.co2_per_c,
            "share_of_4p1000_target": expected / self.target[farm],
            "meets_4p1000": expected >= self.target[farm],
            "years_to_saturation": np.full(len(farm), self.years),
            "gain_over_horizon_t_c_ha": over_horizon,
            "soc_at_horizon_t_c_ha": stock + over_horizon,
            "equilibrium_soc_t_ha": stock + expected * self.years,
            "capped_by_capacity": capped,
            "carbon_origin": origin,
            "carbon_origin_reason": origin_reason,
            "emissions_t_co2e_ha_yr_n2o": n2o,
            "emissions_t_co2e_ha_yr_ch4": ch4,
            "net_climate_t_co2e_ha_yr": removal_share * expected * self.engine.co2_per_c - emissions,
        }

    @cached_property
    def recommendation_columns(self) -> dict[str, Column]:
        """One entry per listed recommendation (farm by farm, in rank order):
        ``farm`` and every leaf of :class:`Recommendation` by flat column name.
        Text is categorical: one copy of each distinct text, however many rows."""
        top, ranking, candidates = self.ranking.top, self.ranking, self.candidates
        code, farm = candidates.code[top], candidates.farm[top]
        details = practice_details()
        expected = ranking.expected[top]
        capped = ranking.capped[top]
        prior = np.minimum(candidates.tier1_gain[top], self.farms.headroom[farm])
        gains = self.method_gains(farm, expected, prior, [(pid,) for pid in details.ids], code)
        low, high, disagree = structural_range(gains, *self.disagree)
        return {
            "farm": farm, "rank": ranking.top_rank,
            **{name: details.text(name, code) for name in ("practice_id", "name", "family")},
            **self.outcomes(farm, expected, prior, np.stack([low, high]), ranking.p10[top], ranking.p90[top], capped,
                            candidates.removal_share[top], candidates.n2o[top], candidates.ch4[top],
                            details.text("carbon_origin", code), details.text("carbon_origin_reason", code)),
            **{f"cobenefits_{name}": details.cobenefits[name][code] for name in COBENEFITS},
            "cost_class": details.text("cost_class", code),
            "cost_usd_ha_min": details.cost_min[code],
            "cost_usd_ha_max": details.cost_max[code],
            "rationale": self._rationales(farm, code, expected - prior, capped, disagree),
            "caveats": details.text("caveats", code),
        }

    def _rationales(self, farm: np.ndarray, code: np.ndarray, correction: np.ndarray,
                    capped: np.ndarray, disagree: np.ndarray) -> TextColumn:
        """The rationale of each (farm, practice), written once per distinct text: per
        (context, practice, direction of the model's correction, capacity cap,
        disagreement of the methods)."""
        context = self.farms.context[farm]
        # The drivers do not depend on the soil: contexts that differ only by it share them,
        # and only a capped row names its soil's capacity.
        soil_free: dict = {}
        free_of_context = np.array([soil_free.setdefault(k._replace(soil_texture="", soil_class=""), len(soil_free))
                                    for k in self.farms.keys], dtype=np.int64)
        # The sign of the correction as printed to 3 decimals: lowers, keeps, raises.
        direction = (np.sign(np.rint(correction * 1000)) + 1).astype(np.int64)
        combined = ((free_of_context[context] * len(practice_details().ids) + code) * len(CORRECTIONS)
                    + direction) * 2 + disagree
        combined = combined * (len(self.farms.keys) + 1) + np.where(capped, context + 1, 0)
        _, first, which = np.unique(combined, return_index=True, return_inverse=True)
        free_keys, ids = list(soil_free), practice_details().ids
        texts = []
        for i in first.tolist():
            drivers = tier1_drivers(self.engine, free_keys[free_of_context[context[i]]], ids[code[i]])
            texts.append(rationale(drivers, CORRECTIONS[direction[i]],
                                   float(self.farms.capacity[farm[i]]) if capped[i] else None, bool(disagree[i])))
        # Contexts that differ only by their soil can share a text.
        return TextColumn.factorized(texts)[which.reshape(-1)]

    def set_columns(self, sets: Sets, climate: SetClimate) -> dict[str, Column]:
        """One entry per set of practices adopted together: the leaves of :class:`Bundle` by flat name."""
        share = climate.removal
        kinds = TextColumn.of(np.select([share >= 1, share <= 0], [0, 1], 2), ["removal", "transfer", "mixed"])
        # Shares as printed (whole percent): at most 101 distinct sentences.
        reasons = TextColumn(np.rint(100 * share).astype(np.int64), _ORIGIN_SHARES)
        prior = np.minimum(sets.tier1, self.farms.headroom[sets.farm])
        low, high, _ = structural_range(self.method_gains(sets.farm, sets.expected, prior, sets.practice_sets,
                                                          sets.set_index), *self.disagree)
        return {"practice_ids": TextColumn.of(sets.set_index, sets.practice_sets),
                **self.outcomes(sets.farm, sets.expected, prior, np.stack([low, high]), sets.p10, sets.p90,
                                sets.capped, share,
                                climate.emissions[:, 0], climate.emissions[:, 1], kinds, reasons)}

    @cached_property
    def bundle_columns(self) -> dict[str, Column]:
        """One entry per bundle (``ranking.bundles``), by flat column name."""
        return self.set_columns(self.ranking.bundles, self.bundle_climate)

    @cached_property
    def farm_columns(self) -> dict[str, Column]:
        """One entry per farm: the leaves of :class:`Baseline` and :class:`Bundle`
        (missing where a farm has no bundle) by flat column name, and
        ``applicable_practices``."""
        farms, n = self.farms, len(self)
        columns: dict[str, Column] = {
            "baseline_soc_t_ha": farms.stock,
            "baseline_soc_source": TextColumn.of(farms.measured.astype(np.int64), ["ipcc_tier1", "measured"]),
            "baseline_soil_class": TextColumn.factorized([k.soil_class for k in farms.keys])[farms.context],
            "baseline_capacity_t_c_ha": farms.capacity,
            "baseline_target_4p1000_t_c_ha_yr": self.target,
            "baseline_input_needed_for_4p1000_t_c_ha_yr": self.input_needed.plant_t_c_ha_yr,
            "baseline_input_needed_for_4p1000_residue_dm_t_ha_yr": self.input_needed.residue_dm_t_ha_yr,
            "baseline_input_needed_for_4p1000_manure_dm_t_ha_yr": self.input_needed.manure_dm_t_ha_yr,
            "applicable_practices": self.ranking.applicable,
        }
        for name, values in self.bundle_columns.items():
            columns[f"bundle_{name}"] = _spread(values, self.ranking.bundles.farm, n)
        return columns

    @cached_property
    def input_needed(self) -> InputNeeded:
        """Per farm, the extra input that raises its RothC stock by 4 per 1000 a year over 20 years."""
        farms = self.farms
        climates = None if farms.climate is None else [farms.climate]
        index = None if farms.climate is None else np.zeros(len(self), dtype=np.int64)
        return self.rothc.input_needed_many(farms.keys, farms.context, farms.stock, climates=climates,
                                            climate_index=index)

    @cached_property
    def trajectory_columns(self) -> dict[str, Column]:
        """The time paths of every listed recommendation and bundle as a long
        table, farm by farm (recommendations in rank order, then the bundle),
        each method's years in order: ``farm``, ``rank`` (0 for the bundle),
        ``practice_ids``, ``method``, ``year``, ``soc_t_ha``."""
        ranking, candidates, farms = self.ranking, self.candidates, self.farms
        top, bundles = ranking.top, ranking.bundles
        listed_farm = candidates.farm[top]
        farm = np.concatenate([listed_farm, bundles.farm])
        rank = np.concatenate([ranking.top_rank, np.zeros(len(bundles.farm), dtype=ranking.top_rank.dtype)])
        # Each listed practice as a set of one, then the bundles' sets.
        singles = [(pid,) for pid in practice_details().ids]
        practice_sets, position = set_codes(singles + bundles.practice_sets)
        set_index = position[np.concatenate([candidates.code[top], len(singles) + bundles.set_index])]
        headroom = farms.headroom[farm]
        by_method = {"model": np.concatenate([ranking.expected[top], bundles.expected]),
                     "ipcc_tier1": np.minimum(np.concatenate([candidates.tier1_gain[top], bundles.tier1]), headroom)}
        order = np.lexsort((rank == 0, farm))  # stable: rank order kept within a farm
        years = horizon_years(self.options.horizon_years)
        gains = np.stack(list(by_method.values()), axis=1)[order]  # item x method
        linear = trajectory(farms.stock[farm[order]][:, None, None], gains[:, :, None], self.years, years)
        rothc = rothc_paths(self.rothc, farms, farm[order], practice_sets, set_index[order], years)
        paths = np.concatenate([linear, rothc[:, None, :]], axis=1)  # item x method x year
        methods = np.array([*by_method, "rothc"], dtype=object)
        per_item = len(methods) * len(years)
        # RothC does not apply everywhere (paddy rice): its rows are left out there.
        kept = ~np.isnan(paths.ravel())
        return {"farm": np.repeat(farm[order], per_item)[kept], "rank": np.repeat(rank[order], per_item)[kept],
                "practice_ids": TextColumn.of(np.repeat(set_index[order], per_item)[kept], practice_sets),
                "method": np.tile(np.repeat(methods, len(years)), len(order))[kept],
                "year": np.tile(years, len(order) * len(methods))[kept], "soc_t_ha": paths.ravel()[kept]}

    # -- typed answers ----------------------------------------------------------
    def answer(self, farm: int, farm_id: str | None) -> Answer:
        """The typed answer of farm ``farm``: its rows of the columns, nested, with trajectories."""
        ranking, candidates = self.ranking, self.candidates
        at = np.searchsorted(candidates.farm[ranking.top], [farm, farm + 1])
        top = ranking.top[at[0]:at[1]]
        columns = self._rows(self.recommendation_columns, slice(at[0], at[1]))
        static = static_fields()
        years = horizon_years(self.options.horizon_years)
        stock, headroom = float(self.farms.stock[farm]), float(self.farms.headroom[farm])
        rothc = rothc_paths(self.rothc, self.farms, np.full(len(top), farm), [(pid,) for pid in practice_details().ids],
                            candidates.code[top], years)
        recommendations = []
        for row, index, path in zip(columns, top.tolist(), rothc):
            tier1 = min(float(candidates.tier1_gain[index]), headroom)
            recommendations.append({**static[int(candidates.code[index])], **_nested(row),
                                    "trajectories": self._trajectories(stock, row["expected_gain_t_c_ha_yr"], tier1,
                                                                       path, years)})
        bundle = None
        position = int(np.searchsorted(ranking.bundles.farm, farm))
        if position < len(ranking.bundles.farm) and ranking.bundles.farm[position] == farm:
            bundle = self.set_answers(ranking.bundles, self.bundle_columns, range(position, position + 1))[0]
        return Answer.model_validate({"farm_id": farm_id, "baseline": self.baseline(farm),
                                      "recommendations": recommendations, "bundle": bundle, "model": self.stamp})

    def baseline(self, farm: int) -> dict:
        """The :class:`Baseline` fields of farm ``farm``."""
        key = self.farms.keys[self.farms.context[farm]]
        return {"soc_t_ha": float(self.farms.stock[farm]),
                "soc_source": "measured" if self.farms.measured[farm] else "ipcc_tier1",
                "soil_class": key.soil_class, "capacity_t_c_ha": float(self.farms.capacity[farm]),
                "target_4p1000_t_c_ha_yr": float(self.target[farm]),
                **{f"input_needed_for_4p1000_{name}": _number(getattr(self.input_needed, field)[farm])
                   for name, field in (("t_c_ha_yr", "plant_t_c_ha_yr"),
                                       ("residue_dm_t_ha_yr", "residue_dm_t_ha_yr"),
                                       ("manure_dm_t_ha_yr", "manure_dm_t_ha_yr"))}}

    def set_answers(self, sets: Sets, columns: dict[str, Column], positions) -> list[dict]:
        """The nested fields of sets ``positions`` (of ``set_columns``), with trajectories."""
        years = horizon_years(self.options.horizon_years)
        positions = list(positions)
        rothc = rothc_paths(self.rothc, self.farms, sets.farm[positions], sets.practice_sets,
                            sets.set_index[positions], years)
        answers = []
        for position, path in zip(positions, rothc):
            [row] = self._rows(columns, slice(position, position + 1))
            farm = int(sets.farm[position])
            stock, headroom = float(self.farms.stock[farm]), float(self.farms.headroom[farm])
            tier1 = min(float(sets.tier1[position]), headroom)
            answers.append({**_nested(row), "practice_ids": list(row["practice_ids"]),
                            "trajectories": self._trajectories(stock, row["expected_gain_t_c_ha_yr"], tier1, path,
                                                               years)})
        return answers

    def _trajectories(self, stock: float, expected: float, tier1: float, rothc: np.ndarray,
                      years: np.ndarray) -> list[dict]:
        paths = {"model": trajectory(stock, expected, self.years, years),
                 "ipcc_tier1": trajectory(stock, tier1, self.years, years), "rothc": rothc}
        return [{"method": method, "years": years.tolist(), "soc_t_ha": path.tolist()}
                for method, path in paths.items() if not np.isnan(path).any()]

    @staticmethod
    def _rows(columns: dict[str, Column], rows: slice) -> list[dict]:
        """Rows of ``columns`` as dicts of plain Python values."""
        cells = {name: values[rows].tolist() for name, values in columns.items() if name != "farm"}
        return [dict(zip(cells, values)) for values in zip(*cells.values())]


def _nested(row: dict) -> dict:
    """The flat fields of an :class:`Outcome` row nested as the answer shows them."""
    return {**row,
            "interval_t_c_ha_yr": [row["interval_p10_t_c_ha_yr"], row["interval_p90_t_c_ha_yr"]],
            "field_range_t_c_ha_yr": [row["field_range_p10_t_c_ha_yr"], row["field_range_p90_t_c_ha_yr"]],
            "structural_range_t_c_ha_yr": [row["structural_range_low_t_c_ha_yr"],
                                           row["structural_range_high_t_c_ha_yr"]],
            "emissions_t_co2e_ha_yr": {"n2o": row["emissions_t_co2e_ha_yr_n2o"],
                                       "ch4": row["emissions_t_co2e_ha_yr_ch4"]}}


def _spread(values: Column, at: np.ndarray, n: int) -> Column:
    """``values`` at positions ``at`` of ``n`` cells, missing elsewhere."""
    if isinstance(values, TextColumn):
        codes = np.full(n, -1, dtype=np.int64)
        codes[at] = values.codes
        return TextColumn(codes, values.texts)
    spread = np.full(n, None, dtype=object) if values.dtype in (object, bool) else np.full(n, np.nan)
    spread[at] = values
    return spread


def _number(value: float) -> float | None:
    """A float for the answer; None where the method does not apply (NaN)."""
    return None if np.isnan(value) else float(value)


_ORIGIN_SHARES = np.array([f"{p}% of the gain taken from the air on this field" for p in range(101)], dtype=object)

