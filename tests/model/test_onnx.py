import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline

from recommender.model.candidates import CandidateSource
from recommender.model.features import CATEGORICAL, Features
from recommender.model.gain_model import BoosterConfig, GainModel, fit_gain_model, gains_frame
from recommender.model.onnx import OnnxConversionError, OnnxGainModel, checked_conversion
from recommender.model.reference_set import context_candidates, reference_contexts


@pytest.fixture(scope="module")
def candidates(engine):
    """Thousands of candidate rows over every zone, soil class, land use and
    degradation, with current practices and measured stocks (a table of model inputs)."""
    rows = context_candidates(CandidateSource(engine), reference_contexts(engine, seed=7, extra=400)).features.frame()
    assert len(rows) > 5000
    return rows


def predicted(predictor, rows):
    return gains_frame(predictor, Features.from_frame(rows), rows.index)


@pytest.fixture(scope="module")
def scorer(small_model):
    return OnnxGainModel(small_model.model)


def test_parity_with_scikit_learn(small_model, scorer, candidates):
    difference = (predicted(scorer, candidates) - small_model.model.predict(candidates)).abs().to_numpy()
    # float64 thresholds, leaves and sums: parity to rounding error, far
    # inside the 1e-5 a float32 conversion would give.
    assert difference.max() < 1e-12


def test_parity_on_unknown_categories(small_model, scorer, candidates):
    unknown = candidates.head(2000).copy()
    unknown["practice_id"] = "a_practice_the_model_never_saw"
    unknown["climate_zone"] = "lunar"
    unknown["state_tillage"] = None
    difference = (predicted(scorer, unknown) - small_model.model.predict(unknown)).abs().to_numpy()
    assert difference.max() < 1e-12


def test_prediction_is_ordered_and_aligned(scorer, candidates):
    sample = candidates.sample(500, random_state=0)
    gains = predicted(scorer, sample)
    assert gains.index.equals(sample.index)
    assert (gains["p10"] <= gains["expected"]).all()
    assert (gains["expected"] <= gains["p90"]).all()
    assert predicted(scorer, sample.iloc[:0]).empty


def test_single_leaf_trees_convert(candidates):
    """A booster whose trees are single leaves still converts (30 rows cannot
    be split into two leaves of min_samples_leaf=20)."""
    rows = candidates.head(30)
    model = fit_gain_model(rows, rows["tier1_gain_t_c_ha_yr"].to_numpy() + 0.05, booster=BoosterConfig(max_iter=5))
    assert all(p[0].nodes.shape[0] == 1 for p in model.expected[-1]._predictors)
    onnx_prediction = predicted(OnnxGainModel(model), rows)
    np.testing.assert_allclose(onnx_prediction.to_numpy(), model.predict(rows).to_numpy(), atol=1e-12)


def test_native_categorical_booster_is_refused(small_model):
    features = pd.DataFrame({c: ["a", "b"] * 50 for c in CATEGORICAL})
    features["tier1_gain_t_c_ha_yr"] = np.linspace(0, 1, 100)
    features["stock_t_c_ha"] = np.linspace(10, 90, 100)
    encode = ColumnTransformer([("codes", "passthrough", ["tier1_gain_t_c_ha_yr"])], remainder="drop")
    booster = HistGradientBoostingRegressor(max_iter=3, categorical_features=[0])
    codes = Pipeline([("encode", encode), ("boost", booster)]).fit(
        features.assign(tier1_gain_t_c_ha_yr=np.arange(100) % 3), np.arange(100) % 3)
    with pytest.raises(OnnxConversionError, match="native categorical"):
        OnnxGainModel(GainModel(codes, small_model.model.low, small_model.model.high))


def test_checked_conversion_refuses_a_model_that_disagrees(small_model, candidates):
    probe = Features.from_frame(candidates.head(500))
    assert checked_conversion(small_model.model, probe) is not None

    class Shifted(OnnxGainModel):
        def residuals(self, features):
            return super().residuals(features) + 1e-6

    import recommender.model.onnx as onnx_module

    original = onnx_module.OnnxGainModel
    onnx_module.OnnxGainModel = Shifted
    try:
        with pytest.raises(OnnxConversionError, match="differ from scikit-learn's by 1.00e-06"):
            checked_conversion(small_model.model, probe)
    finally:
        onnx_module.OnnxGainModel = original
