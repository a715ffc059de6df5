"""Integer codes of the distinct combinations of several columns."""

from collections.abc import Sequence

import numpy as np
import pandas as pd


def distinct(columns: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of equal-length ``columns`` (arrays or Series of
    any hashable cells, missing values included).

    Returns
    -------
    codes : numpy.ndarray of int64
        Each row's combination, numbered 0, 1, ... in order of first appearance.
    first : numpy.ndarray of int64
        The position of each combination's first row.
    """
    combined: np.ndarray | None = None
    for column in columns:
        codes = pd.factorize(column, use_na_sentinel=False)[0].astype(np.int64)
        # Re-numbering after each column keeps the running code below the row
        # count, so any number of columns fits in 64 bits.
        combined = codes if combined is None else pd.factorize(combined * (codes.max(initial=0) + 1) + codes)[0]
    if combined is None:
        raise ValueError("distinct needs at least one column")
    # Codes follow first appearance, so the distinct codes come out as 0, 1, ...
    _, first = np.unique(combined, return_index=True)
    return combined, first
