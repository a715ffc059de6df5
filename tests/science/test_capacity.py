"""A soil's SOC ceiling (Georgiou et al. 2022 over 0-30 cm), by hand."""

import pytest

from recommender.science.capacity import capacity_t_c_ha


def test_loam_by_hand(kb):
    # Loam: 40 % silt + 18 % clay, 1.47 g/cm3. 0.86 g C/kg per % x 58 % / 0.66 = 75.58 g C/kg SOC;
    # x 1.47 x 30 cm / 10 = 333.3 t C/ha
    assert capacity_t_c_ha(kb, "loam", "HAC", "cool_temperate_moist") == pytest.approx(
        0.86 * 58 / 0.66 * 1.47 * 3, rel=1e-9)


def test_weathered_lac_soils_hold_less(kb):
    # Low-activity minerals: 0.48 instead of 0.86 g C/kg per % silt + clay.
    hac = capacity_t_c_ha(kb, "loam", "HAC", "tropical_moist")
    assert capacity_t_c_ha(kb, "loam", "LAC", "tropical_moist") == pytest.approx(hac * 0.48 / 0.86)


def test_sand_is_held_at_one_and_a_half_reference_stocks(kb):
    # Sand: (5 + 3) % x 0.86 / 0.66 x 1.43 x 3 = 44.7 t C/ha, above 1.5 x IPCC's sandy reference
    # stock of the warm temperate dry zone (1.5 x 10 = 15) and below that of the tropical wet
    # zone (1.5 x 46 = 69), where the floor holds.
    ceiling = 8 * 0.86 / 0.66 * 1.43 * 3
    assert capacity_t_c_ha(kb, "sand", "sandy", "warm_temperate_dry") == pytest.approx(ceiling)
    assert capacity_t_c_ha(kb, "sand", "sandy", "tropical_wet") == pytest.approx(69.0)


def test_finer_soils_hold_more(kb):
    order = ["sand", "loamy_sand", "sandy_loam", "loam", "silt_loam"]
    ceilings = [capacity_t_c_ha(kb, t, "HAC", "cool_temperate_moist") for t in order]
    assert ceilings == sorted(ceilings)
