"""Ranking practices for many farms at once, with the model in service.

All farms of a call are scored in one vectorised model call; rankings and
bundles are built with array operations, not a loop over farms, so the same
functions serve one farm (the API) and a million (batch scoring).

Objectives (``score`` per candidate, higher is better):

* ``carbon``: expected gain, t C/ha/yr (default);
* ``robust``: the 10 % quantile: a gain the farm can count on;
* ``cost``: expected gain per USD/ha/yr of mid-range cost (costs below
  1 USD/ha, including net savings, count as 1 USD/ha);
* ``balanced``: half the gain relative to the farm's best, half the
  co-benefit score relative to the maximum (4 services x 3).
"""

from typing import Sequence

import numpy as np
import pandas as pd

from recommender.knowledge.catalogue import practice_table
from recommender.inputs.farm import FarmContext
from recommender.knowledge import COBENEFITS
from recommender.model.gain_model import GainModel, ordered_prediction
from recommender.science.tier1 import ContextKey, Tier1Engine

OBJECTIVES = ("carbon", "robust", "cost", "balanced")
MIN_COST_USD = 1.0
MAX_COBENEFIT = 3 * len(COBENEFITS)


def contexts_frame(contexts: Sequence[FarmContext]) -> pd.DataFrame:
    """Validated contexts as the table ``Tier1Engine.candidates`` reads."""
    return pd.DataFrame(
        {
            "climate_zone": [c.climate_zone.value for c in contexts],
            "soil_class": [c.resolved_soil_class.value for c in contexts],
            "land_use": [c.land_use.value for c in contexts],
            "degradation": [c.degradation.value for c in contexts],
            "current_practices": [tuple(sorted(c.current_practices)) for c in contexts],
            "soc_t_ha": np.array([np.nan if c.soc_t_ha is None else c.soc_t_ha for c in contexts], float),
        }
    )


def score_candidates(contexts: pd.DataFrame, model: GainModel, engine: Tier1Engine) -> pd.DataFrame:
    """Every applicable (farm, practice) pair with the model's gain and interval."""
    candidates = engine.candidates(contexts)
    predicted = model.predict(candidates)
    scored = pd.concat([candidates, predicted], axis=1)
    return scored.join(practice_table(), on="practice_id")


def objective_values(objective: str, expected, p10, middle_cost, cobenefit, farm_best) -> np.ndarray:
    """The value to rank by (higher is better), from arrays aligned by candidate.

    ``middle_cost`` is the mid-range cost (USD/ha), ``cobenefit`` the summed
    co-benefit score and ``farm_best`` the best expected gain of each
    candidate's farm (used by ``balanced``).
    """
    if objective == "carbon":
        return np.asarray(expected)
    if objective == "robust":
        return np.asarray(p10)
    if objective == "cost":
        return np.asarray(expected) / np.maximum(middle_cost, MIN_COST_USD)
    if objective == "balanced":
        best = np.maximum(farm_best, 1e-9)
        return 0.5 * np.asarray(expected) / best + 0.5 * np.asarray(cobenefit) / MAX_COBENEFIT
    raise ValueError(f"unknown objective '{objective}'; allowed: {', '.join(OBJECTIVES)}")


def objective_score(scored: pd.DataFrame, objective: str) -> np.ndarray:
    """The value to rank by (higher is better) for ``objective``."""
    farm_best = (
        scored.groupby("row")["expected"].transform("max").to_numpy() if objective == "balanced" else None
    )
    return objective_values(
        objective,
        scored["expected"].to_numpy(),
        scored["p10"].to_numpy(),
        ((scored["usd_ha_min"] + scored["usd_ha_max"]) / 2).to_numpy(),
        scored["cobenefit_score"].to_numpy(),
        farm_best,
    )


def rank(scored: pd.DataFrame, objective: str = "carbon", top_k: int | None = None) -> pd.DataFrame:
    """Candidates ordered by farm then objective, with ``rank`` (1 = best)."""
    ordered = scored.assign(score=objective_score(scored, objective))
    ordered = ordered.sort_values(["row", "score", "practice_id"], ascending=[True, False, True], kind="stable")
    ordered["rank"] = ordered.groupby("row").cumcount() + 1
    if top_k is not None:
        ordered = ordered[ordered["rank"] <= top_k]
    return ordered.reset_index(drop=True)


def best_bundles(ranked: pd.DataFrame, contexts: pd.DataFrame, engine: Tier1Engine,
                 bundle_size: int) -> pd.DataFrame:
    """The best set of up to ``bundle_size`` compatible practices per farm.

    Greedy in objective order: a practice joins unless it conflicts with one
    already chosen or adds nothing to it (``practice_table`` attrs
    ``bundle_excludes``); only practices with a positive expected gain join. The
    bundle's gain is the Tier 1 gain of the combined state (factors multiply,
    rates add) plus the model's correction of each member; its interval adds
    the members' interval half-widths around that (a conservative band that
    assumes their errors move together).

    ``ranked`` is the full output of :func:`rank` (no ``top_k`` cut).
    Returns one row per farm (``row``): ``practice_ids`` (tuple),
    ``expected``, ``p10``, ``p90`` (t C/ha/yr).
    """
    table = practice_table()
    excludes = table.attrs["bundle_excludes"]
    pool = ranked[ranked["expected"] > 0]
    rows = pool["row"].to_numpy()
    codes = pool["code"].to_numpy()
    available = np.ones(len(pool), dtype=bool)
    chosen = np.zeros(len(pool), dtype=bool)
    for _ in range(bundle_size):
        # ``pool`` is sorted by farm then score: the first available row of a
        # farm is its best remaining practice.
        candidates = np.flatnonzero(available)
        if candidates.size == 0:
            break
        first = candidates[np.unique(rows[candidates], return_index=True)[1]]
        chosen[first] = True
        available[first] = False
        pick_of_farm = np.full(rows.max() + 1, -1)
        pick_of_farm[rows[first]] = codes[first]
        picked = pick_of_farm[rows]
        clash = (picked >= 0) & excludes[np.maximum(picked, 0), codes]
        available &= ~clash
    members = pool[chosen]
    correction = (members["expected"] - members["tier1_gain_t_c_ha_yr"]).groupby(members["row"]).sum()
    below = (members["expected"] - members["p10"]).groupby(members["row"]).sum()
    above = (members["p90"] - members["expected"]).groupby(members["row"]).sum()
    ids = _tuples_by_row(members["row"].to_numpy(), members["practice_id"].to_numpy(object))
    tier1 = _tier1_bundle_gains(ids, contexts, engine)
    expected = tier1 + correction
    bundles = ordered_prediction(expected.to_numpy(), (expected - below).to_numpy(),
                                 (expected + above).to_numpy(), ids.index)
    bundles.insert(0, "practice_ids", ids)
    bundles["tier1_gain_t_c_ha_yr"] = tier1
    return bundles.rename_axis("row").reset_index()


def _tuples_by_row(rows: np.ndarray, values: np.ndarray) -> pd.Series:
    """``values`` grouped into one tuple per row (``rows`` sorted), in their order.

    Slicing sorted arrays is some 50 times faster than a groupby aggregation
    calling ``tuple`` per group, which dominated batch scoring.
    """
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.array([], int)
    ends = np.r_[starts[1:], len(rows)]
    return pd.Series([tuple(values[s:e]) for s, e in zip(starts, ends)], index=pd.Index(rows[starts], name="row"),
                     dtype=object)


def _tier1_bundle_gains(ids: pd.Series, contexts: pd.DataFrame, engine: Tier1Engine) -> pd.Series:
    """Central Tier 1 gain of each farm's bundle, computed once per distinct
    (context, bundle) and joined back."""
    columns = list(ContextKey._fields) + ["practice_ids"]
    frame = contexts.loc[ids.index, list(ContextKey._fields) + ["soc_t_ha"]].assign(practice_ids=ids.to_numpy())
    distinct = frame.drop_duplicates(columns)[columns].reset_index(drop=True)
    parts = []
    for record in distinct.itertuples(index=False):
        key = ContextKey(*record[: len(ContextKey._fields)])
        parts.append((engine.tier1_stock(key)[0], *engine.central_change(key, record.practice_ids)))
    distinct[["_stock", "_relative", "_rate"]] = pd.DataFrame(parts, columns=["_stock", "_relative", "_rate"])
    joined = frame.merge(distinct, on=columns, how="left")
    stock = joined["soc_t_ha"].fillna(joined["_stock"]).to_numpy()
    return pd.Series(stock * joined["_relative"].to_numpy() + joined["_rate"].to_numpy(), index=ids.index)
