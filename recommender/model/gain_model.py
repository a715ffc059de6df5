"""The trained gain model: local corrections to the Tier 1 prior.

Three scikit-learn pipelines (one-hot encoding + histogram gradient boosting)
predict the residual ``observed gain - Tier 1 gain`` of a (context, practice)
pair: its mean and its 10 % and 90 % quantiles. Adding the Tier 1 gain back
gives the expected gain and its interval, so the model starts from the science
and only learns where data disagree with it. The encoder is one-hot (not the
booster's native categorical support) so the model converts exactly to ONNX.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

CATEGORICAL = (
    "climate_zone",
    "soil_class",
    "land_use",
    "degradation",
    "practice_id",
    "state_tillage",
    "state_input",
    "state_grassland",
)
NUMERIC = ("tier1_gain_t_c_ha_yr", "stock_t_c_ha")
QUANTILES = (0.1, 0.9)
MISSING = "na"


def feature_frame(candidates: pd.DataFrame) -> pd.DataFrame:
    """The model's input columns from a candidates table (``Tier1Engine.candidates``)."""
    frame = candidates.loc[:, list(CATEGORICAL + NUMERIC)].copy()
    for column in CATEGORICAL:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), MISSING).astype(str)
    for column in NUMERIC:
        frame[column] = frame[column].astype(np.float64)
    return frame


def make_pipeline(loss: str, quantile: float | None = None, seed: int = 0,
                  max_iter: int = 150) -> Pipeline:
    """One-hot encoding of the categories + gradient boosting on ``loss``."""
    encode = ColumnTransformer(
        [("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(CATEGORICAL))],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    booster = HistGradientBoostingRegressor(
        loss=loss,
        quantile=quantile,
        max_iter=max_iter,
        learning_rate=0.1,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        early_stopping=False,
        random_state=seed,
    )
    return Pipeline([("encode", encode), ("boost", booster)])


@dataclass
class GainModel:
    """Expected gain and 10-90 % interval for (context, practice) pairs, t C/ha/yr."""

    expected: Pipeline
    low: Pipeline
    high: Pipeline
    feature_schema: dict = field(
        default_factory=lambda: {"categorical": list(CATEGORICAL), "numeric": list(NUMERIC)}
    )

    def predict(self, candidates: pd.DataFrame) -> pd.DataFrame:
        """Columns ``expected``, ``p10``, ``p90`` aligned with ``candidates``' index."""
        if candidates.empty:
            return pd.DataFrame({"expected": [], "p10": [], "p90": []}, index=candidates.index)
        features = feature_frame(candidates)
        prior = features["tier1_gain_t_c_ha_yr"].to_numpy()
        expected = prior + self.expected.predict(features)
        low = prior + self.low.predict(features)
        high = prior + self.high.predict(features)
        return ordered_prediction(expected, low, high, candidates.index)


def ordered_prediction(expected, low, high, index) -> pd.DataFrame:
    """Put the three predictions in order: separately fitted quantiles can cross,
    and an interval must contain its expected value."""
    return pd.DataFrame(
        {
            "expected": expected,
            "p10": np.minimum(np.minimum(low, high), expected),
            "p90": np.maximum(np.maximum(low, high), expected),
        },
        index=index,
    )


def fit_gain_model(
    candidates: pd.DataFrame,
    observed_gain: np.ndarray,
    sample_weight: np.ndarray | None = None,
    seed: int = 0,
    max_iter: int = 150,
) -> GainModel:
    """Fit the three pipelines on ``observed_gain`` (t C/ha/yr) for ``candidates``."""
    features = feature_frame(candidates)
    residual = np.asarray(observed_gain, dtype=float) - features["tier1_gain_t_c_ha_yr"].to_numpy()
    fitted = []
    for loss, quantile in (("squared_error", None), ("quantile", QUANTILES[0]), ("quantile", QUANTILES[1])):
        pipeline = make_pipeline(loss, quantile, seed, max_iter)
        pipeline.fit(features, residual, boost__sample_weight=sample_weight)
        fitted.append(pipeline)
    return GainModel(*fitted)
