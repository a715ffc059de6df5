"""``GET /v1/climate-zone``: answers, 422s naming the field, and one request over real HTTP."""

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from recommender.inputs.climate_zone import ClimateZoneAnswer

SASKATOON = {"mat_c": 3.3, "map_mm": 350, "elevation_m": 480}
#: Environment Canada 1971-2000 monthly means (see tests/inputs/test_climate_zone.py).
SASKATOON_MONTHS = [-17.0, -13.0, -5.8, 4.4, 11.5, 16.0, 18.2, 17.3, 11.2, 4.5, -6.2, -14.3]


def test_mat_only_answer(client):
    response = client.get("/v1/climate-zone", params=SASKATOON)
    assert response.status_code == 200
    answer = response.json()
    assert answer["climate_zone"] == "cool_temperate_dry" and answer["label"] == "Cool temperate dry"
    assert answer["pet_method"] == "turc_annual" and answer["pet_mm"] == pytest.approx(384.297, abs=1e-3)
    assert answer["moist_ratio"] == pytest.approx(350 / 384.297, abs=1e-4) and answer["borderline"] is True
    assert answer["rule"].startswith("MAT 3.3 °C in (0, 10] → cool temperate; MAP/PET = 350/384 = 0.91")
    assert answer["inputs"] == {**SASKATOON, "pet_mm": None, "monthly_temperature_c": None, "frost_days": None,
                                "warmest_month_c": None}
    ClimateZoneAnswer.model_validate(answer)


def test_monthly_temperatures_as_a_repeated_parameter(client):
    params = [*SASKATOON.items(), *(("monthly_temperature_c", t) for t in SASKATOON_MONTHS)]
    answer = client.get("/v1/climate-zone", params=params).json()
    assert (answer["climate_zone"], answer["pet_method"]) == ("cool_temperate_dry", "holdridge_monthly")
    assert answer["pet_mm"] == pytest.approx(408.09, abs=0.01)
    assert answer["inputs"]["monthly_temperature_c"] == SASKATOON_MONTHS


def test_given_pet_wins_and_tropics_use_none(client):
    moist = client.get("/v1/climate-zone", params={**SASKATOON, "pet_mm": 300}).json()
    assert (moist["climate_zone"], moist["pet_method"]) == ("cool_temperate_moist", "given")
    kampala = client.get("/v1/climate-zone", params={"mat_c": 21.5, "map_mm": 1290, "elevation_m": 1190}).json()
    assert kampala["climate_zone"] == "tropical_montane"
    assert (kampala["pet_mm"], kampala["pet_method"], kampala["moist_ratio"]) == (None, None, None)


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"mat_c": 27, "map_mm": 2300}, "elevation_m", "needed at a tropical site"),
        ({"mat_c": "warm", "map_mm": 350}, "mat_c", "valid number"),
        ({"mat_c": "nan", "map_mm": 350}, "mat_c", "finite number"),
        ({"mat_c": "inf", "map_mm": 350}, "mat_c", "finite number"),
        ({"mat_c": 3.3}, "map_mm", "Field required"),
        ({"mat_c": -61, "map_mm": 350}, "mat_c", "greater than or equal to -60"),
        ({"mat_c": 3.3, "map_mm": 15001}, "map_mm", "less than or equal to 15000"),
        ({"mat_c": 3.3, "map_mm": 350, "elevation_m": 9001}, "elevation_m", "less than or equal to 9000"),
        ({"mat_c": 3.3, "map_mm": 350, "pet_mm": -1}, "pet_mm", "greater than or equal to 0"),
        ({"mat_c": 3.3, "map_mm": 350, "monthly_temperature_c": [1, 2, 3]}, "monthly_temperature_c", "at least 12"),
        ({"mat_c": 3.3, "map_mm": 350, "map": 350}, "map", "Extra inputs are not permitted"),
    ],
)
def test_bad_query_is_a_422_naming_the_field(client, params, field, words):
    response = client.get("/v1/climate-zone", params=params)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == field and words in error["problem"], error


def test_thirteen_months_are_refused(client):
    params = [*SASKATOON.items(), *(("monthly_temperature_c", 1) for _ in range(13))]
    [error] = client.get("/v1/climate-zone", params=params).json()["detail"]
    assert error["field"] == "monthly_temperature_c" and "at most 12" in error["problem"]


def test_documented_with_an_example(client):
    schema = client.get("/openapi.json").json()
    get = schema["paths"]["/v1/climate-zone"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"mat_c", "map_mm", "elevation_m", "pet_mm",
                                                      "monthly_temperature_c", "frost_days", "warmest_month_c"}
    answer = schema["components"]["schemas"]["ClimateZoneAnswer"]
    assert answer["examples"][0]["climate_zone"] == "cool_temperate_dry"


def test_needs_the_api_key_when_keys_are_set(small_registry):
    with TestClient(create_app(Settings(models_dir=small_registry.root, api_keys=["k-1"]))) as keyed:
        assert keyed.get("/v1/climate-zone", params=SASKATOON).status_code == 401
        assert keyed.get("/v1/climate-zone", params=SASKATOON, headers={"X-API-Key": "k-1"}).status_code == 200


def test_over_real_http(server):
    response = server.get("/v1/climate-zone", params={"mat_c": 27, "map_mm": 2300, "elevation_m": 92})
    assert response.status_code == 200
    assert response.json()["climate_zone"] == "tropical_wet"
    refused = server.get("/v1/climate-zone", params={"mat_c": 27, "map_mm": 2300})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "elevation_m"
