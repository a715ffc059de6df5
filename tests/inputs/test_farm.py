"""Validation of the farm context: every refusal names the field and how to fix it."""

import pytest
from pydantic import ValidationError

from recommender.inputs.errors import error_records
from recommender.inputs.farm import FarmContext

VALID = {"climate_zone": "cool_temperate_moist", "soil_texture": "loam", "land_use": "cropland"}


def _errors(**changes):
    with pytest.raises(ValidationError) as info:
        FarmContext(**(VALID | changes))
    return error_records(info.value)


def test_defaults_are_the_ipcc_baseline():
    context = FarmContext(**VALID)
    assert context.current_practices == ()
    assert context.degradation == "none"
    assert context.resolved_soil_class == "HAC"


@pytest.mark.parametrize(
    "field, value, listed",
    [
        ("climate_zone", "mediterranean", "tropical_montane"),
        ("soil_texture", "sandy", "loamy_sand"),
        ("land_use", "forest", "paddy_rice"),
        ("degradation", "bad", "moderate"),
        ("soil_class", "peat", "volcanic"),
    ],
)
def test_bad_category_names_field_and_allowed_values(field, value, listed):
    [record] = _errors(**{field: value})
    assert record["field"] == field
    assert listed in record["allowed"]


@pytest.mark.parametrize("field, value", [("soc_t_ha", -3), ("clay_pct", 140), ("area_ha", 0)])
def test_out_of_range_numbers_are_refused(field, value):
    [record] = _errors(**{field: value})
    assert record["field"] == field


def test_unknown_practice_lists_catalogue():
    [record] = _errors(current_practices=["no_till", "magic_dust"])
    assert record["field"] == "current_practices"
    assert "magic_dust" in record["problem"] and "no_till" in record["allowed"]


def test_contradictory_practices_are_refused_with_reason():
    [record] = _errors(current_practices=["no_till", "reduced_tillage"])
    assert "conflict" in record["problem"]


def test_practice_of_another_land_use_is_refused():
    [record] = _errors(current_practices=["silvopasture"])
    assert "do not apply to land_use 'cropland'" in record["problem"]


def test_missing_reference_stock_asks_for_a_measurement():
    [record] = _errors(climate_zone="tropical_moist", soil_class="spodic")
    assert record["field"] == "soc_t_ha"
    assert "no reference stock for spodic soils in tropical_moist" in record["problem"]
    FarmContext(**(VALID | {"climate_zone": "tropical_moist", "soil_class": "spodic", "soc_t_ha": 80}))


def test_unknown_field_is_refused():
    [record] = _errors(colour="red")
    assert record["field"] == "colour"
