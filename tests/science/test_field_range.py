"""What one field may see around an expected gain (recommender/data/field_range.csv)."""

import numpy as np
import pytest

from recommender.science.field_range import field_range


def test_the_fitted_spread_around_the_expected_gain(kb):
    spread = kb.field_range
    assert 0.75 <= spread["heldout_coverage"] <= 0.85  # the target: 80 +/- 5 %
    # Constant spread: p10 = 0.2 - 0.741573, p90 = 0.2 + 1.95623 (below the headroom of 5).
    low, high = field_range(kb, np.array([0.2]), np.array([0.1]), np.array([0.3]), np.array([50.0]),
                            np.array([5.0]))
    assert low[0] == pytest.approx(0.2 + spread["p10_intercept"]) and spread["p10_intercept"] < 0
    assert high[0] == pytest.approx(0.2 + spread["p90_intercept"]) and spread["p90_intercept"] > 0


def test_never_above_the_capacity_nor_narrower_than_the_interval(kb):
    expected, headroom = np.array([0.3, 0.3, 0.5]), np.array([0.5, 0.3, 9.0])
    p10, p90 = np.array([0.2, 0.2, -1.5]), np.array([0.4, 0.3, 2.8])
    low, high = field_range(kb, expected, p10, p90, np.array([40.0, 40.0, 40.0]), headroom)
    assert high[0] == 0.5  # capped at the headroom
    assert high[1] == 0.3  # at capacity: nothing more to gain
    # A wide interval of the mean (-1.5 .. 2.8) is wider than the spread between fields.
    assert (low[2], high[2]) == (-1.5, 2.8)
    assert (low <= p10).all() and (p90 <= high).all()
