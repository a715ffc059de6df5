"""recommender.inputs.climate_zone: the IPCC 2019 climate-zone decision rule, hand-checked."""

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from recommender.inputs.climate_zone import (
    ClimateNormals,
    climate_zone_answer,
    climate_zone_table,
    holdridge_pet_mm,
    ipcc_climate_zone,
    turc_pet_mm,
)
from recommender.vocabulary import ClimateZone

#: Saskatoon Diefenbaker Intl A, Environment Canada Canadian Climate Normals
#: 1971-2000, monthly means January..December (MAT 2.2 C), as recorded in
#: /work/research/rothc_drivers.csv (row cool_temperate_dry.tmean_c).
SASKATOON_MONTHS = [-17.0, -13.0, -5.8, 4.4, 11.5, 16.0, 18.2, 17.3, 11.2, 4.5, -6.2, -14.3]
#: Rothamsted long-term monthly means of the RothC_Py example input (Coleman,
#: Prout & Milne 2024), same file (row cool_temperate_moist.tmean_c).
ROTHAMSTED_MONTHS = [3.73, 3.08, 5.49, 7.4, 10.94, 14.4, 16.28, 16.24, 13.78, 9.51, 6.22, 4.09]
#: Montpellier-Frejorgues, Meteo-France 1991-2020 as recalled in the same file
#: (row warm_temperate_dry.tmean_c, marked recalled_unverified; Jan 7 and Jul 24 C checked).
MONTPELLIER_MONTHS = [7.1, 8.0, 10.9, 13.4, 17.1, 21.2, 24.1, 23.7, 19.8, 15.9, 10.8, 7.8]


def zone(*args, **kwargs):
    return ipcc_climate_zone(*args, **kwargs).iloc[0]


def row(*args, **kwargs):
    return climate_zone_table(*args, **kwargs).iloc[0]


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
        # tropical needs MAT > 18; Turc PET 300 + 25 x 18 + 0.05 x 18^3 = 1041.6 < 1200: moist
        (18.0, 1200.0, 100.0, "warm_temperate_moist"),
        # warm temperate needs MAT > 10; Turc PET 300 + 250 + 50 = 600 < 800: moist
        (10.0, 800.0, 100.0, "cool_temperate_moist"),
    ],
)
def test_decision_rule(mat, rain, elevation, expected):
    assert zone(mat, rain, elevation) == expected


# The seven stations of issue 9. MAT (C), MAP (mm), elevation (m) as the issue
# gives them; elevations it leaves out are from the station records of
# /work/research/rothc_drivers.csv (Niamey 223 m, Manaus 92 m), and the
# extratropical ones only matter for the tropics. Astana: MAT 3.5 C, MAP 318 mm
# (pogodaiklimat.ru/climate/35188.htm, as quoted by Russian Wikipedia,
# "Климат Астаны"; secondary), elevation 347 m (research note, recalled).
# Turc PET = 300 + 25 T + 0.05 T^3:
#   Saskatoon   T 3.3: 300 + 82.5 + 1.797 = 384.3;   350 / 384.3 = 0.91 -> dry (borderline)
#   Astana      T 3.5: 300 + 87.5 + 2.144 = 389.6;   318 / 389.6 = 0.82 -> dry
#   Rothamsted  T 9.5: 300 + 237.5 + 42.87 = 580.4;  700 / 580.4 = 1.21 -> moist
#   Montpellier T 15:  300 + 375 + 168.75 = 843.75;  630 / 843.75 = 0.75 -> dry
# The tropical ones use no PET.
STATIONS = [
    ("Saskatoon", 3.3, 350.0, 480.0, "cool_temperate_dry", 384.297, True),
    ("Astana", 3.5, 318.0, 347.0, "cool_temperate_dry", 389.644, False),
    ("Rothamsted", 9.5, 700.0, 128.0, "cool_temperate_moist", 580.369, False),
    ("Montpellier", 15.0, 630.0, 5.0, "warm_temperate_dry", 843.75, False),
    ("Kampala", 21.5, 1290.0, 1190.0, "tropical_montane", None, False),
    ("Niamey", 29.0, 540.0, 223.0, "tropical_dry", None, False),
    ("Manaus", 27.0, 2300.0, 92.0, "tropical_wet", None, False),
]


@pytest.mark.parametrize("name, mat, rain, elevation, expected, pet, borderline", STATIONS)
def test_stations_of_known_zone_from_mat_alone(name, mat, rain, elevation, expected, pet, borderline):
    result = row(mat, rain, elevation)
    assert result["climate_zone"] == expected, result["rule"]
    assert result["borderline"] == borderline
    if pet is None:
        assert np.isnan(result["pet_mm"]) and result["pet_method"] is None
    else:
        assert result["pet_mm"] == pytest.approx(pet, abs=1e-3)
        assert result["pet_method"] == "turc_annual"
        assert result["moist_ratio"] == pytest.approx(rain / pet, abs=1e-4)


def test_stations_vectorised_in_one_call():
    names, mat, rain, elevation, expected, _, _ = zip(*STATIONS)
    assert ipcc_climate_zone(list(mat), list(rain), list(elevation)).tolist() == list(expected)


def test_turc_proxy_decides_when_only_mat_is_given():
    assert turc_pet_mm(15.0) == pytest.approx(843.75)
    assert zone(15.0, 850.0) == "warm_temperate_moist"
    assert zone(15.0, 840.0) == "warm_temperate_dry"
    # 300 + 200 + 25.6 = 525.6 mm
    assert turc_pet_mm(8.0) == pytest.approx(525.6)
    assert zone(8.0, 530.0) == "cool_temperate_moist"
    assert zone(8.0, 520.0) == "cool_temperate_dry"
    # L(-10) = 300 - 250 - 50 = 0, and L is floored at 0 below: any rain is moist
    assert turc_pet_mm([-10.0, -20.0]).tolist() == [0.0, 0.0]
    cold = row(-12.0, 50.0)
    assert cold["climate_zone"] == "boreal_moist" and np.isnan(cold["moist_ratio"])
    assert "PET = 0 mm, MAP 50 mm → moist" in cold["rule"]


def test_monthly_temperatures_give_holdridge_pet():
    # Saskatoon: months above 0 C sum to 4.4 + 11.5 + 16 + 18.2 + 17.3 + 11.2 + 4.5 = 83.1;
    # biotemperature 83.1 / 12 = 6.925 C; PET 58.93 x 6.925 = 408.09 mm; 350 / 408.09 = 0.86 -> dry
    assert holdridge_pet_mm(SASKATOON_MONTHS) == pytest.approx(58.93 * 83.1 / 12)
    result = row(3.3, 350.0, 480.0, monthly_temperature_c=SASKATOON_MONTHS)
    assert result["climate_zone"] == "cool_temperate_dry"
    assert result["pet_method"] == "holdridge_monthly"
    assert result["pet_mm"] == pytest.approx(408.09, abs=0.01)
    assert not result["borderline"]  # 0.86 < 0.9
    # Rothamsted: every month above 0 C, biotemperature = mean = 9.263 C; PET 545.9; 700 / 545.9 = 1.28 -> moist
    assert zone(9.5, 700.0, 128.0, monthly_temperature_c=ROTHAMSTED_MONTHS) == "cool_temperate_moist"
    # Montpellier: every month in 0-30 C, biotemperature 179.8 / 12 = 14.98 C; PET 883.0; 630 / 883 = 0.71 -> dry
    assert zone(15.0, 630.0, 5.0, monthly_temperature_c=MONTPELLIER_MONTHS) == "warm_temperate_dry"
    # months above 30 C count as 30: 58.93 x 30
    assert holdridge_pet_mm([35.0] * 12) == pytest.approx(58.93 * 30)


def test_monthly_temperatures_per_site_and_missing_months():
    months = np.array([SASKATOON_MONTHS, ROTHAMSTED_MONTHS, [np.nan] + ROTHAMSTED_MONTHS[1:]])
    table = climate_zone_table([3.3, 9.5, 9.5], [350.0, 700.0, 700.0], monthly_temperature_c=months)
    # a site with a month missing falls back to Turc's L(MAT)
    assert table["pet_method"].tolist() == ["holdridge_monthly", "holdridge_monthly", "turc_annual"]
    with pytest.raises(ValueError, match=r"12 values per site.*got shape \(11,\)"):
        ipcc_climate_zone(3.3, 350.0, monthly_temperature_c=SASKATOON_MONTHS[:11])


def test_months_decide_polar_or_boreal():
    # Iqaluit-like months: warmest 8.2 C < 10 -> polar; the same site with a 12 C July is boreal
    tundra = [-27.5, -28.0, -23.8, -14.8, -4.4, 3.6, 8.2, 6.9, 2.2, -4.9, -12.8, -22.5]
    assert zone(-9.8, 423.0, monthly_temperature_c=tundra) == "polar_moist"
    assert zone(-9.8, 423.0, monthly_temperature_c=tundra[:6] + [12.0] + tundra[7:]) == "boreal_moist"
    # a given warmest month wins over the months
    assert zone(-9.8, 423.0, monthly_temperature_c=tundra, warmest_month_c=12.0) == "boreal_moist"


def test_given_pet_overrides_the_estimates():
    # Saskatoon with PET 300 mm: 350 / 300 = 1.17 -> moist, whatever the temperatures say
    result = row(3.3, 350.0, 480.0, pet_mm=300.0, monthly_temperature_c=SASKATOON_MONTHS)
    assert result["climate_zone"] == "cool_temperate_moist" and result["pet_method"] == "given"
    assert zone(15.0, 800.0, 100.0, pet_mm=600.0) == "warm_temperate_moist"
    assert zone(15.0, 800.0, 100.0, pet_mm=1000.0) == "warm_temperate_dry"
    assert zone(5.0, 500.0, 100.0, pet_mm=700.0) == "cool_temperate_dry"
    # element by element: a missing PET takes the proxy (Turc 843.75 < 900: moist)
    out = ipcc_climate_zone([15.0, 15.0], [900.0, 900.0], pet_mm=[np.nan, 1200.0]).tolist()
    assert out == ["warm_temperate_moist", "warm_temperate_dry"]


def test_rule_text_names_the_numbers():
    assert row(3.3, 350.0, 480.0)["rule"] == (
        "MAT 3.3 °C in (0, 10] → cool temperate; MAP/PET = 350/384 = 0.91 ≤ 1 → dry "
        "(PET: Turc's L(T) from MAT); borderline: MAP/PET within 0.9-1.1"
    )
    assert row(21.5, 1290.0, 1190.0)["rule"] == (
        "MAT 21.5 °C > 18 and frost days not given (taken as frost-free) → tropical; elevation 1190 m > 1000 → montane"
    )
    assert "MAP 2300 mm > 2000 → wet" in row(27.0, 2300.0, 92.0)["rule"]
    assert "30 frost days > 7 → warm temperate" in row(19.0, 1500.0, 100.0, frost_days=30)["rule"]
    assert "warmest month 6 °C < 10 → polar" in row(-8.0, 100.0, pet_mm=150.0, warmest_month_c=6.0)["rule"]
    assert "(PET given)" in row(15.0, 800.0, pet_mm=600.0)["rule"]
    assert "biotemperature from the 12 months" in row(3.3, 350.0, monthly_temperature_c=SASKATOON_MONTHS)["rule"]


def test_borderline_band_is_inclusive_and_extratropical_only():
    table = climate_zone_table([15.0] * 5, [899.0, 900.0, 1000.0, 1100.0, 1101.0], pet_mm=1000.0)
    assert table["borderline"].tolist() == [False, True, True, True, False]
    assert table["climate_zone"].tolist()[1:3] == ["warm_temperate_dry", "warm_temperate_dry"]  # 1.0 is not > 1
    assert not row(25.0, 1000.0, 100.0, pet_mm=1000.0)["borderline"]  # tropical: PET not used


def test_boreal_polar_and_frost():
    assert zone(-2.0, 400.0) == "boreal_moist"  # MAT only: boreal; Turc 300 - 50 - 0.4 = 249.6 < 400
    assert zone(-2.0, 200.0) == "boreal_dry"  # 200 < 249.6
    assert zone(-2.0, 300.0, pet_mm=400.0) == "boreal_dry"
    assert zone(-8.0, 250.0, pet_mm=150.0, warmest_month_c=6.0) == "polar_moist"
    assert zone(-8.0, 100.0, pet_mm=150.0, warmest_month_c=6.0) == "polar_dry"
    assert zone(-3.0, 400.0, warmest_month_c=16.0) == "boreal_moist"
    assert zone(19.0, 1500.0, 100.0, frost_days=30) == "warm_temperate_moist"


def test_missing_inputs_give_missing_zone():
    table = climate_zone_table(
        [np.nan, 12.0, 25.0, 12.0], [800.0, np.nan, 1500.0, 800.0], [100.0, 100.0, np.nan, np.nan]
    )
    # no MAT; no MAP; tropical without elevation (montane undecidable); temperate needs no elevation
    assert table["climate_zone"].tolist()[:3] == [None, None, None]
    assert table["rule"].tolist()[:2] == ["MAT missing: no zone", "MAP missing: no zone"]
    assert "elevation missing" in table["rule"].iloc[2]
    assert table["climate_zone"].iloc[3] == "warm_temperate_moist"  # Turc 686.4 < 800


def test_vectorised_keeps_index_and_vocabulary():
    mat = pd.Series(np.linspace(-5, 30, 50), index=range(100, 150))
    out = ipcc_climate_zone(mat, 900.0, 200.0)
    assert list(out.index) == list(mat.index)
    assert set(out) <= {z.value for z in ClimateZone}
    assert list(climate_zone_table(mat, 900.0, 200.0).index) == list(mat.index)


def test_answer_of_one_site():
    answer = climate_zone_answer(ClimateNormals(mat_c=3.3, map_mm=350.0, elevation_m=480.0))
    assert (answer.climate_zone, answer.label, answer.pet_method) == ("cool_temperate_dry", "Cool temperate dry",
                                                                      "turc_annual")
    assert answer.moist_ratio == pytest.approx(0.911, abs=1e-3) and answer.borderline
    tropical = climate_zone_answer(ClimateNormals(mat_c=27.0, map_mm=2300.0, elevation_m=92.0))
    assert (tropical.pet_mm, tropical.pet_method, tropical.moist_ratio) == (None, None, None)


@pytest.mark.parametrize(
    "fields, field, problem",
    [
        ({"mat_c": 27.0, "map_mm": 2300.0}, "elevation_m", "needed at a tropical site"),
        ({"mat_c": 41.0, "map_mm": 300.0}, "mat_c", "less than or equal to 40"),
        ({"mat_c": float("nan"), "map_mm": 300.0}, "mat_c", "finite number"),
        ({"mat_c": 3.3, "map_mm": -1.0}, "map_mm", "greater than or equal to 0"),
        ({"mat_c": 3.3, "map_mm": 350.0, "monthly_temperature_c": [1.0] * 11}, "monthly_temperature_c", "at least 12"),
        ({"mat_c": 3.3, "map_mm": 350.0, "pet_mm": 6000.0}, "pet_mm", "less than or equal to 5000"),
        ({"mat_c": 3.3, "map_mm": 350.0, "elevation": 480.0}, "elevation", "Extra inputs"),
    ],
)
def test_normals_refuse_bad_input_naming_the_field(fields, field, problem):
    with pytest.raises(ValidationError) as caught:
        ClimateNormals(**fields)
    [error] = caught.value.errors()
    assert error["loc"][0] == field and problem in error["msg"]


def test_frost_makes_elevation_optional():
    # 30 frost days: not tropical, so no elevation is needed
    assert ClimateNormals(mat_c=19.0, map_mm=1500.0, frost_days=30).elevation_m is None
