"""The model's input row: the one definition of what the gain model sees.

A row describes adopting one practice on one field: the field's categories,
its current IPCC state, the practice, the field's stock and the Tier 1 gain of
the practice there. Every path that feeds the model (training on the
reference set or on observations, the service, batch scoring) builds its rows
with :func:`context_categories` and :class:`Features`.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.inputs.farm import ContextKey
from recommender.science.state import State

CATEGORICAL = (
    "climate_zone",
    "soil_class",
    "land_use",
    "degradation",
    "practice_id",
    "state_tillage",
    "state_input",
    "state_grassland",
)
NUMERIC = ("tier1_gain_t_c_ha_yr", "stock_t_c_ha")
#: The category a missing level (no tillage on grassland, ...) is encoded as.
MISSING = "na"


def context_categories(key: ContextKey, state: State) -> dict[str, str]:
    """The categorical inputs shared by every candidate of a context (all but ``practice_id``)."""
    values = {
        "climate_zone": key.climate_zone,
        "soil_class": key.soil_class,
        "land_use": key.land_use,
        "degradation": key.degradation,
        "state_tillage": state.tillage,
        "state_input": state.input,
        "state_grassland": state.grassland_management,
    }
    return {name: MISSING if value is None else str(value) for name, value in values.items()}


@dataclass(frozen=True)
class Features:
    """Model inputs of ``n`` rows.

    Attributes
    ----------
    categories : mapping
        Each of :data:`CATEGORICAL` -> ``(n,)`` object array of strings.
    tier1_gain : numpy.ndarray
        Tier 1 gain of the practice on the field, t C/ha/yr, ``(n,)``.
    stock : numpy.ndarray
        The field's stock, t C/ha (0-30 cm), ``(n,)``.
    groups : numpy.ndarray
        ``(n,)`` integers, equal where the categories are equal (rows of the
        same practice in the same context), so that a predictor can tell
        identical rows apart cheaply.
    """

    categories: Mapping[str, np.ndarray]
    tier1_gain: np.ndarray
    stock: np.ndarray
    groups: np.ndarray

    def __len__(self) -> int:
        return len(self.tier1_gain)

    def take(self, index: np.ndarray) -> "Features":
        """The rows at ``index``."""
        return Features({name: values[index] for name, values in self.categories.items()},
                        self.tier1_gain[index], self.stock[index], self.groups[index])

    def frame(self) -> pd.DataFrame:
        """The rows as the scikit-learn pipelines read them (one column per input)."""
        return pd.DataFrame({**{name: self.categories[name] for name in CATEGORICAL},
                             NUMERIC[0]: self.tier1_gain, NUMERIC[1]: self.stock})

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Features":
        """Rows of a table holding the columns :data:`CATEGORICAL` and :data:`NUMERIC`
        (training tables); a missing category becomes :data:`MISSING`."""
        categories = {
            name: frame[name].astype(object).where(frame[name].notna(), MISSING).astype(str).to_numpy(object)
            for name in CATEGORICAL
        }
        groups = pd.MultiIndex.from_arrays(list(categories.values())).factorize()[0]
        return cls(categories, frame[NUMERIC[0]].to_numpy(np.float64), frame[NUMERIC[1]].to_numpy(np.float64),
                   groups)
