"""Integer codes of the distinct combinations of several columns."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Up to this many rows of integers (one farm's candidates, in the service), a
#: dict finds the combinations several times faster than pandas' hashing.
FEW_ROWS = 64


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
    if len(columns) and len(columns[0]) <= FEW_ROWS and all(
            isinstance(c, np.ndarray) and c.dtype.kind in "iu" for c in columns):
        return _distinct_few([c.tolist() for c in columns])
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


def _distinct_few(columns: list[list]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`distinct` of a few rows of hashable values (no NaN)."""
    found: dict[tuple, int] = {}
    codes: list[int] = []
    first: list[int] = []
    for row, values in enumerate(zip(*columns)):
        code = found.setdefault(values, len(found))
        if code == len(first):
            first.append(row)
        codes.append(code)
    return np.array(codes, dtype=np.int64), np.array(first, dtype=np.int64)
