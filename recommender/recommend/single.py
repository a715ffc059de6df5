"""Recommendations for one farm at a time, fast: the service's hot path.

:func:`recommender.recommend.recommend` scores many farms in one vectorised
call, with pandas; for one farm that costs ~40 ms, almost all of it fixed
pandas and scikit-learn overhead. Here what depends only on the categorical
context (applicable practices, Tier 1 factor changes and rates, the model's
categorical inputs) is computed once per distinct
:class:`~recommender.tier1.ContextKey` and kept in an LRU cache, and the rest
is plain numpy on ~20 rows scored by onnxruntime (~0.15 ms). A farm without
a measured stock has an answer fixed by its context and the options, so whole
answers are cached too. The answers are those ``recommend`` gives with the
same model (``tests/test_single.py``).
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recommender.knowledge.catalogue import practice_table
from recommender.inputs.farm import FarmContext
from recommender.model.gain_model import CATEGORICAL, MISSING
from recommender.model.onnx import OnnxGainModel
from recommender.recommend.ranking import objective_values
from recommender.recommend.records import Options, answer_record, recommendation_record
from recommender.model.registry import LoadedModel
from recommender.science.tier1 import ContextKey, Tier1Engine

#: Distinct categorical contexts kept; one entry is a few kB.
CONTEXT_CACHE_SIZE = 4096
#: Answers kept for farms without a measured stock, by (context, options); ~6 kB each.
ANSWER_CACHE_SIZE = 4096


@dataclass(frozen=True)
class ContextParts:
    """What one categorical context contributes to its candidates (one per
    applicable practice, in catalogue order, as ``Tier1Engine.candidates``)."""

    practice_ids: tuple[str, ...]
    #: The model's categorical inputs, ``(n, 1)`` string arrays.
    features: dict
    #: ``(F_new / F_current - 1) / D`` and the published rate of each practice.
    relative: np.ndarray
    rate: np.ndarray
    tier1_stock: float
    #: Position of each practice id in sorted order (ranking's tie-break).
    id_order: np.ndarray
    codes: np.ndarray
    middle_cost: np.ndarray
    cobenefit: np.ndarray


class SingleFarmRecommender:
    """Answers for one farm at a time with an ONNX-converted model.

    Parameters
    ----------
    loaded : LoadedModel
        The model in service (its version and manifest go into each answer).
    scorer : OnnxGainModel
        ``loaded.model`` converted to ONNX.
    engine : Tier1Engine
        The Tier 1 engine.
    """

    def __init__(self, loaded: LoadedModel, scorer: OnnxGainModel, engine: Tier1Engine):
        self.loaded = loaded
        self.scorer = scorer
        self.engine = engine
        self._excludes = practice_table().attrs["bundle_excludes"]
        self.parts = lru_cache(maxsize=CONTEXT_CACHE_SIZE)(self._parts)
        self.tier1_answers = lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._answer)

    def _parts(self, key: ContextKey) -> ContextParts:
        """The cached part of ``key``'s candidates (``parts`` is the cached call)."""
        engine = self.engine
        applicable, _ = engine.screen(key)
        state = engine.current_state(key)
        n = len(applicable)
        values = {
            "climate_zone": key.climate_zone,
            "soil_class": key.soil_class,
            "land_use": key.land_use,
            "degradation": key.degradation,
            "state_tillage": state.tillage,
            "state_input": state.input,
            "state_grassland": state.grassland_management,
        }
        features = {}
        for column in CATEGORICAL:
            column_values = list(applicable) if column == "practice_id" else [values[column]] * n
            features[column] = np.array(
                [MISSING if v is None else str(v) for v in column_values], dtype=object
            ).reshape(-1, 1)
        table = practice_table().loc[list(applicable)]
        return ContextParts(
            practice_ids=tuple(applicable),
            features=features,
            relative=np.array([engine.central_change(key, (p,))[0] for p in applicable], float),
            rate=np.array([engine.central_change(key, (p,))[1] for p in applicable], float),
            tier1_stock=float(engine.tier1_stock(key)[0]),
            id_order=np.argsort(np.argsort(np.array(applicable, dtype=object))),
            codes=table["code"].to_numpy(),
            middle_cost=((table["usd_ha_min"] + table["usd_ha_max"]) / 2).to_numpy(float),
            cobenefit=table["cobenefit_score"].to_numpy(float),
        )

    @staticmethod
    def _score(objective: str, expected, p10, parts: ContextParts) -> np.ndarray:
        """``ranking.objective_score`` for one farm."""
        best = expected.max() if expected.size else 0.0
        return objective_values(objective, expected, p10, parts.middle_cost, parts.cobenefit, best)

    def _bundle(self, key: ContextKey, parts: ContextParts, order: np.ndarray, stock: float,
                tier1_gain, expected, p10, p90, size: int) -> tuple | None:
        """``ranking.best_bundles`` for one farm: greedy in rank order over the
        practices with a positive expected gain."""
        chosen: list[int] = []
        for i in order:
            if len(chosen) == size:
                break
            if expected[i] > 0 and not any(self._excludes[parts.codes[j], parts.codes[i]] for j in chosen):
                chosen.append(i)
        if not chosen:
            return None
        ids = tuple(parts.practice_ids[i] for i in chosen)
        relative, rate = self.engine.central_change(key, ids)
        tier1 = stock * relative + rate
        bundle_expected = tier1 + sum(expected[i] - tier1_gain[i] for i in chosen)
        low = bundle_expected - sum(expected[i] - p10[i] for i in chosen)
        high = bundle_expected + sum(p90[i] - expected[i] for i in chosen)
        return (ids, bundle_expected, min(min(low, high), bundle_expected),
                max(max(low, high), bundle_expected))

    def recommend(self, context: FarmContext, options: Options = Options()) -> dict:
        """The answer for one farm (as one item of ``recommend.recommend``).

        Answers for farms without a measured stock are cached (they depend
        only on the categorical context and the options): the dicts returned
        share their nested parts with the cache, so read them, do not modify
        them.
        """
        key = ContextKey.of(context)
        if context.soc_t_ha is None:
            answer = self.tier1_answers(key, options)
        else:
            answer = self._answer(key, options, float(context.soc_t_ha))
        return {**answer, "farm_id": context.farm_id}

    def _answer(self, key: ContextKey, options: Options, measured_stock: float | None = None) -> dict:
        """The answer without its ``farm_id``; Tier 1 stock when none is measured."""
        parts = self.parts(key)
        stock = parts.tier1_stock if measured_stock is None else measured_stock
        target = self.engine.target_fraction * stock
        n = len(parts.practice_ids)
        recommendations, bundle = [], None
        if n:
            stock_column = np.full(n, stock)
            tier1_gain = stock_column * parts.relative + parts.rate
            expected, p10, p90 = self.scorer.predict_arrays(parts.features, tier1_gain, stock_column)
            score = self._score(options.objective, expected, p10, parts)
            # Best score first; equal scores in practice-id order, as ``ranking.rank``.
            order = np.lexsort((parts.id_order, -score))
            recommendations = [
                recommendation_record(self.engine, key, parts.practice_ids[i], rank, (expected[i], p10[i], p90[i]),
                                      tier1_gain[i], target, options.horizon_years)
                for rank, i in enumerate(order[: options.top_k], start=1)
            ]
            if options.bundle_size > 0:
                bundle = self._bundle(key, parts, order, stock, tier1_gain, expected, p10, p90,
                                      options.bundle_size)
        return answer_record(None, measured_stock is not None, key, stock, target, recommendations, bundle,
                             self.loaded, self.engine)
