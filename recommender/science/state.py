"""The IPCC Tier 1 management state of a field and how practices change it.

A state names one level per dimension of Tables 5.5 / 6.2. The factors that
apply depend on the land use (IPCC 2019 Vol. 4 Ch. 5 and 6):

* long-term cultivated and paddy rice: F_LU x F_MG(tillage) x F_I(input);
* perennial / tree crops: F_LU x F_I(input) (tillage factors are defined for
  annual crops);
* set-aside: F_LU only;
* grassland: F_MG(condition) x F_I(input, improved grassland only).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class State:
    """One level per IPCC dimension; ``None`` where the land use has none."""

    land_use: str
    tillage: str | None = None
    input: str | None = None
    grassland_management: str | None = None
    grassland_input: str | None = None

    @property
    def system(self) -> str:
        return "grassland" if self.land_use == "grassland" else "cropland"

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
        input=lowered["cropland_input"] or row["baseline_input"] or None,
    )


def _raise(dimension: str, current: str | None, new: str) -> str:
    order = ORDER.get(dimension)
    if order is None or current is None:
        return new
    return max(current, new, key=order.index)


def apply_practices(state: State, practices: Iterable[Practice]) -> State:
    """The state after adopting ``practices`` (conflicts are checked elsewhere)."""
    for practice in practices:
        changes: Mapping[str, str] = practice.sets
        if "land_use" in changes and changes["land_use"] != state.land_use:
            state = State(land_use=changes["land_use"])
            if state.system == "grassland":
                state = replace(state, grassland_management="nominally_managed", grassland_input="medium")
            else:
                state = replace(state, tillage=REFERENCE["tillage"], input=REFERENCE["input"])
        updates = {
            dimension: _raise(dimension, getattr(state, dimension), level)
            for dimension, level in changes.items()
            if dimension != "land_use"
        }
        state = replace(state, **updates)
    return state
