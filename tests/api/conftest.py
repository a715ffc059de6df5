"""API test fixtures: an in-process client and real uvicorn servers.

The in-process ``TestClient`` covers schemas and errors; ``serve`` starts
``recommender serve`` as a subprocess on a free local port, so the main paths
are exercised over real HTTP exactly as deployed.
"""

import httpx
import pytest
from fastapi.testclient import TestClient
from servers import readme_farm, running_server, wait_ready

from api.main import create_app
from api.settings import Settings


@pytest.fixture(scope="session")
def farm() -> dict:
    """The example farm of the README (kept in step with the docs)."""
    return readme_farm()


@pytest.fixture(scope="session")
def settings(small_registry) -> Settings:
    return Settings(models_dir=small_registry.root, model_check_seconds=0.2)


@pytest.fixture(scope="session")
def app(settings):
    return create_app(settings)


@pytest.fixture(scope="session")
def client(app):
    """In-process client of a started app (lifespan run, model loaded)."""
    with TestClient(app) as client:
        wait_ready(client.get)
        yield client


@pytest.fixture(scope="session")
def start_server():
    """``running_server``, for tests that need a server of their own."""
    return running_server


@pytest.fixture(scope="session")
def server(small_registry, tmp_path_factory):
    """A real uvicorn server on the small model; yields an httpx client."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with running_server(small_registry.root, log) as base_url, httpx.Client(base_url=base_url) as http:
        yield http
