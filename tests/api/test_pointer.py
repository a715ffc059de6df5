"""A damaged IN_SERVICE pointer never stops the model follower (issue 12, items 2 and 8)."""

import shutil
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from recommender.model.registry import POINTER, ModelRegistry

WAIT_SECONDS = 30


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_follower_survives_any_pointer_and_readyz_says_so(small_registry, small_model, tmp_path, farm,
                                                              start_server):
    root = tmp_path / "models"
    shutil.copytree(small_registry.root, root)
    registry = ModelRegistry(root)
    first = registry.in_service_version()
    second = registry.save(small_model.model, data_fingerprint="second", metrics={})
    with start_server(root, tmp_path / "server.log", RECOMMENDER_MODEL_CHECK_SECONDS="0.1") as base_url, \
            httpx.Client(base_url=base_url) as http:
        for content in (b"\xff\xfe", b"", b"../../etc/passwd", b"no-such-version"):
            (root / POINTER).write_bytes(content)
            ready = _wait_for(lambda: (r := http.get("/readyz").json())["warning"] and r, f"warning for {content}")
            assert ready["status"] == "ready" and ready["model_version"] == first
            assert str(tmp_path) not in ready["warning"] and "promote" in ready["warning"] or \
                "no model 'no-such-version'" in ready["warning"]
            assert http.post("/v1/recommendations", json=farm).json()["model"]["version"] == first
        registry.promote(second)  # repaired: the follower is still there to pick it up
        _wait_for(lambda: http.get("/readyz").json()["model_version"] == second, "the promoted model")
        assert http.get("/readyz").json()["warning"] is None
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log and "Exception in thread" not in log
    assert log.count("is not text (damaged)") == 1  # logged once, not at every check


def test_readyz_names_no_path_when_nothing_loads(tmp_path):
    root = tmp_path / "secret-place" / "models"
    root.mkdir(parents=True)
    (root / POINTER).write_text("missing-version\n")
    with TestClient(create_app(Settings(models_dir=root, model_check_seconds=0.1))) as client:
        answer = _wait_for(lambda: (r := client.get("/readyz")).json()["detail"] != "loading the model" and r,
                           "the failed load")
        assert answer.status_code == 503 and "no model 'missing-version'" in answer.json()["detail"]
        assert "secret-place" not in answer.text and str(tmp_path) not in answer.text
        recommendation = client.post("/v1/recommendations", json={})
        assert "secret-place" not in recommendation.text


@pytest.mark.parametrize("keys", [",", " , ", ""])
def test_a_blank_key_list_fails_closed(monkeypatch, keys):
    monkeypatch.setenv("RECOMMENDER_API_KEYS", keys)
    with pytest.raises(ValueError, match="holds no key"):
        Settings()


def test_keys_are_read_and_never_shown(monkeypatch):
    monkeypatch.setenv("RECOMMENDER_API_KEYS", " k1 , ,k2 ")
    settings = Settings()
    assert settings.api_keys == ["k1", "k2"] and "k1" not in repr(settings)
