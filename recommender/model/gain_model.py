"""The trained gain model: local corrections to the Tier 1 prior.

Three scikit-learn pipelines (one-hot encoding + histogram gradient boosting)
predict the residual ``observed gain - Tier 1 gain`` of a (context, practice)
pair: its mean and its 10 % and 90 % quantiles. Adding the Tier 1 gain back
gives the expected gain and its interval, so the model starts from the science
and only learns where data disagree with it. The encoder is one-hot (not the
booster's native categorical support) so the model converts exactly to ONNX.

Every predictor (these pipelines, their ONNX conversion, the de-duplicating
wrapper of batch scoring) answers :meth:`GainModel.residuals` for
:class:`~recommender.model.features.Features`; :func:`predict_gains` turns
residuals into ordered gains.
"""

from dataclasses import asdict, dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from recommender.model.features import CATEGORICAL, NUMERIC, Features

QUANTILES = (0.1, 0.9)


@dataclass(frozen=True)
class BoosterConfig:
    """Settings of each histogram gradient-boosting regressor (stored in the manifest).

    Chosen for the reference set's size (~90,000 rows): enough iterations and
    leaves to reproduce the Tier 1 tables' interactions, leaves of at least
    20 rows so quantiles are not fitted to single draws; no early stopping,
    so a seed gives the same model whatever the data split.
    """

    max_iter: int = 150
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 20

    def as_dict(self) -> dict:
        return asdict(self)


class Predictor(Protocol):
    """Anything that predicts the model's three residuals (n x 3: mean, p10, p90)."""

    def residuals(self, features: Features) -> np.ndarray: ...


def make_pipeline(loss: str, quantile: float | None = None, seed: int = 0,
                  booster: BoosterConfig = BoosterConfig()) -> Pipeline:
    """One-hot encoding of the categories + gradient boosting on ``loss``."""
    encode = ColumnTransformer(
        [("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(CATEGORICAL))],
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    regressor = HistGradientBoostingRegressor(
        loss=loss, quantile=quantile, max_iter=booster.max_iter, learning_rate=booster.learning_rate,
        max_leaf_nodes=booster.max_leaf_nodes, min_samples_leaf=booster.min_samples_leaf,
        early_stopping=False, random_state=seed,
    )
    return Pipeline([("encode", encode), ("boost", regressor)])


@dataclass
class GainModel:
    """Expected gain and 10-90 % interval for (context, practice) pairs, t C/ha/yr."""

    expected: Pipeline
    low: Pipeline
    high: Pipeline
    feature_schema: dict = field(
        default_factory=lambda: {"categorical": list(CATEGORICAL), "numeric": list(NUMERIC)}
    )

    def residuals(self, features: Features) -> np.ndarray:
        """Predicted ``gain - Tier 1 gain``: n x 3 (mean, p10, p90), t C/ha/yr."""
        if len(features) == 0:
            return np.empty((0, 3))
        frame = features.frame()
        return np.column_stack([pipeline.predict(frame) for pipeline in (self.expected, self.low, self.high)])

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Columns ``expected``, ``p10``, ``p90`` for a table of model inputs
        (training tables), aligned with its index."""
        return gains_frame(self, Features.from_frame(frame), frame.index)


def predict_gains(predictor: Predictor, features: Features) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected gain, p10 and p90 (t C/ha/yr) of ``features``' rows.

    Separately fitted quantiles can cross, and an interval must contain its
    expected value: the three are put in order here, for every predictor.
    """
    residual = predictor.residuals(features)
    prior = features.tier1_gain
    expected, low, high = prior + residual[:, 0], prior + residual[:, 1], prior + residual[:, 2]
    return expected, np.minimum(np.minimum(low, high), expected), np.maximum(np.maximum(low, high), expected)


def gains_frame(predictor: Predictor, features: Features, index=None) -> pd.DataFrame:
    """:func:`predict_gains` as a table with columns ``expected``, ``p10``, ``p90``."""
    expected, p10, p90 = predict_gains(predictor, features)
    return pd.DataFrame({"expected": expected, "p10": p10, "p90": p90}, index=index)


def fit_gain_model(
    frame: pd.DataFrame,
    observed_gain: np.ndarray,
    sample_weight: np.ndarray | None = None,
    seed: int = 0,
    booster: BoosterConfig = BoosterConfig(),
) -> GainModel:
    """Fit the three pipelines on ``observed_gain`` (t C/ha/yr) for the model inputs of ``frame``."""
    features = Features.from_frame(frame)
    inputs = features.frame()
    residual = np.asarray(observed_gain, dtype=float) - features.tier1_gain
    fitted = []
    for loss, quantile in (("squared_error", None), ("quantile", QUANTILES[0]), ("quantile", QUANTILES[1])):
        pipeline = make_pipeline(loss, quantile, seed, booster)
        pipeline.fit(inputs, residual, boost__sample_weight=sample_weight)
        fitted.append(pipeline)
    return GainModel(*fitted)
