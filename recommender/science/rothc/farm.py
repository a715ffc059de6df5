"""RothC for a farm: today's stock as an equilibrium, practices as new drivers, paths and the 4 per 1000 input.

The inverse mode, as RothC studies initialise a field: the field is taken to
be at equilibrium under its current land use and practices at today's stock
S (measured, or the Tier 1 estimate). IOM comes from S (Falloon et al. 1998),
and the active pools are linear in the field's own plant input p, so

    S = IOM(S) + a (p (1 + r) + A) + f F

(a, f: equilibrium active SOC per t C/ha/yr of plant and of manure input;
r, A, F: the current practices' relative and absolute plant input and their
manure) is solved for p by a division. Adopting practices changes the
drivers (:mod:`.scenario`); from that start the stock follows the new
drivers' annual affine map, which is linear in the start pools and inputs:

    SOC(y) = alpha(y) p + beta(y) + gamma(y) x + IOM(S)

with x any extra plant input. alpha, beta, gamma depend on the context
(land use, current practices, clay, climate) and the practice set, never on
S: they are computed once per pair, for all pairs of a batch at once, and
cached, so a measured stock only rescales inputs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from recommender.inputs.farm import ContextKey
from recommender.knowledge import KnowledgeBase, load_knowledge_base
from recommender.knowledge.rothc_farm import RothCFarmTables, load_rothc_farm_tables
from recommender.science.biochar import biochar_rate

from .climate import MonthlyClimate
from .equilibrium import annual_maps, equilibrium_response
from .model import falloon_iom
from .modifiers import Array
from .parameters import RothCParameters, load_parameters
from .scenario import PracticeEffect, build_drivers, combine

#: Years of path computed per pair; longer horizons are refused.
MAX_YEARS = 100
#: Coefficient rows kept (~3.3 kB each); the oldest go first.
MAX_CACHED_PAIRS = 65536
#: Pairs computed per vectorised batch (bounds memory: ~30 kB a pair).
_BATCH = 4096
#: Below this many farms, pairs are found with a dict rather than by sorting.
_SMALL = 256
#: Fields evaluated per chunk of a batch (bounds memory of the intermediates).
_CHUNK = 131072


class _Context(NamedTuple):
    """What RothC needs of a field besides its stock: all fields alike here share one run."""

    land_use: str
    current_practices: tuple[str, ...]
    clay: float
    climate: MonthlyClimate


@dataclass(frozen=True)
class InputNeeded:
    """Extra carbon input a year that raises the RothC stock by 4 per mille a year on average over 20 years.

    All (n,) per field. ``plant_t_c_ha_yr`` is plant carbon spread like the
    field's own input; ``residue_dm_t_ha_yr`` the same as crop-residue dry
    matter; ``manure_t_c_ha_yr`` the carbon of farmyard manure doing the same
    (solved separately: manure decomposes differently), and
    ``manure_dm_t_ha_yr`` its dry matter. NaN where RothC is not applicable.
    """

    plant_t_c_ha_yr: Array
    residue_dm_t_ha_yr: Array
    manure_t_c_ha_yr: Array
    manure_dm_t_ha_yr: Array


class FarmRothC:
    """RothC paths of farms adopting practice sets, and the input needed for 4 per 1000.

    Parameters
    ----------
    kb : KnowledgeBase, optional
        The packaged knowledge base by default (practice catalogue, textures,
        method, biochar).
    parameters : RothCParameters, optional
        RothC constants; those of ``rothc_parameters.csv`` by default.
    """

    def __init__(self, kb: KnowledgeBase | None = None, parameters: RothCParameters | None = None):
        self.kb = kb or load_knowledge_base()
        self.params = parameters or load_parameters()
        self.tables: RothCFarmTables = load_rothc_farm_tables(tuple(self.kb.practices))
        self.target_years = int(self.kb.method["transition_years"])
        self.target_fraction = float(self.kb.method["target_fraction_per_year"])
        self._biochar_rate = biochar_rate(self.kb)
        self._biochar_years = float(self.kb.biochar.at["application_years", "value"])
        self._typical_clay = dict(self.kb.soil_textures["typical_clay_pct"])
        self._zone_climate = {zone: MonthlyClimate.from_array(values)
                              for zone, values in self.tables.climates.items()}
        self._residue_c = float(self.tables.carbon_fractions.at["crop_residue", "c_fraction_dm"])
        self._manure_c = float(self.tables.carbon_fractions.at["cattle_fym", "c_fraction_dm"])
        self._rows: dict[tuple[_Context, tuple[str, ...]], Array] = {}
        self._combine = lru_cache(maxsize=65536)(self._combine_uncached)
        # A survey's contexts recur in every chunk: each key's context (typical clay, zone climate) is built once.
        self._typical_context = lru_cache(maxsize=65536)(self.context)

    # -- contexts -------------------------------------------------------------
    def context(self, key: ContextKey, clay_pct: float | None = None,
                climate: MonthlyClimate | None = None) -> _Context:
        """The field's RothC context: clay given or the texture's typical clay; climate given or its zone's."""
        clay = self._typical_clay[key.soil_texture] if clay_pct is None else float(clay_pct)
        if not 0.0 <= clay <= 100.0:
            raise ValueError(f"clay_pct must lie in [0, 100], got {clay_pct}")
        return _Context(key.land_use, tuple(key.current_practices), clay,
                        climate or self._zone_climate[key.climate_zone])

    def _combine_uncached(self, land_use: str, current: tuple[str, ...], new: tuple[str, ...]) -> PracticeEffect:
        unknown = [p for p in current + new if p not in self.tables.practices.index]
        if unknown:
            raise ValueError(f"unknown practice id(s) {unknown}")
        return combine(self.tables, land_use, current, new)

    # -- the coefficients of each (context, practice set) ----------------------
    def _terms(self, pairs: Sequence[tuple[_Context, tuple[str, ...]]], columns: np.ndarray) -> Array:
        """(len(pairs), len(columns)) of each pair's coefficients: alpha, beta, gamma and the manure
        response by year (MAX_YEARS + 1 each), then offset and scale; ``columns`` picks those needed."""
        missing = list(dict.fromkeys(pair for pair in pairs if pair not in self._rows))
        excess = len(self._rows) + len(missing) - MAX_CACHED_PAIRS
        if excess > 0:
            # A long-running service meets farms' own climates without end: forget the oldest
            # pairs this call does not need rather than grow (a survey's next chunk needs most of the rest).
            needed = set(pairs)
            for pair in list(islice((pair for pair in self._rows if pair not in needed), excess)):
                del self._rows[pair]
        for start in range(0, len(missing), _BATCH):
            chunk = missing[start:start + _BATCH]
            for pair, row in zip(chunk, self._compute(chunk)):
                self._rows[pair] = row
        return np.stack([self._rows[pair][columns] for pair in pairs]) if pairs else np.empty((0, len(columns)))

    def _compute(self, pairs: Sequence[tuple[_Context, tuple[str, ...]]]) -> Array:
        contexts = list(dict.fromkeys(context for context, _ in pairs))
        where = {context: i for i, context in enumerate(contexts)}
        before = [self._combine(c.land_use, c.current_practices, ()) for c in contexts]
        after = [self._combine(c.land_use, c.current_practices, new) for c, new in pairs]
        # Equilibrium of each context under its current practices, per unit of plant and of manure input.
        climates = np.stack([c.climate.array() for c in contexts])
        clay = np.array([c.clay for c in contexts])
        response = equilibrium_response(build_drivers(self.tables, self.params, climates, clay, before), self.params)
        index = np.array([where[c] for c, _ in pairs])
        maps = annual_maps(build_drivers(self.tables, self.params, climates[index], clay[index], after), self.params)
        # Only totals are needed, so follow the row vector w(y) = 1' A^y (what a unit of each pool at the start
        # leaves in the soil after y years): the start pools contribute w(y) . x0, and inputs b added at the
        # end of each year contribute sum over k < y of w(k) . b.
        n = len(pairs)
        transition = maps.transition[:, 0]
        weights = np.empty((n, MAX_YEARS + 1, 4))
        weights[:, 0] = 1.0
        for year in range(1, MAX_YEARS + 1):
            weights[:, year] = np.einsum("ni,nij->nj", weights[:, year - 1], transition)
        own = np.einsum("nyi,ni->ny", weights, response.plant[index])
        current_fym = np.einsum("nyi,ni->ny", weights, response.fym[index])
        plant, fym = (np.concatenate([np.zeros((n, 1)), np.cumsum(np.einsum("nyi,ni->ny", weights[:, :-1], b),
                                                                     axis=1)], axis=1)
                      for b in (maps.plant[:, 0], maps.fym[:, 0]))

        def per_pair(effects: Sequence[PracticeEffect], name: str) -> Array:
            return np.array([getattr(e, name) for e in effects], dtype=float)[:, None]

        b_relative, b_plant, b_fym = (per_pair(before, name)[index] for name in ("plant_relative", "plant_t_c",
                                                                                  "fym_t_c"))
        years = np.arange(MAX_YEARS + 1)
        biochar = per_pair(after, "biochar") * self._biochar_rate * np.minimum(years, self._biochar_years)
        alpha = own * (1.0 + b_relative) + plant * (1.0 + per_pair(after, "plant_relative"))
        beta = (own * b_plant + current_fym * b_fym + plant * per_pair(after, "plant_t_c")
                + fym * per_pair(after, "fym_t_c") + biochar)
        plant_soc, fym_soc = response.plant.sum(axis=1)[index, None], response.fym.sum(axis=1)[index, None]
        offset = plant_soc * b_plant + fym_soc * b_fym
        with np.errstate(divide="ignore"):
            scale = 1.0 / (plant_soc * (1.0 + b_relative))
        rows = np.concatenate([alpha, beta, plant, fym, offset, scale], axis=1)
        represented = (per_pair(before, "represented")[index, 0] == 1) & (per_pair(after, "represented")[:, 0] == 1)
        rows[~represented] = np.nan
        return rows

    # -- evaluation -----------------------------------------------------------
    def paths(self, key: ContextKey, stocks: ArrayLike, practice_sets: Sequence[tuple[str, ...]],
              years: ArrayLike, clay_pct: float | None = None, climate: MonthlyClimate | None = None,
              extra_plant_input: ArrayLike = 0.0) -> Array:
        """(len(stocks), len(practice_sets), len(years)) SOC, t C/ha, 0-30 cm.

        Each field (today's stock ``stocks[i]``, at equilibrium under its
        current practices) adopts each practice set now; ``years`` run from 0
        to at most 100 and may be fractional (linear within the year). An
        empty set is business as usual: flat at today's stock.
        ``extra_plant_input`` (t C/ha/yr, scalar or per field) is plant carbon
        added to every set, spread like the field's own input. NaN where RothC
        cannot represent the land use or a practice (paddy rice).
        """
        stocks = _stocks(stocks)
        n, k = len(stocks), len(practice_sets)
        extra = np.broadcast_to(np.asarray(extra_plant_input, dtype=float), stocks.shape)
        out = self.paths_many([key], np.zeros(n * k, dtype=np.int64), np.tile(stocks, k), practice_sets,
                              np.repeat(np.arange(k), n), years,
                              None if clay_pct is None else np.full(n * k, float(clay_pct)),
                              None if climate is None else [climate],
                              None if climate is None else np.zeros(n * k, dtype=np.int64), np.tile(extra, k))
        return out.reshape(k, n, -1).transpose(1, 0, 2)

    def paths_many(self, keys: Sequence[ContextKey], key_index: ArrayLike, stocks: ArrayLike,
                   practice_sets: Sequence[tuple[str, ...]], set_index: ArrayLike, years: ArrayLike,
                   clay_pct: ArrayLike | None = None, climates: Sequence[MonthlyClimate] | None = None,
                   climate_index: ArrayLike | None = None, extra_plant_input: ArrayLike = 0.0) -> Array:
        """(m, len(years)) SOC of m farms, farm j of context ``keys[key_index[j]]`` adopting
        ``practice_sets[set_index[j]]``; as :meth:`paths` for each, computed once per distinct pair.

        ``clay_pct`` (m,) gives each farm's clay (NaN: its texture's typical
        clay); ``climates`` with ``climate_index`` (m,) each farm's own
        climate (-1: its zone's).
        """
        stocks = _stocks(stocks)
        years = _years(years)
        m = len(stocks)
        pairs, pair_of = self._pairs(keys, key_index, practice_sets, set_index, m, clay_pct, climates, climate_index)
        # Only the whole years the interpolation touches are read from each pair's coefficients.
        weights = _interpolation(tuple(years.tolist()))
        nodes = np.flatnonzero(weights.any(axis=1))
        width, count = MAX_YEARS + 1, len(nodes)
        rows = self._terms(pairs, np.concatenate([nodes, width + nodes, 2 * width + nodes, [-2, -1]]))
        weights = weights[nodes]
        alpha, beta, gamma = (rows[:, i * count:(i + 1) * count] @ weights for i in range(3))
        offset, scale = rows[:, -2], rows[:, -1]
        extra = np.broadcast_to(np.asarray(extra_plant_input, dtype=float), stocks.shape)
        out = np.empty((m, len(years)))
        for start in range(0, m, _CHUNK):
            part = slice(start, start + _CHUNK)
            pair, stock = pair_of[part], stocks[part]
            iom = falloon_iom(stock, self.params)
            own = (stock - iom - offset[pair]) * scale[pair]
            out[part] = (alpha[pair] * own[:, None] + beta[pair] + gamma[pair] * extra[part, None]
                         + iom[:, None])
        return out

    def _pairs(self, keys: Sequence[ContextKey], key_index: ArrayLike, practice_sets: Sequence[tuple[str, ...]],
               set_index: ArrayLike, m: int, clay_pct: ArrayLike | None, climates: Sequence[MonthlyClimate] | None,
               climate_index: ArrayLike | None) -> tuple[list[tuple[_Context, tuple[str, ...]]], np.ndarray]:
        """The distinct (RothC context, practice set) pairs of m farms, and each farm's pair."""
        key_index = np.asarray(key_index, dtype=np.int64)
        set_index = np.asarray(set_index, dtype=np.int64)
        if key_index.shape != (m,) or set_index.shape != (m,):
            raise ValueError("key_index, set_index and stocks need one entry per farm")
        if clay_pct is None and climates is None:
            # RothC ignores a key's soil class and degradation: keys that differ only by them share runs.
            seen: dict[_Context, int] = {}
            of_key = np.array([seen.setdefault(self._typical_context(key), len(seen)) for key in keys],
                              dtype=np.int64)
            contexts = list(seen)
            context_code = of_key[key_index]
        else:
            typical = np.array([self._typical_clay[key.soil_texture] for key in keys])
            clay = typical[key_index] if clay_pct is None else np.asarray(clay_pct, dtype=float)
            clay = np.where(np.isnan(clay), typical[key_index], clay)
            where = np.full(m, -1, dtype=np.int64) if climate_index is None else np.asarray(climate_index)
            found: dict[tuple[int, float, int], int] = {}
            context_code = np.array([found.setdefault(c, len(found)) for c in
                                     zip(key_index.tolist(), clay.tolist(), where.tolist())], dtype=np.int64)
            contexts = [self.context(keys[k], c, None if w < 0 else climates[w])  # type: ignore[index]
                        for k, c, w in found]
        code = context_code * max(len(practice_sets), 1) + set_index
        if m <= _SMALL:  # one farm's few items (the service): a dict beats numpy's sorting
            first_of: dict[int, int] = {}
            pair_of = np.array([first_of.setdefault(c, len(first_of)) for c in code.tolist()], dtype=np.int64)
            distinct = list(first_of)
        else:
            distinct_codes, pair_of = np.unique(code, return_inverse=True)
            distinct = distinct_codes.tolist()
        sets = len(practice_sets) or 1
        pairs = [(contexts[c // sets], tuple(practice_sets[c % sets])) for c in distinct]
        return pairs, pair_of.reshape(-1)

    def input_needed_many(self, keys: Sequence[ContextKey], key_index: ArrayLike, stocks: ArrayLike,
                          clay_pct: ArrayLike | None = None, climates: Sequence[MonthlyClimate] | None = None,
                          climate_index: ArrayLike | None = None) -> InputNeeded:
        """As :meth:`input_needed_for_4p1000` for m farms (arguments as :meth:`paths_many`), once per context."""
        stocks = _stocks(stocks)
        m = len(stocks)
        pairs, pair_of = self._pairs(keys, key_index, [()], np.zeros(m, dtype=np.int64), m, clay_pct, climates,
                                     climate_index)
        width, year = MAX_YEARS + 1, self.target_years
        # SOC(20) - S per unit of extra plant input (gamma) and of extra manure (the manure response).
        rows = self._terms(pairs, np.array([2 * width + year, 3 * width + year]))
        target = self.target_years * self.target_fraction * stocks
        plant = target / rows[pair_of, 0]
        manure = target / rows[pair_of, 1]
        return InputNeeded(plant_t_c_ha_yr=plant, residue_dm_t_ha_yr=plant / self._residue_c,
                           manure_t_c_ha_yr=manure, manure_dm_t_ha_yr=manure / self._manure_c)

    def input_needed_for_4p1000(self, key: ContextKey, stocks: ArrayLike, clay_pct: float | None = None,
                                climate: MonthlyClimate | None = None) -> InputNeeded:
        """Per field, the extra input a year that makes SOC(20) - S = 20 x 0.004 x S under RothC.

        The field stays under its current practices; the extra input is
        plant carbon spread like its own (``plant_t_c_ha_yr``), or, solved
        separately, farmyard manure applied once a year (``manure_t_c_ha_yr``).
        Both are divisions: SOC(20) is linear in the extra input and business
        as usual stays at S. Dry matter uses ``carbon_fractions.csv`` (crop
        residue 0.45, cattle farmyard manure 0.428 t C/t DM).
        """
        stocks = _stocks(stocks)
        return self.input_needed_many([key], np.zeros(len(stocks), dtype=np.int64), stocks,
                                      None if clay_pct is None else np.full(len(stocks), float(clay_pct)),
                                      None if climate is None else [climate],
                                      None if climate is None else np.zeros(len(stocks), dtype=np.int64))


def _stocks(stocks: ArrayLike) -> Array:
    stocks = np.atleast_1d(np.asarray(stocks, dtype=float))
    if stocks.ndim != 1 or not (stocks > 0).all():
        raise ValueError("stocks must be a 1-d array of positive stocks, t C/ha")
    return stocks


def _years(years: ArrayLike) -> Array:
    years = np.atleast_1d(np.asarray(years, dtype=float))
    if years.ndim != 1 or not np.isfinite(years).all() or (years < 0).any() or (years > MAX_YEARS).any():
        raise ValueError(f"years must be a 1-d array within [0, {MAX_YEARS}]")
    return years


@lru_cache(maxsize=256)
def _interpolation(years: tuple[float, ...]) -> Array:
    """(MAX_YEARS + 1, len(years)) weights: linear interpolation between the ends of whole years."""
    weights = np.zeros((MAX_YEARS + 1, len(years)))
    for column, year in enumerate(years):
        low = min(int(np.floor(year)), MAX_YEARS - 1)
        share = year - low
        weights[low, column] = 1.0 - share
        weights[low + 1, column] += share
    weights.flags.writeable = False
    return weights
