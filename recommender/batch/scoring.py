"""Scoring a chunk of valid farm contexts: the pure core both engines run.

Farms with the same categorical context and the same measured stock (or
none) get the same answer, so each distinct (context, stock) pair, a *unit*,
is answered once by :meth:`recommender.recommend.recommender.Recommender.table`
and its rows are joined back to its farms with array indexing. Model rows are
de-duplicated further by :class:`~recommender.model.distinct_rows.DistinctRowsModel`.

Outputs are the typed answer flattened (``recommender.recommend.answer``):
one row per (farm, rank) in ``ROW_SCHEMA`` and one summary row per farm in
``SUMMARY_SCHEMA``, with full precision.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa

from recommender.arrays import distinct
from recommender.inputs.farm import ContextKey
from recommender.model.candidates import CandidateSource
from recommender.model.distinct_rows import DistinctRowsModel
from recommender.model.gain_model import GainModel
from recommender.model.onnx import OnnxConversionError, checked_conversion
from recommender.model.reference_set import reference_probe
from recommender.recommend.answer import ModelStamp
from recommender.recommend.flat import BASELINE_COLUMNS, BUNDLE_COLUMNS, RECOMMENDATION_COLUMNS
from recommender.recommend.options import Options
from recommender.recommend.practice_details import TextColumn
from recommender.recommend.recommender import Recommender
from recommender.science.tier1 import Tier1Engine

log = logging.getLogger(__name__)

CONTEXT_FIELDS = list(ContextKey._fields)
#: Lists in a cell: practice ids joined as in a survey's ``current_practices``;
#: caveats (sentences that may hold ";") by " | ".
LIST_SEPARATOR = ";"
CAVEAT_SEPARATOR = " | "
#: Text with few distinct values, stored once per chunk (Parquet dictionary).
TEXT = pa.dictionary(pa.int32(), pa.string())
_ARROW = {float: pa.float64(), int: pa.int64(), bool: pa.bool_(), str: TEXT}
_FARM = [("row", pa.int64()), ("farm_id", pa.string())]
_MODEL = [("model_version", TEXT)]
_BASELINE = [(name, _ARROW[kind]) for name, kind in BASELINE_COLUMNS.items()]
#: One row per (farm, rank): a recommendation of the answer, flattened, with
#: the farm's baseline and the model version.
ROW_SCHEMA = pa.schema([*_FARM, *((n, _ARROW[k]) for n, k in RECOMMENDATION_COLUMNS.items()), *_BASELINE,
                        *_MODEL])
#: One row per farm: baseline, number of applicable practices, the best one
#: and the best bundle (practice ids joined by ";"; empty without one).
SUMMARY_SCHEMA = pa.schema([
    *_FARM, *_BASELINE, ("applicable_practices", pa.int64()), ("best_practice_id", TEXT),
    ("best_expected_gain_t_c_ha_yr", pa.float64()), ("best_share_of_4p1000_target", pa.float64()),
    *((n, _ARROW[k]) for n, k in BUNDLE_COLUMNS.items()), *_MODEL,
])
#: The long table of time paths (on request): one row per farm, listed
#: practice (rank; 0 for the bundle), method and year.
TRAJECTORY_SCHEMA = pa.schema([*_FARM, ("rank", pa.int64()), ("practice_ids", TEXT), ("method", TEXT),
                               ("year", pa.float64()), ("soc_t_ha", pa.float64())])
ROW_COLUMNS = tuple(ROW_SCHEMA.names)
SUMMARY_COLUMNS = tuple(SUMMARY_SCHEMA.names)
TRAJECTORY_COLUMNS = tuple(TRAJECTORY_SCHEMA.names)


@dataclass(frozen=True)
class Scored:
    """Ranked rows (one per farm and rank, ``ROW_COLUMNS``), per-farm
    summaries (one per farm, ``SUMMARY_COLUMNS``) and, on request, the time
    paths (``TRAJECTORY_COLUMNS``), all in input order."""

    rows: pd.DataFrame
    summary: pd.DataFrame
    trajectories: pd.DataFrame | None = None


def _blocks(unit: np.ndarray, unit_of_farm: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray]:
    """Each farm's copy of its unit's entries: for entries grouped by (sorted)
    ``unit``, the farm of each output row and the entry it takes."""
    per_farm = np.bincount(unit, minlength=units)[unit_of_farm]
    farm = np.repeat(np.arange(len(unit_of_farm)), per_farm)
    # Position of each output row within its farm's block of rows.
    within = np.arange(len(farm)) - np.repeat(np.cumsum(per_farm) - per_farm, per_farm)
    return farm, np.searchsorted(unit, unit_of_farm)[farm] + within


def score_contexts(contexts: pd.DataFrame, recommender: Recommender, options: Options,
                   trajectories: bool = False) -> Scored:
    """Rank practices for valid farm contexts (``validate_chunk(...).contexts``).

    Parameters
    ----------
    contexts : pandas.DataFrame
        ``row``, ``farm_id``, the ``ContextKey`` fields and ``soc_t_ha``.
    recommender : Recommender
        The model in service as batch scoring runs it (:func:`chunk_scorer`).
    options : Options
        Objective, ``top_k``, bundle size (0: no bundle) and horizon (years).
    trajectories : bool
        Also give the long table of time paths (large: a row per year).
    """
    context_of_farm, first_of_context = distinct([contexts[c] for c in CONTEXT_FIELDS])
    unit_of_farm, first = distinct([context_of_farm, contexts["soc_t_ha"]])
    keys = [ContextKey(*values) for values in
            zip(*(contexts[c].to_numpy(object)[first_of_context] for c in CONTEXT_FIELDS))]
    table = recommender.table(keys, context_of_farm[first], contexts["soc_t_ha"].to_numpy(float)[first], options)
    recommendations = table.recommendation_columns
    farm_columns = table.farm_columns
    baseline = {name: farm_columns[name] for name in BASELINE_COLUMNS}

    unit, rank = np.asarray(recommendations["farm"]), np.asarray(recommendations["rank"])
    farm, pick = _blocks(unit, unit_of_farm, len(table))
    farm_rows, farm_ids = contexts["row"].to_numpy(), contexts["farm_id"].to_numpy(object)
    rows = pd.DataFrame({
        "row": farm_rows[farm], "farm_id": farm_ids[farm],
        **{name: _column(recommendations[name][pick], kind, CAVEAT_SEPARATOR if name == "caveats" else LIST_SEPARATOR)
           for name, kind in RECOMMENDATION_COLUMNS.items()},
        **{name: _column(baseline[name][unit][pick], kind) for name, kind in BASELINE_COLUMNS.items()},
    }, copy=False)  # one block per column: consolidating millions of rows is a copy the writer does not need
    best = np.full(len(table), -1)
    best[unit[rank == 1]] = np.flatnonzero(rank == 1)
    has_best = best >= 0

    def of_best(values: np.ndarray | TextColumn, missing) -> np.ndarray | TextColumn:
        if isinstance(values, TextColumn):
            codes = np.full(len(table), -1, dtype=np.int64)
            codes[has_best] = values.codes[best[has_best]]
            return TextColumn(codes, values.texts)
        out = np.full(len(table), missing, dtype=values.dtype if missing is np.nan else object)
        out[has_best] = values[best[has_best]]
        return out

    summary = pd.DataFrame({
        "row": farm_rows, "farm_id": farm_ids,
        **{name: _column(baseline[name][unit_of_farm], kind) for name, kind in BASELINE_COLUMNS.items()},
        "applicable_practices": farm_columns["applicable_practices"][unit_of_farm],
        "best_practice_id": _column(of_best(recommendations["practice_id"], None)[unit_of_farm], str),
        "best_expected_gain_t_c_ha_yr": of_best(recommendations["expected_gain_t_c_ha_yr"], np.nan)[unit_of_farm],
        "best_share_of_4p1000_target": of_best(recommendations["share_of_4p1000_target"], np.nan)[unit_of_farm],
        **{name: _column(farm_columns[name][unit_of_farm], kind) for name, kind in BUNDLE_COLUMNS.items()},
    }, copy=False)
    for frame in (rows, summary):
        frame["model_version"] = pd.Categorical.from_codes(np.zeros(len(frame), int), [recommender.stamp.version])
    paths = None
    if trajectories:
        long = table.trajectory_columns
        farm, pick = _blocks(np.asarray(long["farm"]), unit_of_farm, len(table))
        paths = pd.DataFrame({"row": farm_rows[farm], "farm_id": farm_ids[farm], "rank": long["rank"][pick],
                              **{name: _column(long[name][pick], str) for name in ("practice_ids", "method")},
                              "year": long["year"][pick], "soc_t_ha": long["soc_t_ha"][pick]}, copy=False)
    return Scored(rows[list(ROW_COLUMNS)], summary[list(SUMMARY_COLUMNS)], paths)


def _column(values: np.ndarray | TextColumn, kind: type, separator: str = LIST_SEPARATOR):
    """Cells of one output column: text as a categorical (as the answer table
    gives it, or factorized once per chunk: the fast way for long text; lists
    joined by ``separator``), a missing boolean as a masked value."""
    if isinstance(values, TextColumn):
        texts = [separator.join(t) if isinstance(t, tuple) else t for t in values.texts]
        return pd.Categorical.from_codes(values.codes, pd.Index(texts, dtype=object))
    if kind is str:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        text = [separator.join(u) if isinstance(u, tuple | list) else u for u in uniques]
        return pd.Categorical.from_codes(codes, pd.Index(text, dtype=object))
    if kind is bool and values.dtype == object:
        return pd.array(values, dtype="boolean")
    return values


def batch_predictor(model: GainModel, engine: Tier1Engine, onnx: bool = True) -> DistinctRowsModel:
    """The model as batch scoring runs it: each distinct row predicted once.

    With ``onnx``, the ONNX conversion when it converts and agrees with
    scikit-learn on the reference grid, as the API checks it; scikit-learn
    otherwise (logged). ONNX runs on one thread: onnxruntime sums trees in
    parallel in an order that depends on the thread count, which changes the
    last bits, and the local and Dask engines must agree to the bit (and with
    the API, also on one thread).
    """
    if onnx:
        try:
            return DistinctRowsModel(model, checked_conversion(model, reference_probe(CandidateSource(engine))))
        except OnnxConversionError as error:
            log.warning("scoring with scikit-learn: %s", error)
    return DistinctRowsModel(model)


def chunk_scorer(model: GainModel, engine: Tier1Engine, options: Options, model_version: str,
                 onnx: bool = True, trajectories: bool = False) -> Callable[[pd.DataFrame], Scored]:
    """:func:`score_contexts` bound to the model as batch scoring runs it, the
    engine, the options and whether to give the time paths.

    Keep one per process (or thread): it remembers predicted rows across chunks.
    """
    # Batch output names the model by its version only; its training date is the manifest's.
    stamp = ModelStamp(version=model_version, trained_at="")
    return partial(score_contexts, recommender=Recommender(engine, batch_predictor(model, engine, onnx), stamp),
                   options=options, trajectories=trajectories)
