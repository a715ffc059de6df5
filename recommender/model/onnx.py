"""The gain model run by onnxruntime: the serving fast path.

scikit-learn spends milliseconds per ``predict`` call on input validation,
pandas and OpenMP thread start-up, whatever the number of rows; a service
answering one farm (~20 candidate rows) at a time needs microseconds. The
three pipelines of a :class:`~recommender.model.GainModel` (one-hot encoding +
histogram gradient boosting) are converted with skl2onnx into one ONNX graph
with three outputs, run in one onnxruntime call on one thread.

The boosters get a converter of their own. skl2onnx 1.20 writes them as
``TreeEnsembleRegressor``, whose thresholds and output are float32, so a stock
or a gain close to a split threshold can take the other branch (and with
onnx 1.23 its converter fails outright on a boolean attribute). They are
written here as ``TreeEnsemble`` (ai.onnx.ml opset 5) in float64: thresholds,
leaf values and sums in double, as scikit-learn computes them. Parity with
the scikit-learn model is ~1e-15 (``tests/test_onnx_model.py``); the one-hot
encoders are skl2onnx's, with unknown categories encoded as all zeros, as
scikit-learn's ``handle_unknown="ignore"`` does.
"""

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType, StringTensorType
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from recommender.model.features import CATEGORICAL, NUMERIC, Features
from recommender.model.gain_model import GainModel

OUTPUTS = ("expected", "low", "high")
#: Main ONNX opset of the graph; ``TreeEnsemble`` needs ai.onnx.ml opset 5.
OPSET = 21
ML_OPSET = 5
#: skl2onnx refuses to write ai.onnx.ml opsets above 3; the booster node is
#: declared at 3 for its checks and the model's import raised to 5 afterwards
#: (the other ai.onnx.ml operators it uses are unchanged between 3 and 5).
_SKL2ONNX_ML_OPSET = 3
_BRANCH_LEQ = 0
_SUM = 1


#: Largest difference allowed between the ONNX and scikit-learn residuals,
#: t C/ha/yr (both compute in float64: observed differences are ~1e-15).
PARITY_TOLERANCE = 1e-9


class OnnxConversionError(RuntimeError):
    """A gain model that cannot be converted exactly to ONNX."""


def _booster_shape(operator) -> None:
    operator.outputs[0].type = DoubleTensorType([operator.inputs[0].get_first_dimension(), 1])


def _tree_arrays(booster: HistGradientBoostingRegressor) -> dict:
    """The boosting trees as the flat node and leaf arrays of ``TreeEnsemble``."""
    arrays: dict[str, list] = {key: [] for key in ("splits", "features", "true_ids", "true_leaf", "false_ids",
                                                   "false_leaf", "missing", "leaf_weights", "roots")}
    for (predictor,) in booster._predictors:
        nodes = predictor.nodes
        leaf_index: dict[int, int] = {}
        for i in np.flatnonzero(nodes["is_leaf"]).tolist():
            leaf_index[i] = len(arrays["leaf_weights"])
            arrays["leaf_weights"].append(float(nodes["value"][i]))
        internal = np.flatnonzero(~nodes["is_leaf"].astype(bool)).tolist()
        if not internal:
            # A tree that is a single leaf: TreeEnsemble roots must be branch
            # nodes, so both sides of a dummy split lead to that leaf.
            arrays["roots"].append(len(arrays["splits"]))
            for key, value in (("splits", 0.0), ("features", 0), ("true_ids", leaf_index[0]),
                               ("true_leaf", 1), ("false_ids", leaf_index[0]), ("false_leaf", 1),
                               ("missing", 0)):
                arrays[key].append(value)
            continue
        first = len(arrays["splits"])
        node_index = {i: first + k for k, i in enumerate(internal)}
        arrays["roots"].append(node_index[0])
        for i in internal:
            node = nodes[i]
            arrays["splits"].append(float(node["num_threshold"]))
            arrays["features"].append(int(node["feature_idx"]))
            arrays["missing"].append(int(node["missing_go_to_left"]))
            # scikit-learn sends x <= threshold (and NaN when missing_go_to_left) left.
            for child, ids, leaf in ((int(node["left"]), "true_ids", "true_leaf"),
                                     (int(node["right"]), "false_ids", "false_leaf")):
                is_leaf = bool(nodes["is_leaf"][child])
                arrays[ids].append(leaf_index[child] if is_leaf else node_index[child])
                arrays[leaf].append(int(is_leaf))
    return arrays


def _convert_booster(scope, operator, container) -> None:
    """skl2onnx converter: a HistGradientBoostingRegressor as a float64 TreeEnsemble."""
    booster = operator.raw_operator
    if getattr(booster, "is_categorical_", None) is not None and booster.is_categorical_.any():
        raise OnnxConversionError(
            "the booster uses native categorical splits, which do not convert exactly; "
            "train with one-hot encoded categories (recommender.model.make_pipeline)"
        )
    if booster.n_trees_per_iteration_ != 1:
        raise OnnxConversionError("only single-output regression boosters are supported")
    trees = _tree_arrays(booster)
    raw = scope.get_unique_variable_name("raw_sum")
    container.add_node(
        "TreeEnsemble", operator.inputs[0].full_name, raw,
        op_domain="ai.onnx.ml", op_version=_SKL2ONNX_ML_OPSET,
        name=scope.get_unique_operator_name("TreeEnsemble"),
        aggregate_function=_SUM, post_transform=0, n_targets=1,
        tree_roots=trees["roots"],
        nodes_featureids=trees["features"],
        nodes_splits=numpy_helper.from_array(np.array(trees["splits"], np.float64)),
        nodes_modes=numpy_helper.from_array(np.full(len(trees["splits"]), _BRANCH_LEQ, np.uint8)),
        nodes_truenodeids=trees["true_ids"], nodes_trueleafs=trees["true_leaf"],
        nodes_falsenodeids=trees["false_ids"], nodes_falseleafs=trees["false_leaf"],
        nodes_missing_value_tracks_true=trees["missing"],
        leaf_targetids=[0] * len(trees["leaf_weights"]),
        leaf_weights=numpy_helper.from_array(np.array(trees["leaf_weights"], np.float64)),
    )
    baseline = scope.get_unique_variable_name("baseline")
    container.add_initializer(baseline, TensorProto.DOUBLE, [1],
                              [float(np.ravel(booster._baseline_prediction)[0])])
    container.add_node("Add", [raw, baseline], operator.outputs[0].full_name,
                       name=scope.get_unique_operator_name("Add"))


def _input_types() -> list:
    return [(c, StringTensorType([None, 1])) for c in CATEGORICAL] + [
        (c, DoubleTensorType([None, 1])) for c in NUMERIC
    ]


def to_onnx(model: GainModel) -> onnx.ModelProto:
    """One ONNX graph computing the three residual pipelines of ``model``.

    Inputs: the categorical features as strings and the numeric ones as
    float64, each shaped ``(n, 1)``; outputs ``expected``, ``low``, ``high``
    (residuals, float64, ``(n, 1)``), in that order.
    """
    merged: onnx.ModelProto | None = None
    for output in OUTPUTS:
        converted = convert_sklearn(
            getattr(model, output),
            initial_types=_input_types(),
            final_types=[(output, DoubleTensorType([None, 1]))],
            target_opset={"": OPSET, "ai.onnx.ml": _SKL2ONNX_ML_OPSET},
            custom_conversion_functions={HistGradientBoostingRegressor: _convert_booster},
            custom_shape_calculators={HistGradientBoostingRegressor: _booster_shape},
        )
        # Prefix every internal name so the three graphs can share their inputs.
        graph = onnx.compose.add_prefix_graph(
            converted.graph, f"{output}_", rename_inputs=False, rename_outputs=False
        )
        if merged is None:
            merged = converted
            merged.graph.CopyFrom(graph)
        else:
            merged.graph.node.extend(graph.node)
            merged.graph.initializer.extend(graph.initializer)
            merged.graph.output.extend(graph.output)
    if merged is None:
        raise OnnxConversionError("the model has no output to convert")
    for opset in merged.opset_import:
        if opset.domain == "ai.onnx.ml":
            opset.version = ML_OPSET
    onnx.checker.check_model(merged)
    return merged


class OnnxGainModel:
    """A :class:`GainModel` converted to ONNX, with the same predictions.

    Parameters
    ----------
    model : GainModel
        The scikit-learn model to convert.
    threads : int
        onnxruntime intra-op threads; 1 keeps a server worker on one core.
    """

    def __init__(self, model: GainModel, threads: int = 1):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(
            to_onnx(model).SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def residuals(self, features: Features) -> np.ndarray:
        """Predicted ``gain - Tier 1 gain``: n x 3 (mean, p10, p90), t C/ha/yr
        (the contract of :meth:`GainModel.residuals`)."""
        if len(features) == 0:
            return np.empty((0, 3))
        gain_column, stock_column = NUMERIC
        feeds = {name: values.reshape(-1, 1) for name, values in features.categories.items()}
        feeds[gain_column] = features.tier1_gain.reshape(-1, 1)
        feeds[stock_column] = features.stock.reshape(-1, 1)
        return np.column_stack([residual.ravel() for residual in self.session.run(OUTPUTS, feeds)])


def checked_conversion(model: GainModel, probe: Features, threads: int = 1) -> OnnxGainModel:
    """``model`` converted to ONNX, after checking it agrees with scikit-learn on ``probe``.

    Raises
    ------
    OnnxConversionError
        If the model does not convert, or its residuals differ from
        scikit-learn's by more than ``PARITY_TOLERANCE`` on a probe row.
    """
    converted = OnnxGainModel(model, threads)
    # OpenMP limits are per calling thread: set here, where scikit-learn runs.
    with threadpool_limits(threads):
        reference = model.residuals(probe)
    difference = float(np.abs(converted.residuals(probe) - reference).max(initial=0.0))
    if difference > PARITY_TOLERANCE:
        raise OnnxConversionError(
            f"ONNX predictions differ from scikit-learn's by {difference:.2e} t C/ha/yr "
            f"(tolerance {PARITY_TOLERANCE:g})")
    return converted
