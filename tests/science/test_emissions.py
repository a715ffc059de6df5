"""Extra N2O and CH4 a practice causes (IPCC 2019 Vol. 4 Ch. 11 and Ch. 5), by hand."""

import pytest

from recommender.science.emissions import ch4_t_co2e, n2o_t_co2e, rice_scaling


def test_manure_n2o_in_a_wet_climate(kb):
    # 170 kg N x (EF1 0.006 + Frac_GASM 0.21 x EF4 0.014 + Frac_LEACH 0.24 x EF5 0.011)
    # = 170 x 0.01158 = 1.9686 kg N2O-N; x 44/28 = 3.0935 kg N2O; x GWP 273 = 844.5 kg CO2e
    assert n2o_t_co2e(kb, ["manure"], "warm_temperate_moist", paddy=False) == pytest.approx(0.8445, abs=1e-4)


def test_manure_n2o_in_a_dry_climate_has_no_leaching(kb):
    # 170 x (EF1 0.005 + 0.21 x EF4 0.005) = 1.0285 kg N2O-N; x 44/28 x 273 / 1000 = 0.4412 t CO2e
    assert n2o_t_co2e(kb, ["manure"], "warm_temperate_dry", paddy=False) == pytest.approx(0.4412, abs=1e-4)


def test_cover_crop_residues_are_not_volatilised(kb):
    # 45 kg N x (0.006 + 0.24 x 0.011) = 0.3888 kg N2O-N; x 44/28 x 273 / 1000 = 0.1668 t CO2e
    assert n2o_t_co2e(kb, ["cover_crops"], "cool_temperate_moist", paddy=False) == pytest.approx(0.1668, abs=1e-4)
    assert n2o_t_co2e(kb, ["no_till"], "cool_temperate_moist", paddy=False) == 0.0  # adds no nitrogen


def test_n2o_of_a_set_is_the_sum(kb):
    alone = [n2o_t_co2e(kb, [p], "tropical_wet", paddy=False) for p in ("manure", "cover_crops")]
    assert n2o_t_co2e(kb, ["manure", "cover_crops"], "tropical_wet", paddy=False) == pytest.approx(sum(alone))


def test_rice_straw_methane(kb):
    # SFo = (1 + 5 t x CFOA 0.19) ** 0.59 = 1.95 ** 0.59 = 1.48292; the season emits
    # 1.19 kg CH4/ha/day x 113 days = 134.47 kg CH4 x (SFo - 1) = 64.94 kg CH4; x GWP 27 = 1.753 t CO2e
    assert rice_scaling(kb, ["rice_straw_management"]) == pytest.approx(1.95 ** 0.59)
    assert ch4_t_co2e(kb, ["rice_straw_management"], []) == pytest.approx(1.753, abs=1e-3)


def test_manure_on_a_paddy_and_on_top_of_straw(kb):
    # (1 + 40 t x 0.21) ** 0.59 = 9.4 ** 0.59 = 3.7513 -> 134.47 x 2.7513 x 27 / 1000 = 9.99 t CO2e
    alone = ch4_t_co2e(kb, ["manure"], [])
    assert alone == pytest.approx(9.99, abs=0.01)
    # With straw already incorporated, SFo goes 1.95 ** 0.59 -> 10.35 ** 0.59: the extra is smaller.
    on_top = ch4_t_co2e(kb, ["manure"], ["rice_straw_management"])
    assert on_top == pytest.approx(134.47 * (10.35 ** 0.59 - 1.95 ** 0.59) * 27 / 1000, rel=1e-3)
    assert on_top < alone
