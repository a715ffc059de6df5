"""Model predictions computed once per distinct input row, across a whole survey.

A tree ensemble compares each numeric input with its split thresholds
(``x <= t`` goes left). Two rows with the same categories whose numeric
values fall between the same pair of consecutive thresholds of every numeric
input reach the same leaves, so their predicted residuals are identical, to
the bit. Farms with measured stocks have stocks all different but far fewer
distinct (categories, threshold interval) rows; predicting those and adding
each row's own Tier 1 prior back gives exactly what the model gives row by
row. Residuals already predicted for earlier chunks are remembered (up to
``MEMO_ROWS`` distinct rows), so a survey's repeated contexts reach the model
once.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from recommender.arrays import distinct
from recommender.model.features import NUMERIC, Features
from recommender.model.gain_model import GainModel, Predictor

#: Distinct input rows whose residuals are remembered across chunks (each
#: costs ~100 bytes); the memory is emptied when it holds more.
MEMO_ROWS = 250_000
#: Rows per model call: the one-hot matrix of a call is ~500 bytes a row in
#: each pipeline (and onnxruntime keeps its peak allocation).
PREDICT_BATCH_ROWS = 32_768
#: OpenMP threads of scikit-learn here. Its results do not depend on it, but
#: threads waiting on busy cores slowed a 5,000-row predict from 0.14 s to
#: 5 s on the loaded 2-core benchmark machine; the Dask engine, not OpenMP,
#: spreads batch scoring over cores.
SKLEARN_THREADS = 1


def split_thresholds(model: GainModel) -> dict[str, np.ndarray] | None:
    """Every threshold the three boosters split each numeric input on, sorted.

    ``None`` when the pipelines are not histogram gradient boosting as fitted
    by :func:`recommender.model.gain_model.fit_gain_model` (the fitted trees
    are read from scikit-learn's predictor nodes, as the ONNX conversion reads them).
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


class DistinctRowsModel:
    """A predictor that sends each distinct input row to ``predictor`` once.

    Parameters
    ----------
    model : GainModel
        The model in service (its split thresholds define "distinct").
    predictor : Predictor, optional
        What computes residuals: ``model`` itself (scikit-learn, on
        ``SKLEARN_THREADS``) by default, or its ONNX conversion.

    ``Features.groups`` must come from one
    :class:`~recommender.model.candidates.CandidateSource`, whose row numbers
    identify categories across calls.
    """

    def __init__(self, model: GainModel, predictor: Predictor | None = None):
        self.thresholds = split_thresholds(model)
        self.predictor = predictor or model
        self.predicted_rows = 0
        self._memo: dict[tuple, int] = {}
        self._stored = np.empty((0, 3))

    def residuals(self, features: Features) -> np.ndarray:
        """n x 3 residuals (mean, p10, p90), t C/ha/yr, as ``predictor`` gives them."""
        if len(features) == 0:
            return np.empty((0, 3))
        if len(self._memo) >= MEMO_ROWS:
            self._memo, self._stored = {}, np.empty((0, 3))
        gain_side = self._intervals(features.tier1_gain, NUMERIC[0])
        stock_side = self._intervals(features.stock, NUMERIC[1])
        codes, first = distinct([features.groups, gain_side, stock_side])
        keys = list(zip(features.groups[first].tolist(), gain_side[first].tolist(), stock_side[first].tolist()))
        at = np.fromiter((self._memo.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))
        new = np.flatnonzero(at < 0)
        if len(new):
            at[new] = self._remember([keys[i] for i in new], self._predict(features.take(first[new])))
        return self._stored[at][codes]

    def _predict(self, features: Features) -> np.ndarray:
        with threadpool_limits(SKLEARN_THREADS):
            return np.concatenate([
                self.predictor.residuals(features.take(np.arange(start, min(start + PREDICT_BATCH_ROWS,
                                                                                len(features)))))
                for start in range(0, len(features), PREDICT_BATCH_ROWS)
            ])

    def _remember(self, keys: list[tuple], residuals: np.ndarray) -> np.ndarray:
        """Store ``residuals``; return their positions in the store."""
        self.predicted_rows += len(keys)
        start = len(self._stored)
        self._stored = np.concatenate([self._stored, residuals])
        positions = np.arange(start, start + len(keys))
        self._memo.update(zip(keys, positions.tolist()))
        return positions

    def _intervals(self, values: np.ndarray, name: str) -> np.ndarray:
        """Which interval between consecutive split thresholds each value falls in
        (the values themselves when the thresholds are unknown)."""
        if self.thresholds is None:
            return values
        # side="left": x <= t exactly when t's position is at least x's, as the trees test.
        return np.where(np.isnan(values), -1, np.searchsorted(self.thresholds[name], values, side="left"))
