"""recommender.inputs.climate_zone: the IPCC 2019 climate-zone decision rule, hand-checked."""

import numpy as np
import pandas as pd
import pytest

from recommender.inputs.climate_zone import holdridge_pet_mm, ipcc_climate_zone
from recommender.vocabulary import ClimateZone


def zone(*args, **kwargs):
    return ipcc_climate_zone(*args, **kwargs).iloc[0]


@pytest.mark.parametrize(
    "mat, rain, elevation, expected",
    [
        (27.0, 2300.0, 50.0, "tropical_wet"),  # humid lowland tropics
        (26.0, 1500.0, 300.0, "tropical_moist"),
        (25.0, 700.0, 400.0, "tropical_dry"),  # Sahel
        (20.5, 1000.0, 1500.0, "tropical_montane"),  # East African highlands
        (26.0, 2000.0, 100.0, "tropical_moist"),  # wet needs MAP > 2000
        (26.0, 1000.0, 100.0, "tropical_dry"),  # moist needs MAP > 1000
        (20.0, 1200.0, 1000.0, "tropical_moist"),  # montane needs elevation > 1000
        (18.0, 1200.0, 100.0, "warm_temperate_moist"),  # tropical needs MAT > 18
        (10.0, 800.0, 100.0, "cool_temperate_moist"),  # warm temperate needs MAT > 10
    ],
)
def test_decision_rule(mat, rain, elevation, expected):
    assert zone(mat, rain, elevation) == expected


def test_moist_and_dry_split_on_map_over_pet():
    assert zone(15.0, 800.0, 100.0, pet_mm=600.0) == "warm_temperate_moist"
    assert zone(15.0, 800.0, 100.0, pet_mm=1000.0) == "warm_temperate_dry"
    assert zone(5.0, 500.0, 100.0, pet_mm=700.0) == "cool_temperate_dry"


def test_holdridge_proxy_decides_when_pet_is_missing():
    # PET = 58.93 x 15 = 883.95 mm
    assert holdridge_pet_mm(15.0) == pytest.approx(883.95)
    assert zone(15.0, 900.0) == "warm_temperate_moist"
    assert zone(15.0, 850.0) == "warm_temperate_dry"
    # 58.93 x 8 = 471.4 mm
    assert zone(8.0, 480.0) == "cool_temperate_moist"
    assert zone(8.0, 460.0) == "cool_temperate_dry"
    # a given PET wins over the proxy, element by element
    out = ipcc_climate_zone([15.0, 15.0], [900.0, 900.0], pet_mm=[np.nan, 1200.0]).tolist()
    assert out == ["warm_temperate_moist", "warm_temperate_dry"]


def test_boreal_polar_and_frost():
    assert zone(-2.0, 400.0) == "boreal_moist"  # MAT-only: boreal; proxy PET is 0
    assert zone(-2.0, 300.0, pet_mm=400.0) == "boreal_dry"
    assert zone(-8.0, 250.0, pet_mm=150.0, warmest_month_c=6.0) == "polar_moist"
    assert zone(-8.0, 100.0, pet_mm=150.0, warmest_month_c=6.0) == "polar_dry"
    assert zone(-3.0, 400.0, warmest_month_c=16.0) == "boreal_moist"
    assert zone(19.0, 1500.0, 100.0, frost_days=30) == "warm_temperate_moist"


def test_missing_inputs_give_missing_zone():
    out = ipcc_climate_zone(
        [np.nan, 12.0, 25.0, 12.0], [800.0, np.nan, 1500.0, 800.0], [100.0, 100.0, np.nan, np.nan]
    )
    # no MAT; no MAP; tropical without elevation (montane undecidable); temperate needs no elevation
    assert out.tolist()[:3] == [None, None, None]
    assert out.iloc[3] == "warm_temperate_moist"


def test_vectorised_keeps_index_and_vocabulary():
    mat = pd.Series(np.linspace(-5, 30, 50), index=range(100, 150))
    out = ipcc_climate_zone(mat, 900.0, 200.0)
    assert list(out.index) == list(mat.index)
    assert set(out) <= {z.value for z in ClimateZone}
