from importlib.resources import files

import numpy as np
import pandas as pd
import pytest
from fitting import train

from recommender.inputs.farm import ContextKey
from recommender.model.candidates import CandidateSource
from recommender.model.features import CATEGORICAL, NUMERIC
from recommender.model.reference_set import context_candidates
from training.duration import DEFAULT_TAU_YEARS, duration_weight, fit_tau, mean_rate_factor, to_duration, to_horizon
from training.observations import read_observations, validate_observations
from training.pipeline import (
    TARGET,
    TrainingConfig,
    build_reference,
    data_fingerprint,
    fitted_tau,
    observation_rows,
    resolve_tau,
    training_weights,
)
from training.synthetic import synthetic_observations

SMALL = TrainingConfig(draws_per_pair=2, extra_contexts=100, max_iter=20)


@pytest.fixture(scope="module")
def example():
    return read_observations(files("training") / "examples" / "observations_example.csv").observations


@pytest.fixture(scope="module")
def small_reference(engine):
    return build_reference(engine, SMALL)


def test_observation_features_match_engine_candidates(engine):
    observations = validate_observations(synthetic_observations(engine, sites=24)).observations
    rows = observation_rows(observations, engine, DEFAULT_TAU_YEARS)
    contexts = observations.assign(current_practices=observations["current_practices"].map(tuple))
    found = context_candidates(CandidateSource(engine), contexts)
    candidates = found.features.frame().assign(row=found.farm)
    merged = rows.reset_index().merge(candidates, left_on=["index", "practice_id"],
                                      right_on=["row", "practice_id"], suffixes=("", "_engine"))
    assert len(merged) == len(rows)  # every single-practice observation is an engine candidate
    for column in [c for c in (*CATEGORICAL, *NUMERIC) if c != "practice_id"]:
        pd.testing.assert_series_equal(merged[column], merged[f"{column}_engine"], check_names=False)


def test_combination_takes_the_bundle_gain(engine, example):
    rows = observation_rows(example, engine, DEFAULT_TAU_YEARS)
    combined = rows[rows["practice_id"] == "cover_crops;no_till"].iloc[0]
    context = example.iloc[combined.name]
    key = ContextKey(context.climate_zone, context.soil_class, context.land_use, context.degradation,
                     tuple(context.current_practices))
    bundle = engine.gain(key, ("cover_crops", "no_till"), context.soc_t_ha, 20)
    assert combined["tier1_gain_t_c_ha_yr"] == pytest.approx(bundle.gain_t_c_ha_yr)
    assert combined["tier1_duration_p10"] <= combined["tier1_duration_t_c_ha_yr"] <= combined["tier1_duration_p90"]


def test_tier1_is_duration_aware(engine, example):
    """Tier 1 changes for D = 20 years then stops: over 40 years the mean rate halves."""
    long = example.iloc[[2]].assign(years=40.0)  # no_till, a factor-only practice
    short = example.iloc[[2]].assign(years=10.0)
    gain_long = observation_rows(long, engine, DEFAULT_TAU_YEARS).iloc[0]
    gain_short = observation_rows(short, engine, DEFAULT_TAU_YEARS).iloc[0]
    assert gain_short["tier1_duration_t_c_ha_yr"] == pytest.approx(gain_short["tier1_gain_t_c_ha_yr"])
    assert gain_long["tier1_duration_t_c_ha_yr"] == pytest.approx(gain_long["tier1_gain_t_c_ha_yr"] / 2)


def test_duration_conversion_round_trips_and_saturates():
    rate, years = np.array([1.0, 1.0, 1.0, 0.5]), np.array([2.0, 20.0, 40.0, np.nan])
    horizon = to_horizon(rate, years, DEFAULT_TAU_YEARS, 20)
    assert horizon[1] == pytest.approx(1.0) and horizon[3] == pytest.approx(0.5)  # at the horizon / no duration
    assert horizon[0] < 1.0 < horizon[2]  # short trials' rates are above the 20-year mean, long ones below
    np.testing.assert_allclose(to_duration(horizon, years, DEFAULT_TAU_YEARS, 20), rate)
    weights = duration_weight(years, DEFAULT_TAU_YEARS, 20)
    assert weights[0] < 0.2 and weights[1] == pytest.approx(1.0) and weights[3] == pytest.approx(1.0)
    assert DEFAULT_TAU_YEARS == pytest.approx(20 / np.log(20))
    assert 1 - mean_rate_factor(20, DEFAULT_TAU_YEARS) * 20 == pytest.approx(0.05)  # 95 % reached at D


def test_fit_tau_recovers_a_known_time_constant():
    rng = np.random.default_rng(1)
    years = rng.uniform(1, 40, 400)
    groups = rng.choice(["a", "b"], 400)
    amplitude = np.where(groups == "a", 6.0, 12.0)
    total = amplitude * (1 - np.exp(-years / 8.0)) + rng.normal(0, 0.3, 400)
    assert fit_tau(years, total / years, groups) == pytest.approx(8.0, rel=0.15)
    with pytest.raises(ValueError, match="at least two observations"):
        fit_tau([np.nan, 3.0], [0.1, 0.2], ["a", "a"])


def test_weights_give_observations_their_share_and_damp_big_studies():
    rows = pd.DataFrame({"study_id": ["big"] * 4 + ["small"], "years": [20.0] * 5})
    weights = training_weights(1000, rows, DEFAULT_TAU_YEARS, 20, observation_share=0.25)
    observed = weights[1000:]
    assert observed.sum() / weights.sum() == pytest.approx(0.25)
    assert observed[:4].sum() == pytest.approx(2 * observed[4])  # sqrt(4) single-row studies, not 4
    assert np.all(weights[:1000] == 1)


def test_config_is_validated():
    with pytest.raises(ValueError, match="observation_share"):
        TrainingConfig(observation_share=1.0)
    with pytest.raises(ValueError, match="tau_years"):
        TrainingConfig(tau_years=-3)


def test_training_is_deterministic_for_a_seed(engine, example, small_reference):
    first = train(engine, SMALL, example, small_reference)
    second = train(engine, SMALL, example, small_reference)
    rows = observation_rows(example, engine, first.tau_years)
    pd.testing.assert_frame_equal(first.model.predict(rows), second.model.predict(rows))
    assert first.rows == {"reference": len(small_reference), "observations": len(example)}
    assert first.observation_weight_share == pytest.approx(SMALL.observation_share)
    assert data_fingerprint(small_reference, example) == data_fingerprint(small_reference, example.copy())
    assert data_fingerprint(small_reference, example) != data_fingerprint(small_reference, example.iloc[1:])


def test_fitted_tau_is_used_when_asked(engine, example, small_reference):
    config = TrainingConfig(**{**SMALL.as_dict(), "tau_years": "fit"})
    trained = train(engine, config, example, small_reference)
    assert trained.tau_years == fit_tau(example["years"], example["delta_soc_t_ha_yr_30cm"], example["practice"],
                                        1 / np.sqrt(example.groupby("study_id")["study_id"].transform("size")))
    assert TARGET in observation_rows(example, engine, trained.tau_years)
    # Without durations nothing bounds tau: the cited default is used, and rates count as 20-year means.
    undated = example.assign(years=np.nan)
    assert fitted_tau(undated) is None and resolve_tau(config, undated) == DEFAULT_TAU_YEARS
    rows = observation_rows(undated, engine, DEFAULT_TAU_YEARS)
    np.testing.assert_allclose(rows[TARGET], rows["observed_t_c_ha_yr"])
