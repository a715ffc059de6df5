"""Distinct combinations of columns, by either path (a few rows or many)."""

import numpy as np
import pytest

from recommender.arrays import FEW_ROWS, distinct


def first_appearance(*columns):
    """The oracle: number each combination in order of first appearance."""
    seen: dict = {}
    codes = [seen.setdefault(row, len(seen)) for row in zip(*columns)]
    return codes, [codes.index(code) for code in range(len(seen))]


@pytest.mark.parametrize("rows", [1, 7, FEW_ROWS, FEW_ROWS + 1, 500])
def test_codes_follow_first_appearance(rows):
    rng = np.random.default_rng(rows)
    a, b = rng.integers(0, 3, rows), rng.integers(0, 4, rows)
    codes, first = distinct([a, b])
    want_codes, want_first = first_appearance(a.tolist(), b.tolist())
    assert codes.tolist() == want_codes
    assert first.tolist() == want_first


def test_missing_values_are_one_value():
    codes, first = distinct([np.array([1.0, np.nan, np.nan, 1.0]), np.array(["a", None, None, "a"], dtype=object)])
    assert codes.tolist() == [0, 1, 1, 0] and first.tolist() == [0, 1]
