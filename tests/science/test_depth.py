"""recommender.science.depth: the 0-d cm -> 0-30 cm correction."""

import numpy as np
import pytest

from recommender.science.depth import (
    MAX_DEPTH_CM,
    MIN_DEPTH_CM,
    cumulative_fraction,
    depth_factor,
    load_depth_distribution,
    to_reference_depth,
)
from recommender.vocabulary import LandUse


def test_table_has_every_land_use_and_cites_its_source():
    table = load_depth_distribution()
    assert set(table.index) == {u.value for u in LandUse}
    assert table["source"].str.contains("Jobbagy").all()
    assert table["source"].str.contains("Gale & Grigal").all()


def test_beta_reproduces_the_published_top_20_cm_fraction():
    table = load_depth_distribution()
    share = cumulative_fraction(20, table["beta"]) / cumulative_fraction(100, table["beta"])
    np.testing.assert_allclose(share, table["top20_fraction_of_100cm"], atol=1e-3)


@pytest.mark.parametrize("land_use", [u.value for u in LandUse])
def test_30_cm_is_identity(land_use):
    assert to_reference_depth(0.37, 30, land_use)[0] == pytest.approx(0.37)


def test_shallower_scales_up_deeper_scales_down():
    shallow, deep = to_reference_depth([0.2, 0.2], [15, 60], "cropland")
    assert shallow > 0.2 > deep


def test_hand_computed_value():
    beta = load_depth_distribution().loc["cropland", "beta"]
    expected = (1 - beta**30) / (1 - beta**10)
    assert depth_factor(10, "cropland")[0] == pytest.approx(expected)
    assert 2.3 < expected < 2.5  # a 0-10 cm change is about 40 % of the 0-30 cm change


@pytest.mark.parametrize("land_use", [u.value for u in LandUse])
def test_factor_decreases_monotonically_with_depth(land_use):
    depths = np.linspace(MIN_DEPTH_CM, MAX_DEPTH_CM, 200)
    factors = depth_factor(depths, land_use)
    assert np.all(np.diff(factors) < 0)


def test_vectorised_over_land_uses():
    out = to_reference_depth([1.0, 1.0], [10, 10], ["cropland", "perennial_cropland"])
    assert out.shape == (2,)
    assert out[0] != out[1]


@pytest.mark.parametrize("depth", [0, 4.9, 100.5, 300, float("nan")])
def test_out_of_range_depth_is_refused(depth):
    with pytest.raises(ValueError, match="outside the supported 5-100 cm"):
        to_reference_depth(0.3, depth, "cropland")


def test_unknown_land_use_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="unknown land use.*allowed: cropland"):
        to_reference_depth(0.3, 20, "forest")
