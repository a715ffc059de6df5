"""Schemas and errors, in process: every bad field is a 422 naming it, never a 500."""

import random
import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from recommender.knowledge import load_knowledge_base
from recommender.vocabulary import ClimateZone, Degradation, LandUse, SoilClass, SoilTexture

# (field, bad value, words the problem must contain): one or more per field.
BAD_VALUES = [
    ("farm_id", 42, "string"),
    ("farm_id", "x" * 129, "128"),
    ("climate_zone", "mars", "tropical_montane"),
    ("soil_texture", "gravel", "silt_loam"),
    ("soil_class", "peat", "HAC"),
    ("land_use", "forest", "grassland"),
    ("degradation", "ruined", "severe"),
    ("current_practices", ["ploughing_harder"], "unknown practice"),
    ("current_practices", ["no_till", "reduced_tillage"], "conflict"),
    ("current_practices", ["improved_grazing"], "do not apply"),
    ("current_practices", "no_till", "tuple"),
    ("clay_pct", -1, "greater than or equal to 0"),
    ("clay_pct", 101, "less than or equal to 100"),
    ("soc_t_ha", 0, "greater than or equal to 0.1"),
    ("soc_t_ha", 5e-324, "greater than or equal to 0.1"),
    ("soc_t_ha", 5000, "less than or equal to 1000"),
    ("area_ha", -2, "greater than 0"),
    ("top_k", 0, "greater than or equal to 1"),
    ("top_k", 31, "less than or equal to 30"),
    ("objective", "profit", "carbon"),
    ("horizon_years", 0.5, "greater than or equal to 1"),
    ("horizon_years", 101, "less than or equal to 100"),
    ("bundle_size", -1, "greater than or equal to 0"),
    ("bundle_size", 7, "less than or equal to 6"),
    ("colour", "red", "Extra inputs are not permitted"),
]
ENUM_FIELDS = {"climate_zone", "soil_texture", "soil_class", "land_use", "degradation", "objective"}


@pytest.mark.parametrize("field, value, words", BAD_VALUES,
                         ids=[f"{f}={str(v)[:20]}" for f, v, _ in BAD_VALUES])
def test_bad_value_is_a_422_naming_the_field(client, farm, field, value, words):
    response = client.post("/v1/recommendations", json={**farm, field: value})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"].split(".")[0] == field
    assert words in error["problem"]
    if field in ENUM_FIELDS:
        assert len(error["allowed"]) >= 3 and str(value) not in error["allowed"]


@pytest.mark.parametrize("field", ["climate_zone", "soil_texture", "land_use"])
def test_missing_required_field_is_named(client, farm, field):
    response = client.post("/v1/recommendations", json={k: v for k, v in farm.items() if k != field})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": field, "problem": "Field required", "allowed": None}]


def test_stock_needed_where_ipcc_gives_none(client, farm):
    spodic_tropics = {**farm, "climate_zone": "tropical_dry", "soil_class": "spodic"}
    response = client.post("/v1/recommendations", json=spodic_tropics)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "soc_t_ha"
    assert client.post("/v1/recommendations", json={**spodic_tropics, "soc_t_ha": 40}).status_code == 200


@pytest.mark.parametrize("body", [b"[]", b"null", b'"farm"'])
def test_bodies_that_are_not_an_object_are_422(client, body):
    response = client.post("/v1/recommendations", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "(body)"


def test_batch_limits(client, farm, settings):
    too_many = client.post("/v1/recommendations/batch", json={"farms": [farm] * (settings.max_batch_farms + 1)})
    assert too_many.status_code == 422
    assert too_many.json()["detail"][0]["field"] == "farms"
    empty = client.post("/v1/recommendations/batch", json={"farms": []})
    assert empty.status_code == 422 and empty.json()["detail"][0]["field"] == "farms"
    bad_options = client.post("/v1/recommendations/batch", json={"farms": [farm], "top_k": 99})
    assert bad_options.status_code == 422 and bad_options.json()["detail"][0]["field"] == "top_k"


def test_streamed_oversize_body_is_413(client):
    def chunks():
        for _ in range(40):
            yield b" " * 50_000

    response = client.post("/v1/recommendations", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_unknown_path_and_method(client):
    assert client.get("/v1/nothing").status_code == 404
    assert client.get("/v1/recommendations").status_code == 405


def test_api_keys(small_registry, farm):
    app = create_app(Settings(models_dir=small_registry.root, api_keys=["k-1", "k-2"]))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/recommendations", json=farm).status_code == 401
        assert client.get("/v1/practices", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get("/v1/practices", headers={"X-API-Key": "k-2"}).status_code == 200
        security = client.get("/openapi.json").json()["components"]["securitySchemes"]
        assert security["APIKeyHeader"]["name"] == "X-API-Key"


def test_cors_is_configurable(small_registry):
    app = create_app(Settings(models_dir=small_registry.root, cors_origins=["https://app.example"]))
    with TestClient(app) as client:
        preflight = client.options("/v1/recommendations", headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_not_ready_until_the_model_is_loaded(tmp_path, small_model, farm):
    """With no model in service the default one is built; until then the
    service answers 503 (never 500) and /readyz says why."""
    release = threading.Event()

    def slow_build(registry):
        release.wait(30)
        return registry.save(small_model.model, data_fingerprint="slow", metrics={})

    app = create_app(Settings(models_dir=tmp_path / "models", model_check_seconds=0.1), build=slow_build)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        waiting = client.get("/readyz")
        assert waiting.status_code == 503 and waiting.json()["status"] == "not_ready"
        busy = client.post("/v1/recommendations", json=farm)
        assert busy.status_code == 503 and busy.headers["retry-after"]
        assert client.get("/v1/model").status_code == 503
        release.set()
        for _ in range(100):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
        assert client.post("/v1/recommendations", json=farm).status_code == 200


def random_farms(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    practices = list(load_knowledge_base().practices.values())
    farms = []
    for i in range(count):
        land_use = rng.choice(list(LandUse))
        usable = [p for p in practices if land_use in p.land_uses]
        current = []
        for practice in rng.sample(usable, min(len(usable), rng.randint(0, 3))):
            if not practice.conflicts_with & set(current):
                current.append(practice.id)
        farm = {"farm_id": f"f{i}", "climate_zone": rng.choice(list(ClimateZone)).value,
                "soil_texture": rng.choice(list(SoilTexture)).value, "land_use": land_use.value,
                "degradation": rng.choice(list(Degradation)).value, "current_practices": current,
                "soc_t_ha": round(rng.uniform(5, 300), 2)}
        if rng.random() < 0.3:
            farm["soil_class"] = rng.choice(list(SoilClass)).value
        farms.append(farm)
    return farms


def test_invariants_over_many_farms(client):
    """Intervals contain their expected gain, current practices are never
    recommended, conflicting practices never share a bundle."""
    practices = load_knowledge_base().practices
    answered = 0
    for options in ({"top_k": 30, "bundle_size": 6}, {"objective": "balanced", "top_k": 30, "bundle_size": 4}):
        farms = random_farms(100, seed=len(options))
        results = client.post("/v1/recommendations/batch", json={"farms": farms, **options}).json()["results"]
        for farm, result in zip(farms, results):
            assert result["status"] == "ok", result["errors"]
            answer = result["answer"]
            answered += bool(answer["recommendations"])
            for item in answer["recommendations"] + ([answer["bundle"]] if answer["bundle"] else []):
                low, high = item["interval_t_c_ha_yr"]
                assert low <= item["expected_gain_t_c_ha_yr"] <= high
            recommended = {r["practice_id"] for r in answer["recommendations"]}
            assert not recommended & set(farm["current_practices"])
            if answer["bundle"]:
                bundle = answer["bundle"]["practice_ids"]
                assert not set(bundle) & set(farm["current_practices"])
                assert all(b not in practices[a].conflicts_with for a in bundle for b in bundle)
    assert answered > 150


def test_openapi_documents_every_schema_with_examples(client):
    spec = client.get("/openapi.json").json()
    missing = [name for name, schema in spec["components"]["schemas"].items()
               if "enum" not in schema and not schema.get("examples")]
    assert not missing
    for path in ("/v1/recommendations", "/v1/recommendations/batch"):
        responses = spec["paths"][path]["post"]["responses"]
        assert {"200", "400", "413", "422", "503"} <= set(responses)
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ValidationErrorResponse")
