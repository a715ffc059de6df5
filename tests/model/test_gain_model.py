import time

import numpy as np
import pandas as pd
import pytest

from recommender.model.features import MISSING, Features
from recommender.model.registry import ModelRegistry
from training.default import build_default
from training.evaluation import reference_agreement, reference_holdout
from training.pipeline import TrainingConfig


@pytest.fixture(scope="module")
def holdout(engine):
    return reference_holdout(engine, TrainingConfig(draws_per_pair=4, extra_contexts=300))


def test_predictions_are_ordered_and_aligned(small_model, holdout):
    sample = holdout.sample(500, random_state=0).set_index(pd.RangeIndex(1000, 1500))
    predicted = small_model.model.predict(sample)
    assert list(predicted.columns) == ["expected", "p10", "p90"]
    assert predicted.index.equals(sample.index)
    assert (predicted["p10"] <= predicted["expected"]).all() and (predicted["expected"] <= predicted["p90"]).all()
    assert small_model.model.predict(sample.iloc[:0]).empty


def test_missing_categories_are_encoded_as_na(holdout):
    features = Features.from_frame(holdout.head(3).assign(state_tillage=[None, np.nan, "no_till"]))
    assert features.categories["state_tillage"].tolist() == [MISSING, MISSING, "no_till"]
    assert features.frame()["state_tillage"].tolist() == [MISSING, MISSING, "no_till"]


def test_small_model_agrees_with_the_engine_on_a_held_out_reference_set(small_model, holdout):
    metrics, _ = reference_agreement(small_model.model, holdout)
    print(f"\nsmall model: MAE vs Tier 1 {metrics['mae_vs_engine']:.4f} t C/ha/yr "
          f"(mean |gain| {metrics['engine_mean_abs_gain']:.3f}), 10-90 % coverage {metrics['coverage']:.3f}")
    assert metrics["mae_vs_engine"] < 0.1 * metrics["engine_mean_abs_gain"]
    assert 0.7 <= metrics["coverage"] <= 0.9


@pytest.mark.slow
def test_default_model_reproduces_the_engine_with_card_and_plots(tmp_path):
    started = time.perf_counter()
    registry = ModelRegistry(tmp_path)
    version = build_default(registry)
    seconds = time.perf_counter() - started
    manifest = registry.verify(version)
    agreement = manifest["metrics"]["reference_agreement"]
    print(f"\ndefault model built in {seconds:.1f} s: MAE vs Tier 1 {agreement['mae_vs_engine']:.4f} t C/ha/yr "
          f"(mean |gain| {agreement['engine_mean_abs_gain']:.3f}), 10-90 % coverage {agreement['coverage']:.3f}")
    assert agreement["mae_vs_engine"] < 0.05 * agreement["engine_mean_abs_gain"]
    assert 0.7 <= agreement["coverage"] <= 0.9
    folder = tmp_path / version
    card = (folder / "MODEL_CARD.md").read_text()
    assert "## Intended use" in card and "## Limits" in card and f"{agreement['coverage']:.3f}" in card
    assert "Trained on the reference set only" in card
    assert "### Field range" in card and "79.8 % of held-out studies' observations" in card
    assert sorted(p.name for p in (folder / "plots").iterdir()) == [
        "gain_by_practice_climate.png", "interval_calibration.png", "predicted_vs_observed.png"]
    assert manifest["training"]["rows"]["observations"] == 0
