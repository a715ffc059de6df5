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
#: costs 40 bytes: its key, position and three residuals); the memory is
#: emptied when it holds more. A million farms with measured stocks have
#: ~0.9M distinct rows: a smaller memory predicts twice as many.
MEMO_ROWS = 2_000_000
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
        # The memory: sorted row keys and, for each, its residuals' position in the store.
        self._keys = np.empty(0, dtype=np.int64)
        self._positions = np.empty(0, dtype=np.int64)
        self._stored = np.empty((0, 3))

    def residuals(self, features: Features) -> np.ndarray:
        """n x 3 residuals (mean, p10, p90), t C/ha/yr, as ``predictor`` gives them."""
        if len(features) == 0:
            return np.empty((0, 3))
        if self.thresholds is None:
            codes, first = distinct([features.groups, features.tier1_gain, features.stock])
            self.predicted_rows += len(first)
            return self._predict(features.take(first))[codes]
        if len(self._keys) >= MEMO_ROWS:
            self._keys, self._positions, self._stored = self._keys[:0], self._positions[:0], self._stored[:0]
        keys, first, codes = np.unique(row_keys(features, self.thresholds), return_index=True, return_inverse=True)
        at = np.full(len(keys), -1)
        if len(self._keys):
            where = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
            known = self._keys[where] == keys
            at[known] = self._positions[where[known]]
        new = np.flatnonzero(at < 0)
        if len(new):
            at[new] = self._remember(keys[new], self._predict(features.take(first[new])))
        return self._stored[at][codes]

    def _predict(self, features: Features) -> np.ndarray:
        with threadpool_limits(SKLEARN_THREADS):
            return np.concatenate([
                self.predictor.residuals(features.take(np.arange(start, min(start + PREDICT_BATCH_ROWS,
                                                                                len(features)))))
                for start in range(0, len(features), PREDICT_BATCH_ROWS)
            ])

    def _remember(self, keys: np.ndarray, residuals: np.ndarray) -> np.ndarray:
        """Store ``residuals`` of the (sorted, new) ``keys``; return their positions in the store."""
        self.predicted_rows += len(keys)
        positions = np.arange(len(self._stored), len(self._stored) + len(keys))
        self._stored = np.concatenate([self._stored, residuals])
        insert_at = np.searchsorted(self._keys, keys)
        self._keys = np.insert(self._keys, insert_at, keys)
        self._positions = np.insert(self._positions, insert_at, positions)
        return positions


def row_keys(features: Features, thresholds: dict[str, np.ndarray]) -> np.ndarray:
    """One integer per row, equal exactly for rows of the same categories whose
    numeric inputs fall in the same intervals between split ``thresholds``.

    Bits, high to low: the categories' row number (``groups``; a survey keeps
    it far below 2**40), then each numeric input's interval.
    """
    key = features.groups.astype(np.int64)
    for name, values in ((NUMERIC[0], features.tier1_gain), (NUMERIC[1], features.stock)):
        # side="left": x <= t exactly when t's position is at least x's, as the
        # trees test; NaN (a missing input, which trees send their own way) is 0.
        interval = np.where(np.isnan(values), 0, np.searchsorted(thresholds[name], values, side="left") + 1)
        key = (key << (len(thresholds[name]) + 1).bit_length()) | interval
    return key
