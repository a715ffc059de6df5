"""The IPCC Tier 1 management state of a field and how practices change it.

A state names one level per dimension of Tables 5.5 / 6.2. The factors that
apply depend on the land use (IPCC 2019 Vol. 4 Ch. 5 and 6):

* long-term cultivated and paddy rice: F_LU x F_MG(tillage) x F_I(input);
* perennial / tree crops: F_LU x F_I(input) (tillage factors are defined for
  annual crops);
* set-aside: F_LU only;
* grassland: F_MG(condition) x F_I(input, improved grassland only).

**Cropland input, credited once.** IPCC's input levels (low < medium < high
without manure < high with manure) are read as an ordinal scale of the
field's total carbon input. A practice raises it in one of three ways:

* a *floor*: residues returned where they were removed (degraded cropland
  is at "low"), so the level is at least medium;
* a *residue step*: more plant carbon grown on the field (cover crops, green
  manure, legume rotation, irrigation, water harvesting: the practices IPCC
  lists inside "high input without manure");
* an *amendment step*: organic matter brought in (manure, compost, mulch).

Each kind of step counts once however many practices provide it (cover crops
plus green manure is one residue step; manure plus compost one amendment
step), and a step moves one level from where the field is: manure on a
medium-input field credits medium -> high, not the two levels of
"high input with manure" (which IPCC defines as high residue input plus
manure). The level is ``max(baseline, floors) + steps``, capped at the top,
whatever the order the practices come in.

Practices that IPCC's tables do not cover (agroforestry, hedgerows) add a
*relative effect*: a factor on the equilibrium stock
(``recommender/data/relative_effects.csv``), held in :attr:`State.effects`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from recommender.knowledge import KnowledgeBase, Practice
from recommender.vocabulary import Degradation, LandUse

#: Ordinal dimensions: when two practices set one, the higher level holds.
ORDER = {
    "input": ("low", "medium", "high_without_manure", "high_with_manure"),
    "grassland_input": ("medium", "high"),
    "grassland_management": (
        "severely_degraded",
        "moderately_degraded",
        "nominally_managed",
        "improved",
    ),
}
REFERENCE = {"tillage": "full_tillage", "input": "medium"}
INPUT_STEPS = ("residue", "amendment")


@dataclass(frozen=True)
class State:
    """One level per IPCC dimension (``None`` where the land use has none),
    the input steps taken and the relative effects in place."""

    land_use: str
    tillage: str | None = None
    input_base: str | None = None
    grassland_management: str | None = None
    grassland_input: str | None = None
    input_floor: str | None = None
    input_steps: frozenset[str] = frozenset()
    effects: frozenset[str] = frozenset()

    @property
    def system(self) -> str:
        return "grassland" if self.land_use == "grassland" else "cropland"

    @property
    def input(self) -> str | None:
        """The cropland input level: ``max(base, floor) + steps``, capped at the top."""
        if self.input_base is None:
            return None
        levels = ORDER["input"]
        start = max(levels.index(self.input_base), levels.index(self.input_floor or self.input_base))
        return levels[min(start + len(self.input_steps), len(levels) - 1)]

    def factor_keys(self) -> tuple[tuple[str, str, str], ...]:
        """The ``(system, factor, level)`` of F_LU, F_MG and F_I in this state."""
        if self.system == "grassland":
            management = self.grassland_management or "nominally_managed"
            inputs = self.grassland_input if management == "improved" else "medium"
            return (
                ("grassland", "F_LU", "grassland"),
                ("grassland", "F_MG", management),
                ("grassland", "F_I", inputs or "medium"),
            )
        tillage = REFERENCE["tillage"]
        inputs = REFERENCE["input"]
        if self.land_use in ("long_term_cultivated", "paddy_rice"):
            tillage = self.tillage or tillage
        if self.land_use != "set_aside":
            inputs = self.input or inputs
        return (
            ("cropland", "F_LU", self.land_use),
            ("cropland", "F_MG", tillage),
            ("cropland", "F_I", inputs),
        )


def baseline_state(kb: KnowledgeBase, land_use: LandUse, degradation: Degradation) -> State:
    """The Tier 1 state of a field with no improved practice."""
    row = kb.land_uses.loc[LandUse(land_use).value]
    lowered = kb.degradation.loc[Degradation(degradation).value]
    if row["ipcc_land_use"] == "grassland":
        return State(
            land_use="grassland",
            grassland_management=lowered["grassland_management"],
            grassland_input=row["baseline_grassland_input"] or "medium",
        )
    return State(
        land_use=row["ipcc_land_use"],
        tillage=row["baseline_tillage"] or None,
        input_base=lowered["cropland_input"] or row["baseline_input"] or None,
    )


def _raise(dimension: str, current: str | None, new: str) -> str:
    order = ORDER.get(dimension)
    if order is None or current is None:
        return new
    return max(current, new, key=order.index)


def apply_practices(state: State, practices: Iterable[Practice]) -> State:
    """The state after adopting ``practices`` (conflicts are checked elsewhere)."""
    for practice in practices:
        state = _adopt(state, practice)
    return state


#: Memo of :func:`_adopt_uncached` by (state, practice object): batch scoring
#: meets the same few hundred states in thousands of contexts. The practice
#: is kept in the value so that its id cannot be reused by another object.
_ADOPTED: dict[tuple[State, int], tuple[Practice, State]] = {}
_ADOPTED_MAX = 100_000


def _adopt(state: State, practice: Practice) -> State:
    key = (state, id(practice))
    hit = _ADOPTED.get(key)
    if hit is not None and hit[0] is practice:
        return hit[1]
    new = _adopt_uncached(state, practice)
    if len(_ADOPTED) < _ADOPTED_MAX:
        _ADOPTED[key] = (practice, new)
    return new


def _adopt_uncached(state: State, practice: Practice) -> State:
    changes = practice.sets
    if "land_use" in changes and changes["land_use"] != state.land_use:
        state = State(land_use=changes["land_use"], effects=state.effects)
        if state.system == "grassland":
            state = replace(state, grassland_management="nominally_managed", grassland_input="medium")
        else:
            state = replace(state, tillage=REFERENCE["tillage"], input_base=REFERENCE["input"])
    updates: dict[str, Any] = {
        dimension: _raise(dimension, getattr(state, dimension), level)
        for dimension, level in changes.items()
        if dimension != "land_use"
    }
    state = replace(state, **updates)
    if practice.input_floor and state.input_base is not None:
        state = replace(state, input_floor=_raise("input", state.input_floor, practice.input_floor))
    if practice.input_step and state.input_base is not None:
        state = replace(state, input_steps=state.input_steps | {practice.input_step})
    if practice.effect:
        state = replace(state, effects=state.effects | {practice.effect})
    return state
