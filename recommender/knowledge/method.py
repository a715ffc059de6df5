"""Method constants of the Tier 1 calculation, each with its source."""

from collections.abc import Mapping
from types import MappingProxyType

from recommender.knowledge._tables import KnowledgeBaseError, read_table

NAME = "method.csv"
REQUIRED = ("transition_years", "target_fraction_per_year", "co2_per_c", "reference_depth_cm")


def load_method() -> Mapping[str, float]:
    """Parameter name -> value (see ``method.csv`` for units and sources)."""
    frame = read_table(
        NAME,
        {"parameter": "str", "value": "float", "unit": "str", "source": "str", "note": "str?"},
        ["parameter"],
    )
    values = dict(zip(frame["parameter"], frame["value"]))
    missing = [name for name in REQUIRED if name not in values]
    if missing:
        raise KnowledgeBaseError(f"{NAME}: missing parameter(s) {missing}.")
    return MappingProxyType(values)
