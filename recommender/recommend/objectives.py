"""What "best" means: the objectives practices are ranked by.

Each objective turns a farm's candidates into one score per candidate
(higher is better). To add one, write its function and add an
:class:`Objective` to :data:`OBJECTIVES`: the API, the command line and batch
scoring offer every objective listed here, with its description.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from recommender.knowledge.practices import COBENEFIT_MAX, COBENEFITS
from recommender.recommend.practice_arrays import PracticeArrays

#: Costs below this (USD/ha/yr, net savings included) count as this much in
#: ``cost``: a practice that saves money would otherwise divide by zero or
#: rank by the size of its saving rather than its carbon.
MIN_COST_USD = 1.0


@dataclass(frozen=True)
class Scored:
    """A set of candidates, grouped by farm, as objectives read them.

    ``expected`` and ``p10`` (t C/ha/yr) and ``code`` (the practice) are
    aligned by candidate; ``start`` gives each farm's first candidate
    (``n + 1`` entries); ``practices`` holds the catalogue's arrays.
    """

    expected: np.ndarray
    p10: np.ndarray
    code: np.ndarray
    start: np.ndarray
    practices: PracticeArrays

    @property
    def middle_cost(self) -> np.ndarray:
        """Middle of each candidate's cost range, USD/ha/yr."""
        return self.practices.middle_cost[self.code]

    @property
    def cobenefit(self) -> np.ndarray:
        """Each candidate's summed co-benefit scores."""
        return self.practices.cobenefit[self.code]

    @cached_property
    def farm_best(self) -> np.ndarray:
        """The best expected gain of each candidate's farm."""
        counts = np.diff(self.start)
        filled = counts > 0
        best = np.zeros(len(counts))
        best[filled] = np.maximum.reduceat(self.expected, self.start[:-1][filled])
        return np.repeat(best, counts)


@dataclass(frozen=True)
class Objective:
    name: str
    description: str
    score: Callable[[Scored], np.ndarray]


def _balanced(scored: Scored) -> np.ndarray:
    best = np.maximum(scored.farm_best, 1e-9)
    return 0.5 * scored.expected / best + 0.5 * scored.cobenefit / (COBENEFIT_MAX * len(COBENEFITS))


OBJECTIVES: dict[str, Objective] = {objective.name: objective for objective in (
    Objective("carbon", "expected gain, t C/ha/yr", lambda s: s.expected),
    Objective("robust", "10 % quantile of the gain: a gain the farm can count on", lambda s: s.p10),
    Objective("cost", f"expected gain per USD/ha/yr of mid-range cost (costs below {MIN_COST_USD:g} USD/ha, "
                      "savings included, count as that)",
              lambda s: s.expected / np.maximum(s.middle_cost, MIN_COST_USD)),
    Objective("balanced", "half the gain relative to the farm's best, half the co-benefit score "
                          "relative to its maximum", _balanced),
)}


def describe_objectives() -> str:
    """``name: description; ...`` for help texts and API docs."""
    return "; ".join(f"{o.name}: {o.description}" for o in OBJECTIVES.values())
