"""The small model the tests use: fast to fit, deterministic."""

from recommender.model.gain_model import BoosterConfig, GainModel, fit_gain_model
from recommender.model.reference_set import ReferenceSetConfig, reference_set
from recommender.science.tier1 import Tier1Engine


def small_model(engine: Tier1Engine) -> GainModel:
    data = reference_set(engine, seed=0, config=ReferenceSetConfig(draws_per_pair=4, extra_contexts=300))
    return fit_gain_model(data, data["gain_t_c_ha_yr"].to_numpy(), booster=BoosterConfig(max_iter=40))
