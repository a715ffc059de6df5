"""The main paths over real HTTP, against ``recommender serve``."""

import re

from recommender.knowledge import load_knowledge_base


def test_health_and_readiness(server, small_registry):
    assert server.get("/healthz").json() == {"status": "ok"}
    ready = server.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["model_version"] == small_registry.in_service_version()


def test_readme_farm_gets_a_ranked_list(server, small_registry, farm):
    response = server.post("/v1/recommendations", json=farm)
    assert response.status_code == 200
    answer = response.json()
    assert answer["farm_id"] == farm["farm_id"]
    recommendations = answer["recommendations"]
    assert [r["rank"] for r in recommendations] == list(range(1, 6))
    gains = [r["expected_gain_t_c_ha_yr"] for r in recommendations]
    assert gains == sorted(gains, reverse=True)
    assert not set(farm["current_practices"]) & {r["practice_id"] for r in recommendations}
    assert answer["model"]["version"] == small_registry.in_service_version()


def test_options_change_the_ranking(server, farm):
    answer = server.post("/v1/recommendations", json={**farm, "objective": "cost", "top_k": 3,
                                                      "bundle_size": 0}).json()
    assert len(answer["recommendations"]) == 3 and answer["bundle"] is None
    practices = load_knowledge_base().practices
    per_usd = [r["expected_gain_t_c_ha_yr"] / max((r["cost"]["usd_ha_min"] + r["cost"]["usd_ha_max"]) / 2, 1)
               for r in answer["recommendations"]]
    assert per_usd == sorted(per_usd, reverse=True)
    assert all(r["practice_id"] in practices for r in answer["recommendations"])


def test_batch_with_a_bad_farm_in_the_middle(server, farm):
    farms = [farm, {**farm, "farm_id": "bad", "degradation": "ruined"}, {**farm, "farm_id": "third"}]
    response = server.post("/v1/recommendations/batch", json={"farms": farms, "top_k": 2})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["ok", "invalid", "ok"]
    assert results[1]["farm_id"] == "bad" and results[1]["answer"] is None
    assert results[1]["errors"][0]["field"] == "degradation"
    assert "severe" in results[1]["errors"][0]["allowed"]
    assert results[2]["answer"]["farm_id"] == "third" and len(results[2]["answer"]["recommendations"]) == 2


def test_catalogue_and_model(server, small_registry):
    practices = server.get("/v1/practices").json()
    assert {p["id"] for p in practices} == set(load_knowledge_base().practices)
    model = server.get("/v1/model").json()
    assert model["version"] == small_registry.in_service_version()
    assert model["manifest"]["artifact"]["sha256"]


def test_oversize_body_is_refused(server):
    response = server.post("/v1/recommendations", content=b" " * 2_000_000,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_docs_work_offline(server):
    """/docs loads Swagger UI from the service itself, never from another host."""
    page = server.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert server.get(asset).status_code == 200, asset
    assert "openapi.json" in page.text and server.get("/openapi.json").status_code == 200
