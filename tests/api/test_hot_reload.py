"""A newly promoted model is served without a restart and without a failed request."""

import dataclasses
import shutil
import threading
import time

import httpx

from recommender.model.registry import ModelRegistry

LOOP_LIMIT_SECONDS = 30


def test_promotion_is_picked_up_while_serving(small_registry, small_model, tmp_path, farm, start_server):
    root = tmp_path / "models"
    shutil.copytree(small_registry.root, root)
    registry = ModelRegistry(root)
    first = registry.in_service_version()
    answers: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def client_loop(base_url: str) -> None:
        deadline = time.monotonic() + LOOP_LIMIT_SECONDS
        with httpx.Client(base_url=base_url) as http:
            while not stop.is_set() and time.monotonic() < deadline:
                response = http.post("/v1/recommendations", json=farm)
                version = response.json()["model"]["version"] if response.status_code == 200 else None
                answers.append((response.status_code, version))

    def wait_for(condition) -> None:
        deadline = time.monotonic() + LOOP_LIMIT_SECONDS
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)

    with start_server(root, tmp_path / "server.log", RECOMMENDER_MODEL_CHECK_SECONDS="0.1") as base_url:
        loop = threading.Thread(target=client_loop, args=(base_url,))
        loop.start()
        wait_for(lambda: len(answers) > 50)
        # A new artifact (same predictions): what matters here is the swap.
        second_model = dataclasses.replace(
            small_model.model, feature_schema={**small_model.model.feature_schema, "variant": "second"})
        second = registry.save(second_model, data_fingerprint="second", metrics={})
        registry.promote(second)
        wait_for(lambda: any(version == second for _, version in answers))
        seen = len(answers)
        wait_for(lambda: len(answers) > seen + 50)
        stop.set()
        loop.join()

    assert {status for status, _ in answers} == {200}
    versions = [version for _, version in answers]
    switch = versions.index(second)
    assert set(versions[:switch]) == {first} and set(versions[switch:]) == {second}
