"""Test-wide settings: limit native threads (this machine has 2 cores)."""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402

from recommender.knowledge import load_knowledge_base  # noqa: E402
from recommender.science.tier1 import Tier1Engine  # noqa: E402


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine(kb):
    return Tier1Engine(kb)


@pytest.fixture(scope="session")
def small_registry(tmp_path_factory, engine):
    """A registry holding a small model in service (fast to fit; for tests only)."""
    from small_model import small_model

    from recommender.model.registry import ModelRegistry

    model = small_model(engine)
    registry = ModelRegistry(tmp_path_factory.mktemp("models"))
    registry.promote(registry.save(model, data_fingerprint="tests", metrics={}))
    return registry


@pytest.fixture(scope="session")
def small_model(small_registry):
    """The small model in service, loaded and verified."""
    return small_registry.load()


@pytest.fixture(scope="session")
def run_cli():
    """``run_cli(*args, env=, cwd=)``: the command line in a fresh process."""
    return _run_cli


@pytest.fixture(scope="session")
def one_line_error():
    """``one_line_error(status, output, *texts)``: asserts a one-line failure."""
    return _assert_one_line_error


def _run_cli(*args, env: dict | None = None, cwd=None) -> tuple[int, str]:
    """``recommender ARGS`` in a fresh process, as a user runs it: exit status
    and everything it printed (stdout and stderr)."""
    import subprocess
    import sys

    process = subprocess.run([sys.executable, "-c", "from recommender.cli import main; main()", *map(str, args)],
                             capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=cwd,
                             timeout=300)
    return process.returncode, process.stdout + process.stderr


def _assert_one_line_error(status: int, output: str, *expected: str) -> None:
    """A failed command told the user in one line, without a traceback."""
    assert status != 0, output
    assert "Traceback" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    for text in expected:
        assert text in lines[0], output
