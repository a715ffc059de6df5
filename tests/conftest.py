"""Test-wide settings: limit native threads (this machine has 2 cores)."""

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402

from recommender.knowledge import load_knowledge_base  # noqa: E402
from recommender.tier1 import Tier1Engine  # noqa: E402


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="session")
def engine(kb):
    return Tier1Engine(kb)
