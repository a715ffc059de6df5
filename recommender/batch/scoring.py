"""Scoring a chunk of valid farm contexts: the pure core both engines run.

Farms with the same categorical context and the same measured stock (or
none) get the same answer, so each distinct (context, stock) pair, a *unit*,
is ranked once with the library's vectorised ranking
(:func:`recommender.ranking.score_candidates`, :func:`~recommender.ranking.rank`,
:func:`~recommender.ranking.best_bundles`), and its rows are joined back to
its farms with array indexing. Model rows are deduplicated further by
:class:`~recommender.batch.prediction.DistinctRowsModel`.

Outputs carry the fields of the API's answer (``recommender.recommend``):
one row per (farm, rank) in ``ROW_SCHEMA`` and one summary row per farm in
``SUMMARY_SCHEMA``. Gains are t C/ha/yr, stocks t C/ha (0-30 cm), CO2e
t CO2e/ha/yr, costs USD/ha; numbers keep full precision (the API rounds to
6 decimals for JSON).
"""

from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from recommender.recommend.explain import rationale, tier1_drivers
from recommender.knowledge.catalogue import practice_table
from recommender.knowledge import COBENEFITS, load_knowledge_base
from recommender.model.gain_model import GainModel
from recommender.recommend.ranking import best_bundles, rank, score_candidates
from recommender.recommend.records import Options
from recommender.science.tier1 import ContextKey, Tier1Engine
from recommender.batch.keys import distinct
from recommender.model.distinct_rows import DistinctRowsModel, batch_model

CONTEXT_FIELDS = list(ContextKey._fields)
CAVEAT_SEPARATOR = " | "
BUNDLE_SEPARATOR = ";"
#: Text with few distinct values, stored once per chunk (Parquet dictionary).
TEXT = pa.dictionary(pa.int32(), pa.string())
_BASELINE = [
    ("baseline_soc_t_ha", pa.float64()), ("baseline_soc_source", TEXT), ("baseline_soil_class", TEXT),
    ("target_4p1000_t_c_ha_yr", pa.float64()),
]
#: One row per (farm, rank): the fields of a recommendation of the API's
#: answer, flattened (interval as p10/p90, co-benefits and cost as columns,
#: caveats joined by " | "), with the farm's baseline and the model version.
ROW_SCHEMA = pa.schema([
    ("row", pa.int64()), ("farm_id", pa.string()), ("rank", pa.int64()), ("practice_id", TEXT),
    ("name", TEXT), ("family", TEXT),
    ("expected_gain_t_c_ha_yr", pa.float64()), ("interval_p10_t_c_ha_yr", pa.float64()),
    ("interval_p90_t_c_ha_yr", pa.float64()), ("expected_gain_t_co2e_ha_yr", pa.float64()),
    ("share_of_4p1000_target", pa.float64()), ("meets_4p1000", pa.bool_()),
    ("gain_over_horizon_t_c_ha", pa.float64()), ("years_to_saturation", pa.float64()),
    *((f"cobenefit_{name}", pa.int64()) for name in COBENEFITS),
    ("cost_class", TEXT), ("cost_usd_ha_min", pa.float64()), ("cost_usd_ha_max", pa.float64()),
    ("rationale", TEXT), ("caveats", TEXT), *_BASELINE, ("model_version", TEXT),
])
#: One row per farm: baseline, number of applicable practices, the best one
#: and the best bundle (practice ids joined by ";"; empty without one).
SUMMARY_SCHEMA = pa.schema([
    ("row", pa.int64()), ("farm_id", pa.string()), *_BASELINE, ("applicable_practices", pa.int64()),
    ("best_practice_id", TEXT), ("best_expected_gain_t_c_ha_yr", pa.float64()),
    ("best_share_of_4p1000_target", pa.float64()), ("bundle_practice_ids", TEXT),
    ("bundle_expected_gain_t_c_ha_yr", pa.float64()), ("bundle_interval_p10_t_c_ha_yr", pa.float64()),
    ("bundle_interval_p90_t_c_ha_yr", pa.float64()), ("bundle_share_of_4p1000_target", pa.float64()),
    ("bundle_meets_4p1000", pa.bool_()), ("model_version", TEXT),
])
ROW_COLUMNS = tuple(ROW_SCHEMA.names)
SUMMARY_COLUMNS = tuple(SUMMARY_SCHEMA.names)


@dataclass(frozen=True)
class Scored:
    """Ranked rows (one per farm and rank, ``ROW_COLUMNS``) and per-farm
    summaries (one per farm, ``SUMMARY_COLUMNS``), both in input order."""

    rows: pd.DataFrame
    summary: pd.DataFrame


def score_contexts(contexts: pd.DataFrame, model: GainModel | DistinctRowsModel, engine: Tier1Engine,
                   options: Options, model_version: str) -> Scored:
    """Rank practices for valid farm contexts (``validate_chunk(...).contexts``).

    Parameters
    ----------
    contexts : pandas.DataFrame
        ``row``, ``farm_id``, the ``ContextKey`` fields and ``soc_t_ha``.
    model : GainModel or DistinctRowsModel
        The model in service; wrap it once in ``DistinctRowsModel`` to reuse
        its split thresholds across chunks.
    engine : Tier1Engine
    options : recommender.recommend.Options
        Objective, ``top_k``, bundle size (0: no bundle) and horizon (years).
    model_version : str
        Written on every row, as the API's ``model.version``.
    """
    if not isinstance(model, DistinctRowsModel):
        model = DistinctRowsModel(model)
    context_of_farm, first_of_context = distinct([contexts[c] for c in CONTEXT_FIELDS])
    unit_of_farm, first = distinct([context_of_farm, contexts["soc_t_ha"]])
    units = contexts.iloc[first][CONTEXT_FIELDS + ["soc_t_ha"]].reset_index(drop=True)
    context_of_unit = context_of_farm[first]
    keys = [ContextKey(*values) for values in
            zip(*(contexts[c].to_numpy(object)[first_of_context] for c in CONTEXT_FIELDS))]
    baseline = _baseline(units, keys, context_of_unit, engine)
    ranked = rank(score_candidates(units, model, engine), options.objective)
    unit_rows = _recommendations(ranked[ranked["rank"] <= options.top_k], keys, context_of_unit,
                                 baseline, engine, options)
    unit_summary = _summaries(ranked, units, baseline, engine, options)

    per_farm = np.bincount(unit_rows["row"], minlength=len(units))[unit_of_farm]
    starts = np.searchsorted(unit_rows["row"].to_numpy(), unit_of_farm)
    farm = np.repeat(np.arange(len(contexts)), per_farm)
    # Position of each output row within its farm's block of rows.
    within = np.arange(len(farm)) - np.repeat(np.cumsum(per_farm) - per_farm, per_farm)
    rows = unit_rows.iloc[starts[farm] + within].reset_index(drop=True)
    farm_rows, farm_ids = contexts["row"].to_numpy(), contexts["farm_id"].to_numpy(object)
    rows["row"] = farm_rows[farm]
    rows["farm_id"] = farm_ids[farm]
    summary = unit_summary.iloc[unit_of_farm].reset_index(drop=True)
    summary["row"] = farm_rows
    summary["farm_id"] = farm_ids
    for frame in (rows, summary):
        frame["model_version"] = pd.Categorical.from_codes(np.zeros(len(frame), int), [model_version])
    return Scored(rows[list(ROW_COLUMNS)], summary[list(SUMMARY_COLUMNS)])


def chunk_scorer(model: GainModel, engine: Tier1Engine, options: Options, model_version: str,
                 onnx: bool = True) -> Callable[[pd.DataFrame], Scored]:
    """:func:`score_contexts` bound to the model as batch scoring runs it
    (:func:`~recommender.batch.prediction.batch_model`), the engine and the options.

    Keep one per process (or thread): it remembers predicted rows across chunks.
    """
    return partial(score_contexts, model=batch_model(model, engine, onnx), engine=engine, options=options,
                   model_version=model_version)


def _categorical(values) -> pd.Categorical:
    """Text as a categorical (factorizing an object array is the fast way for long text)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(codes, pd.Index(uniques, dtype=object))


def _baseline(units: pd.DataFrame, keys: list[ContextKey], context_of_unit: np.ndarray,
              engine: Tier1Engine) -> pd.DataFrame:
    """Each unit's stock (measured, or Tier 1), its source, soil class and 4 per 1000 target."""
    measured = units["soc_t_ha"].notna().to_numpy()
    tier1 = np.array([engine.tier1_stock(key)[0] for key in keys], dtype=float)[context_of_unit]
    stock = np.where(measured, units["soc_t_ha"].to_numpy(), tier1)
    return pd.DataFrame({
        "baseline_soc_t_ha": stock,
        "baseline_soc_source": pd.Categorical.from_codes(measured.astype(int), ["ipcc_tier1", "measured"]),
        "baseline_soil_class": _categorical(units["soil_class"]),
        "target_4p1000_t_c_ha_yr": engine.target_fraction * stock,
    })


@lru_cache(maxsize=1)
def _practice_details() -> pd.DataFrame:
    """What the output says of each practice, one row per catalogue code
    (``catalogue.practice_table``'s ``code``)."""
    table = practice_table()
    practices = [load_knowledge_base().practices[pid] for pid in table.index]
    return pd.DataFrame({
        "practice_id": _categorical(table.index), "name": _categorical(table["name"]),
        "family": _categorical(table["family"]),
        "years_to_saturation": table["years_to_saturation"].to_numpy(float),
        **{f"cobenefit_{name}": [p.cobenefits.get(name, 0) for p in practices] for name in COBENEFITS},
        "cost_class": _categorical(table["cost_class"]),
        "cost_usd_ha_min": table["usd_ha_min"].to_numpy(float),
        "cost_usd_ha_max": table["usd_ha_max"].to_numpy(float),
        "caveats": _categorical([CAVEAT_SEPARATOR.join(p.caveats) for p in practices]),
    })


def _recommendations(top: pd.DataFrame, keys: list[ContextKey], context_of_unit: np.ndarray,
                     baseline: pd.DataFrame, engine: Tier1Engine, options: Options) -> pd.DataFrame:
    """The ranked rows of each unit (``row`` = unit), with the API's fields."""
    unit, code = top["row"].to_numpy(), top["code"].to_numpy()
    expected = top["expected"].to_numpy()
    details = _practice_details().iloc[code].reset_index(drop=True)
    target = baseline["target_4p1000_t_c_ha_yr"].to_numpy()[unit]
    # Drivers depend on the context and the practice only: one call per pair.
    pairs, first = distinct([context_of_unit[unit], code])
    practice_ids = top["practice_id"].to_numpy(object)
    drivers = np.array([tier1_drivers(engine, keys[context_of_unit[unit[i]]], practice_ids[i]) for i in first],
                       dtype=object)[pairs]
    gains = {
        "expected_gain_t_c_ha_yr": expected,
        "interval_p10_t_c_ha_yr": top["p10"].to_numpy(),
        "interval_p90_t_c_ha_yr": top["p90"].to_numpy(),
        "expected_gain_t_co2e_ha_yr": expected * engine.co2_per_c,
        "share_of_4p1000_target": expected / target,
        "meets_4p1000": expected >= target,
        "gain_over_horizon_t_c_ha": expected * np.minimum(options.horizon_years,
                                                         details["years_to_saturation"].to_numpy()),
        "rationale": _categorical([rationale(d, e, t) for d, e, t in
                                   zip(drivers, expected, top["tier1_gain_t_c_ha_yr"].to_numpy())]),
    }
    return pd.concat([pd.DataFrame({"row": unit, "rank": top["rank"].to_numpy()} | gains), details,
                      baseline.iloc[unit].reset_index(drop=True)], axis=1)


def _summaries(ranked: pd.DataFrame, units: pd.DataFrame, baseline: pd.DataFrame,
               engine: Tier1Engine, options: Options) -> pd.DataFrame:
    """One row per unit: applicable practices, the best one and the best bundle."""
    target = baseline["target_4p1000_t_c_ha_yr"].to_numpy()
    summary = baseline.copy()
    summary["applicable_practices"] = np.bincount(ranked["row"], minlength=len(units))
    best = ranked[ranked["rank"] == 1].set_index("row").reindex(range(len(units)))
    summary["best_practice_id"] = _categorical(best["practice_id"])
    summary["best_expected_gain_t_c_ha_yr"] = best["expected"].to_numpy()
    summary["best_share_of_4p1000_target"] = best["expected"].to_numpy() / target
    bundles = (best_bundles(ranked, units, engine, options.bundle_size) if options.bundle_size > 0
               else pd.DataFrame(columns=["row", "practice_ids", "expected", "p10", "p90"]))
    bundles = bundles.set_index("row").reindex(range(len(units)))
    bundle_expected = bundles["expected"].to_numpy(float)
    summary["bundle_practice_ids"] = _categorical(
        bundles["practice_ids"].map(BUNDLE_SEPARATOR.join, na_action="ignore"))
    summary["bundle_expected_gain_t_c_ha_yr"] = bundle_expected
    summary["bundle_interval_p10_t_c_ha_yr"] = bundles["p10"].to_numpy(float)
    summary["bundle_interval_p90_t_c_ha_yr"] = bundles["p90"].to_numpy(float)
    summary["bundle_share_of_4p1000_target"] = bundle_expected / target
    summary["bundle_meets_4p1000"] = pd.array(
        np.where(np.isnan(bundle_expected), None, bundle_expected >= target), dtype="boolean")
    return summary
