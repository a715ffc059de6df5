"""API test fixtures: an in-process client and real uvicorn servers.

The in-process ``TestClient`` covers schemas and errors; ``serve`` starts
``recommender serve`` as a subprocess on a free local port, so the main paths
are exercised over real HTTP exactly as deployed.
"""

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

README = Path(__file__).parents[2] / "README.md"
READY_TIMEOUT_SECONDS = 60


@pytest.fixture(scope="session")
def farm() -> dict:
    """The example farm of the README (kept in step with the docs)."""
    block = re.search(r"Example `farm.json`:\s*```json\s*(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return json.loads(block.group(1))


def wait_ready(get, timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Poll ``/readyz`` (through ``get``) until the model is loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if get("/readyz").status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"service not ready after {timeout} s")


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(models_dir: Path, log: Path, **env: str):
    """``recommender serve`` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from recommender.cli import main; main()", "serve",
               "--port", str(port), "--models-dir", str(models_dir), "--no-access-log"]
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **env})
        base_url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base_url) as http:
                wait_ready(http.get)
            yield base_url
        except TimeoutError:
            raise RuntimeError(f"server did not start:\n{log.read_text()}") from None
        finally:
            process.terminate()
            process.wait(timeout=10)


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
