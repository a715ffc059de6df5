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

from recommender.inputs.farm import ContextKey, FarmContext
from recommender.model.candidates import CandidateSource
from recommender.model.gain_model import Predictor, predict_gains
from recommender.recommend.answer import Answer, ModelStamp
from recommender.recommend.kernel import rank
from recommender.recommend.options import Options
from recommender.recommend.practice_arrays import practice_arrays
from recommender.recommend.table import AnswerTable, Farms
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
        self._unmeasured = lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._unmeasured_answer)

    def table(self, keys: Sequence[ContextKey], context_of_farm: np.ndarray, measured: np.ndarray,
              options: Options) -> AnswerTable:
        """Answers of farms whose contexts are ``keys[context_of_farm]`` and
        measured stocks ``measured`` (t C/ha; NaN: use the Tier 1 estimate)."""
        keys = list(keys)
        candidates = self.source.gather(keys, context_of_farm, measured)
        expected, p10, p90 = predict_gains(self.predictor, candidates.features)
        stock = candidates.farm_stock

        def prior(farms: np.ndarray, members: list[tuple[str, ...]]) -> np.ndarray:
            # Once per distinct (context, bundle): many farms share both.
            distinct: dict[tuple[int, tuple[str, ...]], int] = {}
            pairs = np.array([distinct.setdefault(pair, len(distinct))
                              for pair in zip(context_of_farm[farms].tolist(), members)], dtype=np.int64)
            changes = np.array([self.engine.central_change(keys[c], ids) for c, ids in distinct],
                               dtype=float).reshape(-1, 2)
            return stock[farms] * changes[pairs, 0] + changes[pairs, 1] if len(pairs) else np.empty(0)

        ranking = rank(candidates.start, candidates.code, candidates.tier1_gain, expected, p10, p90,
                       self.practices, options.objective, options.top_k, options.bundle_size, prior)
        farms = Farms(keys, context_of_farm, stock, ~np.isnan(measured))
        return AnswerTable(self.engine, farms, candidates, expected, p10, p90, ranking, options, self.stamp)

    def answer(self, context: FarmContext, options: Options) -> Answer:
        """The answer for one farm.

        Answers of farms without a measured stock come from a cache shared
        between calls: treat them as read-only.
        """
        if context.soc_t_ha is None:
            return self._unmeasured(context.key, options).model_copy(update={"farm_id": context.farm_id})
        table = self.table([context.key], np.zeros(1, dtype=np.int64), np.array([context.soc_t_ha]), options)
        return table.answer(0, context.farm_id)

    def _unmeasured_answer(self, key: ContextKey, options: Options) -> Answer:
        return self.table([key], np.zeros(1, dtype=np.int64), np.full(1, np.nan), options).answer(0, None)
