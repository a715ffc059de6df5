"""From farms to answers: candidates, the model, the kernel, the answer table.

:class:`Recommender` is the one path every entry point takes. Its
:meth:`~Recommender.table` answers n farms at once (batch scoring: a chunk's
distinct farms); :meth:`~Recommender.answer` answers one farm through the
same call with n = 1, and keeps the answers of farms without a measured stock
(fixed by their context and the options) in a cache.
"""

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from recommender.arrays import distinct
from recommender.inputs.farm import ContextKey, FarmContext
from recommender.model.candidates import Candidates, CandidateSource
from recommender.model.gain_model import Predictor, predict_gains
from recommender.recommend.answer import Answer, ModelStamp
from recommender.recommend.kernel import BundlePrior, Sets, rank
from recommender.recommend.objectives import Climate
from recommender.recommend.options import Options
from recommender.recommend.practice_arrays import practice_arrays
from recommender.recommend.practice_details import Farms, SetClimate
from recommender.recommend.table import AnswerTable
from recommender.science.rothc.climate import MonthlyClimate
from recommender.science.rothc.farm import FarmRothC
from recommender.science.tier1 import Tier1Engine

#: Answers kept for farms without a measured stock, by (context, options); ~6 kB each.
ANSWER_CACHE_SIZE = 4096


class Recommender:
    """Ranks practices for farms with ``predictor`` (the model in service).

    Parameters
    ----------
    engine : Tier1Engine
    predictor : Predictor
        The gain model, or its ONNX conversion, or a de-duplicating wrapper.
    stamp : ModelStamp
        The model's version and training date, written into every answer.
    """

    def __init__(self, engine: Tier1Engine, predictor: Predictor, stamp: ModelStamp):
        self.engine = engine
        self.source = CandidateSource(engine)
        self.predictor = predictor
        self.stamp = stamp
        self.practices = practice_arrays()
        self.rothc = FarmRothC(engine.kb)
        self._unmeasured = lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._unmeasured_answer)

    def table(self, keys: Sequence[ContextKey], context_of_farm: np.ndarray, measured: np.ndarray,
              options: Options, weather: MonthlyClimate | None = None) -> AnswerTable:
        """Answers of farms whose contexts are ``keys[context_of_farm]`` and
        measured stocks ``measured`` (t C/ha; NaN: use the Tier 1 estimate);
        ``weather``: the monthly climate of every farm (RothC; default: each zone's)."""
        keys = list(keys)
        engine = self.engine
        candidates = self.source.gather(keys, context_of_farm, measured)
        expected, p10, p90 = predict_gains(self.predictor, candidates.features)
        stock, capacity = candidates.farm_stock, candidates.farm_capacity
        headroom = np.maximum(capacity - stock, 0.0) / engine.transition_years
        prior = self.prior(keys, context_of_farm, stock)
        climate = Climate(candidates.removal_share, candidates.n2o + candidates.ch4, engine.co2_per_c)
        ranking = rank(candidates.start, candidates.code, candidates.tier1_gain, expected, p10, p90, climate,
                       headroom, self.practices, options.objective, options.top_k, options.bundle_size, prior)
        farms = Farms(keys, context_of_farm, stock, ~np.isnan(measured), capacity, headroom, weather)
        bundle_climate = self.set_climate(keys, context_of_farm, candidates, ranking.expected, ranking.bundles)
        return AnswerTable(engine, self.rothc, farms, candidates, ranking, bundle_climate, options, self.stamp)

    def prior(self, keys: list[ContextKey], context_of_farm: np.ndarray, stock: np.ndarray) -> BundlePrior:
        """The accounting's gain of sets of practices adopted together (kernel's ``prior``)."""

        def prior(farms: np.ndarray, practice_sets: list[tuple[str, ...]], set_index: np.ndarray) -> np.ndarray:
            if len(farms) == 0:
                return np.empty(0)
            # Once per distinct (context, set): many farms share both.
            context = context_of_farm[farms]
            pairs, first = distinct([context, set_index])
            changes = np.array([self.engine.central_change(keys[c], practice_sets[s])
                                for c, s in zip(context[first].tolist(), set_index[first].tolist())],
                               dtype=float).reshape(-1, 2)
            return stock[farms] * changes[pairs, 0] + changes[pairs, 1]

        return prior

    def set_climate(self, keys: list[ContextKey], context_of_farm: np.ndarray, candidates: Candidates,
                    expected: np.ndarray, sets: Sets) -> SetClimate:
        """Each set's extra emissions (for the set as a whole: paddy CH4 is not additive)
        and its members' removal shares weighted by their gains."""
        if len(sets.farm) == 0:
            return SetClimate(np.empty((0, 2)), np.empty(0))
        # Once per distinct (context, set): many farms share both.
        context = context_of_farm[sets.farm]
        pairs, first = distinct([context, sets.set_index])
        emissions = np.array([self.engine.emissions(keys[c], sets.practice_sets[s])
                              for c, s in zip(context[first].tolist(), sets.set_index[first].tolist())],
                             dtype=float).reshape(-1, 2)[pairs]
        first = sets.start[:-1]
        gains = np.maximum(expected[sets.member], 1e-12)
        weighted = np.add.reduceat(candidates.removal_share[sets.member] * gains, first)
        return SetClimate(emissions, weighted / np.add.reduceat(gains, first))

    def answer(self, context: FarmContext, options: Options) -> Answer:
        """The answer for one farm.

        Answers of farms without a measured stock come from a cache shared
        between calls: treat them as read-only.
        """
        climate = farm_climate(context)
        if context.soc_t_ha is None and climate is None:
            return self._unmeasured(context.key, options).model_copy(update={"farm_id": context.farm_id})
        measured = np.array([np.nan if context.soc_t_ha is None else context.soc_t_ha])
        table = self.table([context.key], np.zeros(1, dtype=np.int64), measured, options, climate)
        return table.answer(0, context.farm_id)

    def _unmeasured_answer(self, key: ContextKey, options: Options) -> Answer:
        return self.table([key], np.zeros(1, dtype=np.int64), np.full(1, np.nan), options).answer(0, None)


def farm_climate(context: FarmContext) -> MonthlyClimate | None:
    """The farm's own monthly climate for RothC, if it gave one."""
    months = context.monthly_climate
    return None if months is None else MonthlyClimate(*months)
