"""The default model: trained on the reference set alone (the science, with its uncertainty)."""

import logging
import time

import pandas as pd

from recommender.model import fit_gain_model
from recommender.reference_set import reference_set
from recommender.registry import ModelRegistry
from recommender.tier1 import Tier1Engine

log = logging.getLogger(__name__)

DEFAULT_SEED = 0


def build_default(registry: ModelRegistry, seed: int = DEFAULT_SEED) -> str:
    """Fit the default model on the reference set and save it; return its version."""
    started = time.perf_counter()
    engine = Tier1Engine()
    data = reference_set(engine, seed=seed)
    model = fit_gain_model(data, data["gain_t_c_ha_yr"].to_numpy(), seed=seed)
    fingerprint = str(pd.util.hash_pandas_object(data, index=False).sum())
    version = registry.save(
        model,
        data_fingerprint=fingerprint,
        metrics={},
        extra={"training": {"seed": seed, "rows": len(data), "origin": "reference set"}},
    )
    log.info("default model %s trained in %.1f s", version, time.perf_counter() - started)
    return version
