"""The default model: trained on the reference set alone (the science, with its uncertainty).

Built on first use by the API and batch scoring when no model is in service
(``ModelRegistry.load_or_build``), or by ``recommender train --promote``
without data. Its folder has the same manifest, model card and plots as any
other model; its evaluation is the agreement with Tier 1 on a held-out
reference set.
"""

import logging

from threadpoolctl import threadpool_limits

from recommender.model.registry import ModelRegistry
from recommender.science.tier1 import Tier1Engine

from .pipeline import TrainingConfig
from .retrain import run_training, save_outcome

log = logging.getLogger(__name__)

DEFAULT_SEED = 0


def build_default(registry: ModelRegistry, seed: int = DEFAULT_SEED) -> str:
    """Fit the default model on the reference set and save it; return its version."""
    # One OpenMP thread: the boosting's threads spin while they wait, and on
    # a shared 2-core machine (a server, CI) two of them beside other work
    # took 300 s instead of 40 s for this fit.
    with threadpool_limits(1):
        outcome = run_training(Tier1Engine(), TrainingConfig(seed=seed))
    version = save_outcome(registry, outcome)
    log.info("default model %s trained in %.1f s (MAE vs Tier 1 %.4f t C/ha/yr, 10-90 %% coverage %.2f)",
             version, outcome.seconds, outcome.agreement["mae_vs_engine"], outcome.agreement["coverage"])
    return version
