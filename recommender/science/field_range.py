"""What one field may see: the between-site spread around an expected gain.

The interval of an expected gain is the uncertainty of a mean effect; one
field departs from the mean by far more (soil, weather, management, the
noise of measuring a stock change). The field range adds to the expected
gain the 10 % and 90 % quantiles of that departure, fitted on paired field
observations (SoilHealthDB, held out by study; ``training/field_range.py``)
as a line in the field's stock::

    p10 = expected + a10 + b10 x stock        p90 = expected + a90 + b90 x stock

never above what the soil's capacity allows and never narrower than the
interval of the expected gain (a field cannot be known better than the mean). The fitted figures and
their source are in ``recommender/data/field_range.csv``.
"""

import numpy as np

from recommender.knowledge import KnowledgeBase


def field_range(kb: KnowledgeBase, expected: np.ndarray, p10: np.ndarray, p90: np.ndarray, stock: np.ndarray,
                headroom: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 10-90 % range (t C/ha/yr) one field may see around ``expected``,
    never narrower than the interval ``[p10, p90]`` of the expected gain."""
    spread = kb.field_range
    low = expected + spread["p10_intercept"] + spread["p10_per_stock"] * stock
    high = expected + spread["p90_intercept"] + spread["p90_per_stock"] * stock
    return np.minimum(low, p10), np.maximum(np.minimum(high, headroom), p90)
