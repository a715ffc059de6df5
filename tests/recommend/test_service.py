import dataclasses
import json
import shutil

import pytest

from recommender.model.registry import ModelRegistry
from recommender.recommend.options import Options
from recommender.recommend.service import ModelService


@pytest.fixture
def registry(small_registry, tmp_path):
    """A private copy of the small registry (tests here promote and damage models)."""
    shutil.copytree(small_registry.root, tmp_path / "models")
    return ModelRegistry(tmp_path / "models")


def save_variant(registry: ModelRegistry, model, tag: str) -> str:
    """Save ``model`` again as a new version (a distinct artifact, same predictions)."""
    variant = dataclasses.replace(model, feature_schema={**model.feature_schema, "variant": tag})
    return registry.save(variant, data_fingerprint=tag, metrics={})


def test_loads_the_model_in_service_once(registry, engine):
    service = ModelService(registry, engine)
    assert service.refresh() is True
    assert service.current.version == registry.in_service_version()
    assert service.refresh() is False


def test_follows_a_promotion(registry, engine, small_model):
    service = ModelService(registry, engine)
    service.refresh()
    first = service.current
    registry.promote(save_variant(registry, small_model.model, "second"))
    assert service.refresh() is True
    assert service.current.version == registry.in_service_version() != first.version


def test_a_model_that_fails_to_load_leaves_the_old_one_serving(registry, engine, small_model, caplog):
    service = ModelService(registry, engine)
    service.refresh()
    serving = service.current
    damaged = save_variant(registry, small_model.model, "damaged")
    manifest = registry.root / damaged / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format_version": 99}))
    (registry.root / "IN_SERVICE").write_text(damaged + "\n")
    assert service.refresh() is False
    assert service.current is serving
    assert "format 99" in service.last_error and "could not load model" in caplog.text


def test_builds_a_model_when_none_is_in_service(tmp_path, engine, small_model):
    registry = ModelRegistry(tmp_path / "empty")
    service = ModelService(registry, engine, build=lambda r: save_variant(r, small_model.model, "built"))
    assert service.refresh() is True
    assert registry.in_service_version() == service.current.version


def test_without_a_model_or_a_builder_nothing_is_served(tmp_path, engine):
    service = ModelService(ModelRegistry(tmp_path / "empty"), engine)
    assert service.refresh() is False
    assert service.current is None and "no model in service" in service.last_error


def test_batch_answers_good_farms_and_reports_bad_ones_in_place(registry, engine):
    service = ModelService(registry, engine)
    service.refresh()
    good = {"farm_id": "a", "climate_zone": "tropical_dry", "soil_texture": "loam", "land_use": "grassland"}
    bad = {**good, "farm_id": "b", "soil_texture": "gravel"}
    results = service.current.recommend_batch([good, bad, good], Options(top_k=2))
    assert [r["status"] for r in results] == ["ok", "invalid", "ok"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[1]["farm_id"] == "b" and results[1]["errors"][0]["field"] == "soil_texture"
    assert len(results[0]["answer"].recommendations) == 2
