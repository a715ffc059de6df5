"""Real servers for the tests: ``recommender serve`` on a free local port,
and the README's example farm (shared by the API and the page tests)."""

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

README = Path(__file__).parents[1] / "README.md"
READY_TIMEOUT_SECONDS = 60


def readme_farm() -> dict:
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
