"""The ranking kernel: scores, ranks and bundles the candidates of n farms at once.

One array function answers one farm (the service) and a million (batch
scoring): candidates arrive grouped by farm, every step is an array
operation over all of them, and nothing loops over farms.

* **Rank**: each candidate is scored by the objective; a farm's candidates
  are ordered by score, ties by practice id.
* **Bundle**: greedy in rank order: a practice joins its farm's bundle
  unless it conflicts with one already chosen or adds nothing to it
  (``PracticeArrays.excludes``); only practices with a positive expected
  gain join, at most ``bundle_size``. The bundle's gain is the Tier 1 gain of
  the combined state (factors multiply, rates add) plus the model's
  correction of each member; its interval adds the members' half-widths
  around that (a conservative band that assumes their errors move together).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from recommender.recommend.objectives import OBJECTIVES, Scored
from recommender.recommend.practice_arrays import PracticeArrays

#: ``prior(farms, members)``: the Tier 1 gain (t C/ha/yr) of adopting together
#: the practices ``members[i]`` (a tuple of ids) on farm ``farms[i]``.
BundlePrior = Callable[[np.ndarray, list[tuple[str, ...]]], np.ndarray]


@dataclass(frozen=True)
class Ranking:
    """The outcome for n farms.

    ``top`` holds the candidates listed (each farm's best ``top_k``, farm by
    farm in rank order) and ``top_rank`` their ranks (1 = best).
    ``bundle_farm`` lists the farms with a bundle (in farm order); bundle
    ``i`` takes the candidates ``bundle_member[bundle_start[i]:bundle_start[i + 1]]``
    (practices ``bundle_ids[i]``) in the order chosen, and gains
    ``bundle_expected[i]`` within ``[bundle_p10[i], bundle_p90[i]]`` (t C/ha/yr).
    ``applicable`` counts each farm's candidates.
    """

    top: np.ndarray
    top_rank: np.ndarray
    applicable: np.ndarray
    bundle_farm: np.ndarray
    bundle_start: np.ndarray
    bundle_member: np.ndarray
    bundle_ids: list[tuple[str, ...]]
    bundle_expected: np.ndarray
    bundle_p10: np.ndarray
    bundle_p90: np.ndarray


def rank(start: np.ndarray, code: np.ndarray, tier1_gain: np.ndarray, expected: np.ndarray, p10: np.ndarray,
         p90: np.ndarray, practices: PracticeArrays, objective: str, top_k: int, bundle_size: int,
         prior: BundlePrior) -> Ranking:
    """Rank and bundle the candidates of n farms.

    Parameters
    ----------
    start : numpy.ndarray
        Position of each farm's first candidate (``n + 1`` entries; the
        candidates of farm ``f`` are ``start[f]:start[f + 1]``).
    code : numpy.ndarray
        Each candidate's practice code (catalogue position).
    tier1_gain, expected, p10, p90 : numpy.ndarray
        Each candidate's Tier 1 gain and the model's gain and interval, t C/ha/yr.
    practices : PracticeArrays
    objective : str
        A key of :data:`~recommender.recommend.objectives.OBJECTIVES`.
    top_k, bundle_size : int
    prior : BundlePrior
        The Tier 1 gain of each bundle.
    """
    counts = np.diff(start)
    farm = np.repeat(np.arange(len(counts)), counts)
    score = OBJECTIVES[objective].score(Scored(expected, p10, code, start, practices))
    order = np.lexsort((practices.id_rank[code], -score, farm))
    ranks = np.arange(len(order)) - start[farm] + 1  # ``farm`` is sorted, so farm[order] == farm
    listed = ranks <= top_k
    chosen = _greedy_bundles(order[expected[order] > 0], farm, code, practices.excludes, bundle_size)
    first = _group_starts(farm[chosen])
    bundle_start = np.append(first, len(chosen))
    bundle_farm = farm[chosen[first]]
    ids = practices.ids[code[chosen]]
    bundle_ids = [tuple(ids[a:b]) for a, b in zip(bundle_start[:-1], bundle_start[1:])]

    def summed(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values[chosen], first) if len(chosen) else np.empty(0)

    bundle_expected = prior(bundle_farm, bundle_ids) + summed(expected - tier1_gain)
    low, high = bundle_expected - summed(expected - p10), bundle_expected + summed(p90 - expected)
    return Ranking(
        top=order[listed], top_rank=ranks[listed], applicable=counts,
        bundle_farm=bundle_farm, bundle_start=bundle_start, bundle_member=chosen, bundle_ids=bundle_ids,
        bundle_expected=bundle_expected,
        bundle_p10=np.minimum(np.minimum(low, high), bundle_expected),
        bundle_p90=np.maximum(np.maximum(low, high), bundle_expected),
    )


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


def _group_starts(groups: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the sorted ``groups`` starts."""
    if len(groups) == 0:
        return np.empty(0, dtype=np.int64)
    change = np.empty(len(groups), dtype=bool)
    change[0] = True
    np.not_equal(groups[1:], groups[:-1], out=change[1:])
    return np.flatnonzero(change)
