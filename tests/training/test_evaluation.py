from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fitting import train

import training.evaluation as evaluation
from training.evaluation import cross_validate, metrics_table, ranking_quality, study_bootstrap
from training.observations import validate_observations
from training.pipeline import TrainingConfig, build_reference, observation_rows
from training.promotion import RULES, decide
from training.synthetic import synthetic_observations

SMALL = TrainingConfig(draws_per_pair=2, extra_contexts=150, max_iter=40)
SHARED_SOILHEALTHDB = Path(__file__).resolve().parents[3] / "shared" / "data" / "soilhealthdb" / "SoilHealthDB_V2.csv"


@pytest.fixture(scope="module")
def reference(engine):
    return build_reference(engine, SMALL)


@pytest.fixture(scope="module")
def zone_observations(engine):
    """Warm temperate moist fields respond twice as strongly as Tier 1 says."""
    frame = synthetic_observations(engine, sites=120, zone="warm_temperate_moist", multiplier=2.0,
                                   noise_t_c_ha_yr=0.1, seed=3)
    return validate_observations(frame).observations


@pytest.mark.slow
def test_retrained_model_learns_a_zone_twice_as_responsive_and_beats_tier1(engine, reference, zone_observations):
    cv = cross_validate(zone_observations, engine, SMALL, reference, folds=5)
    table = cv.metrics
    model, tier1 = table.loc["model"], table.loc["tier1"]
    print("\n" + table.round(3).to_string())
    # Held-out sites (grouped CV): far below Tier 1, with a bootstrap interval below zero.
    assert model["study_mae"] < 0.6 * tier1["study_mae"], table
    assert model["vs_tier1_high"] < 0
    assert model["study_mae"] < table.loc[["practice_mean", "practice_median", "global_median"], "study_mae"].min()
    assert 0.6 <= model["coverage"] <= 0.95

    # The final model has learned the zone's response: ~2x Tier 1 there, ~1x elsewhere.
    trained = train(engine, SMALL, zone_observations, reference)
    rows = observation_rows(zone_observations, engine, trained.tau_years)
    ratio = (trained.model.predict(rows)["expected"] / rows["tier1_gain_t_c_ha_yr"]).groupby(
        rows["climate_zone"] == "warm_temperate_moist").median()
    print(f"median model / Tier 1: doubled zone {ratio[True]:.2f}, other zones {ratio[False]:.2f}")
    assert 1.7 <= ratio[True] <= 2.3
    assert 0.85 <= ratio[False] <= 1.15


def test_folds_never_share_a_study_and_baselines_see_training_folds_only(engine, reference, monkeypatch):
    frame = synthetic_observations(engine, sites=12, seed=5)
    frame.loc[frame["study_id"] == "study-0", "practice"] = "residue_retention"  # a practice only one study has
    observations = validate_observations(frame).observations
    seen = []

    def spy(reference_, rows, config, tau, horizon):
        seen.append(set(rows["study_id"]))
        return real_fit(reference_, rows, TrainingConfig(draws_per_pair=1, extra_contexts=0, max_iter=5), tau, horizon)

    real_fit = evaluation.fit
    monkeypatch.setattr(evaluation, "fit", spy)
    cv = cross_validate(observations, engine, SMALL, reference.iloc[:2000], folds=3)
    predictions = cv.predictions
    assert predictions.groupby("study_id")["fold"].nunique().max() == 1
    for fold, trained_on in enumerate(seen):
        held_out = set(predictions.loc[predictions["fold"] == fold, "study_id"])
        assert held_out and not held_out & trained_on
    # No training study has residue retention: its held-out prediction is the training global median.
    alone = predictions[predictions["practice"] == "residue_retention"]
    assert (alone["practice_median"] == alone["global_median"]).all()
    assert not np.isclose(alone["practice_median"], alone["observed"]).any()


def test_too_few_studies_for_the_folds_says_what_to_do(engine, reference):
    observations = validate_observations(synthetic_observations(engine, sites=3)).observations
    with pytest.raises(ValueError, match="lower --folds"):
        cross_validate(observations, engine, SMALL, reference, folds=5)


def test_ranking_quality_within_sites():
    frame = pd.DataFrame({
        "site_id": ["a"] * 3 + ["b"] * 3 + ["c"],
        "practice": ["x", "y", "z"] * 2 + ["x"],
        "observed": [0.1, 0.5, 0.9, 0.3, 0.2, 0.1, 1.0],
        "right": [1, 2, 3, 3, 2, 1, 0],
        "wrong": [3, 2, 1, 1, 2, 3, 0],
        "flat": [0.2] * 7,
    })
    assert ranking_quality(frame, "right") == (pytest.approx(1.0), pytest.approx(1.0), 2)
    spearman, ndcg, sites = ranking_quality(frame, "wrong")
    assert spearman == pytest.approx(-1.0) and ndcg < 0.8 and sites == 2
    assert ranking_quality(frame, "flat")[0] == 0.0  # constant predictions rank nothing


def test_metrics_and_study_bootstrap():
    rng = np.random.default_rng(0)
    studies = np.repeat([f"s{i}" for i in range(30)], 4)
    observed = rng.normal(0.5, 0.3, len(studies))
    frame = pd.DataFrame({"study_id": studies, "site_id": studies, "practice": "x", "observed": observed,
                          "model": observed + rng.normal(0, 0.05, len(studies)),
                          "tier1": observed + rng.normal(0, 0.3, len(studies))})
    for method in ("model", "tier1"):
        frame[f"{method}_p10"], frame[f"{method}_p90"] = frame[method] - 0.1, frame[method] + 0.1
    table = metrics_table(frame, ["model", "tier1"])
    assert table.loc["model", "study_mae"] < table.loc["tier1", "study_mae"]
    assert table.loc["model", "vs_tier1_low"] < table.loc["model", "vs_tier1"] < table.loc["model", "vs_tier1_high"] < 0
    assert table.loc["tier1", "vs_tier1"] == 0
    per_study = pd.DataFrame({"tier1": [1.0, 1.0, 1.0], "model": [0.5, 0.5, 0.5]})
    boot = study_bootstrap(per_study, seed=1)
    assert boot.loc["model"].tolist() == pytest.approx([-0.5, -0.5, -0.5])
    pd.testing.assert_frame_equal(study_bootstrap(per_study, seed=1), boot)


def test_not_worse_rule():
    rules = {rule.metric for rule in RULES["observations"]}
    assert rules == {"study_mae", "coverage_error"}
    base = {"study_mae": 1.0, "coverage_error": 0.05}
    assert decide("observations", {"study_mae": 1.01, "coverage_error": 0.08}, base, "v1").passed
    worse = decide("observations", {"study_mae": 1.10, "coverage_error": 0.05}, base, "v1")
    assert not worse.passed and "study_mae" in worse.reason and worse.rows[0]["ok"] is False
    miscalibrated = decide("observations", {"study_mae": 0.9, "coverage_error": 0.2}, base, "v1")
    assert not miscalibrated.passed and "coverage_error" in miscalibrated.reason
    assert decide("reference", {"mae_vs_engine": 0.02, "coverage_error": 0.0}, None, None).passed
    broken = decide("reference", {}, None, "v0", in_service_error="artifact SHA-256 does not match")
    assert not broken.passed and "--force" in broken.reason


@pytest.mark.slow
@pytest.mark.skipif(not SHARED_SOILHEALTHDB.is_file(), reason=f"SoilHealthDB not found at {SHARED_SOILHEALTHDB} "
                    "(the shared copy; see ../shared/data/soilhealthdb/NOTE.md)")
def test_reduced_soilhealthdb_experiment(engine):
    from training.datasets.soilhealthdb import convert

    conversion = convert(SHARED_SOILHEALTHDB, engine)
    assert len(conversion.observations) + sum(conversion.dropped.values()) == conversion.total_rows
    config = TrainingConfig(draws_per_pair=2, extra_contexts=100, max_iter=30)
    cv = cross_validate(conversion.observations, engine, config, build_reference(engine, config), folds=3)
    table = cv.metrics
    assert list(table.index) == ["model", "tier1", "practice_mean", "practice_median", "global_median"]
    assert table[["study_mae", "vs_tier1_low", "vs_tier1_high"]].notna().all().all()
    assert (table["vs_tier1_low"] <= table["vs_tier1"]).all() and (table["vs_tier1"] <= table["vs_tier1_high"]).all()
