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
