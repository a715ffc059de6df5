"""Model predictions computed once per distinct feature row, across a whole survey.

A tree ensemble compares each numeric feature with its split thresholds
(``x <= t`` goes left). Two rows with the same categories whose numeric
values fall between the same pair of consecutive thresholds of every numeric
feature reach the same leaves, so their predicted residuals are identical, to
the bit. Farms with measured stocks have stocks all different but far fewer
distinct (categories, threshold interval) rows; predicting those and adding
each row's own Tier 1 prior back gives exactly what the model gives row by
row. Residuals already predicted for earlier chunks are remembered (up to
``MEMO_ROWS`` distinct rows), so a survey's repeated contexts reach the model
once.

The residuals come from the scikit-learn pipelines, or from their ONNX
conversion (:mod:`recommender.onnx_model`, float64 trees, same values within
~1e-15 t C/ha/yr) which runs several times faster.
"""

import logging
from typing import Callable

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from recommender.model.gain_model import CATEGORICAL, NUMERIC, GainModel, feature_frame, ordered_prediction
from recommender.model.onnx import OUTPUTS, OnnxConversionError, OnnxGainModel
from recommender.model.reference_set import reference_contexts
from recommender.recommend.service import PARITY_TOLERANCE
from recommender.science.tier1 import Tier1Engine
from recommender.batch.keys import distinct

log = logging.getLogger(__name__)

#: Distinct feature rows whose residuals are remembered across chunks (each
#: costs ~250 bytes); the memory is emptied when it holds more.
MEMO_ROWS = 250_000

#: Rows per model call.
PREDICT_BATCH_ROWS = 32_768
#: OpenMP threads of scikit-learn here. Its results do not depend on it, but
#: threads waiting on busy cores slowed a 5,000-row predict from 0.14 s to
#: 5 s on the loaded 2-core benchmark machine; the Dask engine, not OpenMP,
#: spreads batch scoring over cores.
SKLEARN_THREADS = 1

Residuals = Callable[[pd.DataFrame], np.ndarray]


def split_thresholds(model: GainModel) -> dict[str, np.ndarray] | None:
    """Every threshold the three boosters split each numeric feature on, sorted.

    ``None`` when the pipelines are not histogram gradient boosting as fitted
    by :func:`recommender.model.fit_gain_model` (the fitted trees are read
    from scikit-learn's predictor nodes, as the ONNX conversion reads them).
    """
    found: dict[str, list[np.ndarray]] = {name: [] for name in NUMERIC}
    for pipeline in (model.expected, model.low, model.high):
        names = list(pipeline[:-1].get_feature_names_out())
        trees = getattr(pipeline[-1], "_predictors", None)
        if trees is None:
            return None
        nodes = np.concatenate([tree.nodes for iteration in trees for tree in iteration])
        splits = (nodes["is_leaf"] == 0) & (nodes["is_categorical"] == 0)
        for name in NUMERIC:
            found[name].append(nodes["num_threshold"][splits & (nodes["feature_idx"] == names.index(name))])
    return {name: np.unique(np.concatenate(parts)) for name, parts in found.items()}


def _in_batches(predict: Residuals) -> Residuals:
    # The one-hot matrix of a batch is ~500 bytes a row in each pipeline (and
    # onnxruntime keeps its peak allocation): bounded batches bound memory.
    def residuals(features: pd.DataFrame) -> np.ndarray:
        return np.concatenate([predict(features.iloc[start:start + PREDICT_BATCH_ROWS])
                               for start in range(0, len(features), PREDICT_BATCH_ROWS)])
    return residuals


def sklearn_residuals(model: GainModel) -> Residuals:
    """Residuals (n x 3: expected, low, high; t C/ha/yr) from the scikit-learn pipelines."""
    def residuals(features: pd.DataFrame) -> np.ndarray:
        with threadpool_limits(SKLEARN_THREADS):
            return np.column_stack([p.predict(features) for p in (model.expected, model.low, model.high)])
    return _in_batches(residuals)


def onnx_residuals(model: OnnxGainModel) -> Residuals:
    """Residuals (n x 3) from the ONNX conversion of the model."""
    def residuals(features: pd.DataFrame) -> np.ndarray:
        feeds = {c: features[c].to_numpy(object).reshape(-1, 1) for c in CATEGORICAL}
        feeds |= {c: features[c].to_numpy(np.float64).reshape(-1, 1) for c in NUMERIC}
        return np.column_stack([r.ravel() for r in model.session.run(list(OUTPUTS), feeds)])
    return _in_batches(residuals)


class DistinctRowsModel:
    """The gain model with ``GainModel.predict``'s contract, predicting each
    distinct feature row once.

    Parameters
    ----------
    model : GainModel
        The model in service (its split thresholds define "distinct").
    residuals : callable, optional
        Feature frame -> n x 3 residuals; :func:`sklearn_residuals` of
        ``model`` by default, or :func:`onnx_residuals`.
    """

    def __init__(self, model: GainModel, residuals: Residuals | None = None):
        self.thresholds = split_thresholds(model)
        self.residuals = residuals or sklearn_residuals(model)
        self.predicted_rows = 0
        self._memo: dict[tuple, int] = {}
        self._stored = np.empty((0, 3))

    def predict(self, candidates: pd.DataFrame) -> pd.DataFrame:
        """Columns ``expected``, ``p10``, ``p90`` (t C/ha/yr) aligned with ``candidates``' index."""
        if candidates.empty:
            return pd.DataFrame({"expected": [], "p10": [], "p90": []}, index=candidates.index)
        if len(self._memo) >= MEMO_ROWS:
            self._memo, self._stored = {}, np.empty((0, 3))
        intervals = [self._intervals(candidates[name], name) for name in NUMERIC]
        codes, first = distinct([candidates[c] for c in CATEGORICAL] + intervals)
        features = feature_frame(candidates.iloc[first])
        keys = list(zip(*(features[c].to_numpy(object) for c in CATEGORICAL),
                        *(i[first].tolist() for i in intervals)))
        at = np.fromiter((self._memo.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))
        new = np.flatnonzero(at < 0)
        if len(new):
            at[new] = self._remember([keys[i] for i in new], self.residuals(features.iloc[new]))
        residual = self._stored[at][codes]
        prior = candidates["tier1_gain_t_c_ha_yr"].to_numpy(np.float64)
        return ordered_prediction(prior + residual[:, 0], prior + residual[:, 1], prior + residual[:, 2],
                                  candidates.index)

    def _remember(self, keys: list[tuple], residuals: np.ndarray) -> np.ndarray:
        """Store ``residuals``; return their positions in the store."""
        self.predicted_rows += len(keys)
        start = len(self._stored)
        self._stored = np.concatenate([self._stored, residuals])
        positions = np.arange(start, start + len(keys))
        self._memo.update(zip(keys, positions.tolist()))
        return positions

    def _intervals(self, values: pd.Series, name: str) -> np.ndarray:
        """Which interval between consecutive split thresholds each value falls in
        (the values themselves when the thresholds are unknown)."""
        values = values.to_numpy(np.float64)
        if self.thresholds is None:
            return values
        # side="left": x <= t exactly when t's position is at least x's, as the trees test.
        return np.where(np.isnan(values), -1, np.searchsorted(self.thresholds[name], values, side="left"))


def batch_model(model: GainModel, engine: Tier1Engine, onnx: bool = True) -> DistinctRowsModel:
    """The model as batch scoring runs it.

    With ``onnx``, the ONNX conversion when it converts and agrees with
    scikit-learn within ``PARITY_TOLERANCE`` on the reference grid's
    candidates, as the API checks it; scikit-learn otherwise (logged). ONNX
    runs on one thread: onnxruntime sums trees in parallel in an order that
    depends on the thread count, which changes the last bits, and the local
    and Dask engines must agree to the bit (and with the API, also on one thread).
    """
    if onnx:
        try:
            converted = OnnxGainModel(model, threads=1)
            probe = engine.candidates(reference_contexts(engine, extra=0))
            with threadpool_limits(SKLEARN_THREADS):
                reference = model.predict(probe).to_numpy()
            difference = float(np.abs(converted.predict(probe).to_numpy() - reference).max())
            if difference <= PARITY_TOLERANCE:
                return DistinctRowsModel(model, onnx_residuals(converted))
            log.warning("ONNX predictions differ from scikit-learn's by %.2e t C/ha/yr; scoring with "
                        "scikit-learn", difference)
        except OnnxConversionError as error:
            log.warning("the model does not convert to ONNX (%s); scoring with scikit-learn", error)
    return DistinctRowsModel(model)
