"""The ranking kernel: scores, ranks and bundles the candidates of n farms at once.

One array function answers one farm (the service) and a million (batch
scoring): candidates arrive grouped by farm, every step is an array
operation over all of them, and nothing loops over farms.

* **Rank**: each candidate is scored by the objective; a farm's candidates
  are ordered by score, ties by practice id.
* **Capacity**: no gain takes a field above its soil's carbon ceiling: every
  gain, interval bound and bundle is capped at ``headroom``, the farm's
  ``(capacity - stock) / D`` t C/ha/yr.
* **Bundle**: greedy in rank order: a practice joins its farm's bundle
  unless it conflicts with one already chosen or adds nothing to it
  (``PracticeArrays.excludes``); only practices with a positive expected
  gain join, at most ``bundle_size``. The bundle's gain is the accounting's
  gain of the combined state (factors multiply) plus the model's correction
  of each member, never more than the sum of its members' gains; its
  interval adds the members' half-widths around that (a conservative band
  that assumes their errors move together).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from recommender.arrays import FEW_ROWS
from recommender.recommend.objectives import OBJECTIVES, Climate, Scored
from recommender.recommend.practice_arrays import PracticeArrays

#: ``prior(farms, practice_sets, set_index)``: the Tier 1 gain (t C/ha/yr) of
#: adopting together the practices ``practice_sets[set_index[i]]`` (a tuple of
#: ids) on farm ``farms[i]``.
BundlePrior = Callable[[np.ndarray, list[tuple[str, ...]], np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Sets:
    """Sets of candidates adopted together (bundles, or the sets a user asks about).

    Set ``i`` is adopted on farm ``farm[i]`` (farms in order) and takes the
    candidates ``member[start[i]:start[i + 1]]``, the practices
    ``practice_sets[set_index[i]]`` (each distinct tuple of ids once: many
    farms adopt the same set); it gains ``expected[i]`` within
    ``[p10[i], p90[i]]`` (t C/ha/yr), its accounting prior is ``tier1[i]``
    and ``capped[i]`` says whether the soil's capacity bound.
    """

    farm: np.ndarray
    start: np.ndarray
    member: np.ndarray
    practice_sets: list[tuple[str, ...]]
    set_index: np.ndarray
    expected: np.ndarray
    p10: np.ndarray
    p90: np.ndarray
    tier1: np.ndarray
    capped: np.ndarray


@dataclass(frozen=True)
class Ranking:
    """The outcome for n farms.

    ``top`` holds the candidates listed (each farm's best ``top_k``, farm by
    farm in rank order) and ``top_rank`` their ranks (1 = best); ``bundles``
    the farms' best sets; ``applicable`` counts each farm's candidates.
    ``expected``, ``p10``, ``p90`` are every candidate's gain and interval
    after the capacity cap, and ``capped`` says where the cap bound.
    """

    expected: np.ndarray
    p10: np.ndarray
    p90: np.ndarray
    capped: np.ndarray
    top: np.ndarray
    top_rank: np.ndarray
    applicable: np.ndarray
    bundles: Sets


def rank(start: np.ndarray, code: np.ndarray, tier1_gain: np.ndarray, expected: np.ndarray, p10: np.ndarray,
         p90: np.ndarray, climate: Climate, headroom: np.ndarray, practices: PracticeArrays, objective: str,
         top_k: int, bundle_size: int, prior: BundlePrior) -> Ranking:
    """Rank and bundle the candidates of n farms.

    Parameters
    ----------
    start : numpy.ndarray
        Position of each farm's first candidate (``n + 1`` entries; the
        candidates of farm ``f`` are ``start[f]:start[f + 1]``).
    code : numpy.ndarray
        Each candidate's practice code (catalogue position).
    tier1_gain, expected, p10, p90 : numpy.ndarray
        Each candidate's accounting gain and the model's gain and interval, t C/ha/yr.
    climate : Climate
        Each candidate's removal share and extra emissions.
    headroom : numpy.ndarray
        Each farm's largest gain before its soil is at capacity, t C/ha/yr.
    practices : PracticeArrays
    objective : str
        A key of :data:`~recommender.recommend.objectives.OBJECTIVES`.
    top_k, bundle_size : int
    prior : BundlePrior
        The Tier 1 gain of each bundle.
    """
    counts = np.diff(start)
    farm = np.repeat(np.arange(len(counts)), counts)
    limit = headroom[farm]
    capped = expected > limit
    expected, p10, p90 = np.minimum(expected, limit), np.minimum(p10, limit), np.minimum(p90, limit)
    score = OBJECTIVES[objective].score(Scored(expected, p10, code, start, practices, climate))
    order = np.lexsort((practices.id_rank[code], -score, farm))
    ranks = np.arange(len(order)) - start[farm] + 1  # ``farm`` is sorted, so farm[order] == farm
    listed = ranks <= top_k
    chosen = _greedy_bundles(order[expected[order] > 0], farm, code, practices.excludes, bundle_size)
    first = _group_starts(farm[chosen])
    starts = np.append(first, len(chosen))
    bundles = combine(farm[chosen[first]], starts, chosen, *_distinct_sets(code[chosen], starts, practices.ids),
                      expected, p10, p90, tier1_gain, headroom, prior)
    return Ranking(expected=expected, p10=p10, p90=p90, capped=capped, top=order[listed], top_rank=ranks[listed],
                   applicable=counts, bundles=bundles)


def combine(farm: np.ndarray, start: np.ndarray, member: np.ndarray, practice_sets: list[tuple[str, ...]],
            set_index: np.ndarray, expected: np.ndarray, p10: np.ndarray, p90: np.ndarray, tier1_gain: np.ndarray,
            headroom: np.ndarray, prior: BundlePrior) -> Sets:
    """The gain of each set of candidates adopted together (arguments as :class:`Sets`;
    ``expected``, ``p10``, ``p90`` are the candidates' capped gains).

    The accounting's gain of the combined state plus the model's correction of
    each member, never more than the sum of the members' gains nor than the
    capacity allows; the interval adds the members' half-widths.
    """
    first = start[:-1]

    def summed(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values[member], first) if len(member) else np.empty(0)

    tier1 = prior(farm, practice_sets, set_index)
    combined = tier1 + summed(expected - tier1_gain)
    gain = np.minimum(combined, np.minimum(summed(expected), headroom[farm]))
    low = gain - summed(expected - p10)
    high = np.minimum(gain + summed(p90 - expected), headroom[farm])
    return Sets(farm=farm, start=start, member=member, practice_sets=practice_sets, set_index=set_index,
                expected=gain,
                p10=np.minimum(np.minimum(low, high), gain), p90=np.maximum(np.maximum(low, high), gain),
                tier1=tier1, capped=combined > headroom[farm])


def _greedy_bundles(pool: np.ndarray, farm: np.ndarray, code: np.ndarray, excludes: np.ndarray,
                    size: int) -> np.ndarray:
    """The candidates each farm's bundle takes from ``pool`` (candidates in farm
    then rank order), farm by farm in the order chosen."""
    available = np.ones(len(pool), dtype=bool)
    picked_rounds = []
    pool_farm, pool_code = farm[pool], code[pool]
    for _ in range(size):
        remaining = np.flatnonzero(available)
        if remaining.size == 0:
            break
        # The first available entry of each farm is its best remaining practice.
        first = remaining[_group_starts(pool_farm[remaining])]
        picked_rounds.append(first)
        available[first] = False
        pick_of_farm = np.full(farm[-1] + 1, -1)
        pick_of_farm[pool_farm[first]] = pool_code[first]
        picked = pick_of_farm[pool_farm]
        available &= ~((picked >= 0) & excludes[np.maximum(picked, 0), pool_code])
    if not picked_rounds:
        return np.empty(0, dtype=np.int64)
    positions = np.concatenate(picked_rounds)
    # Farm order, and within a farm the order of the rounds.
    by_farm = positions[np.argsort(pool_farm[positions], kind="stable")]
    return pool[by_farm]


def _distinct_sets(codes: np.ndarray, start: np.ndarray,
                   ids: np.ndarray) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """The distinct sets among ``codes[start[i]:start[i + 1]]`` (practice codes, in
    order) as tuples of ``ids``, and each set's position among them."""
    sizes = np.diff(start)
    if len(sizes) <= FEW_ROWS:  # the service's one farm: a dict beats numpy's sorting
        found: dict[tuple[int, ...], int] = {}
        at = [found.setdefault(tuple(codes[a:b].tolist()), len(found)) for a, b in zip(start[:-1], start[1:])]
        return [tuple(ids[list(members)]) for members in found], np.array(at, dtype=np.int64)
    # One row per set, its codes padded with -1: equal rows are equal sets.
    table = np.full((len(sizes), sizes.max()), -1, dtype=np.int64)
    of_code = np.repeat(np.arange(len(sizes)), sizes)
    table[of_code, np.arange(len(codes)) - start[of_code]] = codes
    distinct, index = np.unique(table, axis=0, return_inverse=True)
    return [tuple(ids[row[row >= 0]]) for row in distinct], index.reshape(-1)


def _group_starts(groups: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the sorted ``groups`` starts."""
    if len(groups) == 0:
        return np.empty(0, dtype=np.int64)
    change = np.empty(len(groups), dtype=bool)
    change[0] = True
    np.not_equal(groups[1:], groups[:-1], out=change[1:])
    return np.flatnonzero(change)
