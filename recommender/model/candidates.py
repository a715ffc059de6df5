"""Candidates: every applicable (farm, practice) pair with its Tier 1 prior and model inputs.

What a candidate needs from its categorical context (applicable practices,
their Tier 1 change, the model's categories) is computed once per distinct
:class:`~recommender.inputs.farm.ContextKey` and kept; a farm's candidates
are then its context's rows with the farm's own stock, gathered for many
farms at once with array indexing. The same gathering serves one farm (the
service) and a million (batch scoring), and the reference set the model is
trained on.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from recommender.inputs.farm import ContextKey
from recommender.model.features import CATEGORICAL, Features, context_categories
from recommender.science.tier1 import ANY_TEXTURE, Tier1Engine

#: Distinct contexts kept (a survey has ~10^4: zone x texture x soil class x land use x
#: degradation x current practices); one entry is a few kB.
CONTEXT_CACHE_SIZE = 32768


@dataclass(frozen=True)
class ContextCandidates:
    """The applicable practices of one context, in catalogue order.

    ``relative`` and ``rate`` give the accounting's gain ``S x relative + rate``
    of each practice on a field of stock S; ``n2o`` and ``ch4`` the extra
    emissions it causes (t CO2e/ha/yr) and ``removal_share`` the share of its gain taken
    from the air; ``rows`` number the (context, practice) pairs uniquely
    within a :class:`CandidateSource`. The soil's texture changes none of
    them (only its capacity), so one part serves a context's every texture.
    """

    practice_ids: tuple[str, ...]
    codes: np.ndarray
    relative: np.ndarray
    rate: np.ndarray
    n2o: np.ndarray
    ch4: np.ndarray
    removal_share: np.ndarray
    tier1_stock: float
    categories: dict[str, np.ndarray]
    rows: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """Candidates of ``n`` farms, grouped by farm in farm order.

    ``farm`` is each candidate's farm (0..n-1), ``start`` the position of each
    farm's first candidate (``n + 1`` entries), ``code`` the practice's
    catalogue position, ``stock`` the farm's stock (measured or Tier 1),
    ``tier1_gain`` the Tier 1 gain (t C/ha/yr) and ``features`` the model's
    inputs; ``n2o``, ``ch4`` and ``removal_share`` are as in
    :class:`ContextCandidates`; ``farm_stock`` and ``farm_capacity`` are each
    farm's stock and SOC ceiling (also for a farm without candidates).
    """

    farm: np.ndarray
    start: np.ndarray
    code: np.ndarray
    stock: np.ndarray
    tier1_gain: np.ndarray
    features: Features
    farm_stock: np.ndarray
    n2o: np.ndarray
    ch4: np.ndarray
    removal_share: np.ndarray
    farm_capacity: np.ndarray

    def __len__(self) -> int:
        return len(self.farm)


class CandidateSource:
    """Builds candidates with ``engine``, keeping each context's part.

    Parameters
    ----------
    engine : Tier1Engine
    """

    def __init__(self, engine: Tier1Engine):
        self.engine = engine
        self.codes = {pid: code for code, pid in enumerate(engine.kb.practices)}
        self._next_row = 0
        self.context = lru_cache(maxsize=CONTEXT_CACHE_SIZE)(self._context)

    def part(self, key: ContextKey) -> ContextCandidates:
        """The candidates of context ``key`` (one cached part for all its textures)."""
        return self.context(key._replace(soil_texture=ANY_TEXTURE))

    def _context(self, key: ContextKey) -> ContextCandidates:
        changes = self.engine.changes(key)
        n = len(changes.practice_ids)
        shared = context_categories(key, changes.state)
        categories = {name: (np.array(changes.practice_ids, dtype=object) if name == "practice_id"
                             else np.full(n, shared[name], dtype=object)) for name in CATEGORICAL}
        # Row numbers are never reused, even after the cache drops a context:
        # a predictor may remember rows by them.
        rows = np.arange(self._next_row, self._next_row + n)
        self._next_row += n
        return ContextCandidates(changes.practice_ids,
                                 np.array([self.codes[p] for p in changes.practice_ids], dtype=np.int64),
                                 changes.relative, changes.rate, changes.n2o, changes.ch4, changes.removal_share,
                                 changes.tier1_stock, categories, rows)

    def gather(self, keys: Sequence[ContextKey], context_of_farm: np.ndarray, measured: np.ndarray) -> Candidates:
        """Candidates of farms whose contexts are ``keys[context_of_farm]``.

        Parameters
        ----------
        keys : sequence of ContextKey
            Distinct contexts.
        context_of_farm : numpy.ndarray
            Each farm's position in ``keys``.
        measured : numpy.ndarray
            Each farm's measured stock, t C/ha (NaN: the Tier 1 estimate).
        """
        parts = [self.part(key) for key in keys]
        capacity = np.array([self.engine.capacity(key) for key in keys], dtype=float)[context_of_farm]
        if len(context_of_farm) == 1:
            return self._one(parts[context_of_farm[0]], float(measured[0]), capacity)
        lengths = np.array([len(p.practice_ids) for p in parts], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        per_farm = lengths[context_of_farm]
        start = np.concatenate([[0], np.cumsum(per_farm)])
        farm = np.repeat(np.arange(len(context_of_farm)), per_farm)
        # Position of each candidate within its context's rows.
        within = np.arange(len(farm)) - start[farm]
        at = offsets[context_of_farm][farm] + within

        def joined(values: list[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(values).astype(dtype, copy=False) if values else np.empty(0, dtype)

        tier1_stock = np.array([p.tier1_stock for p in parts], dtype=float)
        stock_of_farm = np.where(np.isnan(measured), tier1_stock[context_of_farm] if len(parts) else measured,
                                 measured)
        stock = stock_of_farm[farm]
        tier1_gain = stock * joined([p.relative for p in parts], float)[at] + joined([p.rate for p in parts], float)[at]
        categories = {name: joined([p.categories[name] for p in parts], object)[at] for name in CATEGORICAL}
        features = Features(categories, tier1_gain, stock, joined([p.rows for p in parts], np.int64)[at])
        return Candidates(farm, start, joined([p.codes for p in parts], np.int64)[at], stock, tier1_gain, features,
                          stock_of_farm, joined([p.n2o for p in parts], float)[at],
                          joined([p.ch4 for p in parts], float)[at],
                          joined([p.removal_share for p in parts], float)[at], capacity)

    @staticmethod
    def _one(part: ContextCandidates, measured: float, capacity: np.ndarray) -> Candidates:
        """:meth:`gather` for one farm: its context's rows as they are."""
        n = len(part.practice_ids)
        stock_value = part.tier1_stock if np.isnan(measured) else measured
        stock = np.full(n, stock_value)
        tier1_gain = stock * part.relative + part.rate
        return Candidates(np.zeros(n, dtype=np.int64), np.array([0, n]), part.codes, stock, tier1_gain,
                          Features(part.categories, tier1_gain, stock, part.rows), np.array([stock_value]),
                          part.n2o, part.ch4, part.removal_share, capacity)
