"""The reference training set: what the Tier 1 engine says, with its uncertainty.

Contexts span every climate zone x soil class (with a Table 2.3 stock) x land
use x degradation, plus seeded random contexts with current practices and with
measured stocks. For each applicable practice, ``draws_per_pair`` Monte Carlo
draws of the gain become training rows, so a model fitted on this set
reproduces the engine's central value and its 10-90 % band.
"""

import itertools

import numpy as np
import pandas as pd

from recommender.science.tier1 import ContextKey, Tier1Engine
from recommender.vocabulary import Degradation, LandUse

CONTEXT_COLUMNS = list(ContextKey._fields) + ["soc_t_ha"]


def reference_contexts(engine: Tier1Engine, seed: int = 0, extra: int = 1500) -> pd.DataFrame:
    """Grid of base contexts plus ``extra`` random ones (current practices, stocks)."""
    rng = np.random.default_rng(seed)
    stocks = engine.kb.reference_stocks["soc_ref_t_c_ha"].dropna()
    grid = [
        (zone, soil_class, land_use.value, degradation.value, ())
        for (zone, soil_class), land_use, degradation in itertools.product(
            stocks.index, LandUse, Degradation
        )
    ]
    practices = engine.kb.practices
    rows = [(*key, np.nan) for key in grid]
    for index in rng.integers(0, len(grid), size=extra):
        zone, soil_class, land_use, degradation, _ = grid[index]
        candidates = [p for p in practices.values() if land_use in p.land_uses]
        chosen: list[str] = []
        for practice in rng.permutation(candidates)[: rng.integers(0, 3)]:
            if not practice.conflicts_with & set(chosen):
                chosen.append(practice.id)
        key = ContextKey(zone, soil_class, land_use, degradation, tuple(sorted(chosen)))
        tier1_stock, _ = engine.tier1_stock(key)
        stock = tier1_stock * float(np.exp(rng.normal(0, 0.35))) if rng.random() < 0.5 else np.nan
        rows.append((*key, stock))
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


def reference_set(engine: Tier1Engine, seed: int = 0, draws_per_pair: int = 8,
                  extra_contexts: int = 1500) -> pd.DataFrame:
    """Candidates of the reference contexts, one row per Monte Carlo draw.

    Returns the candidates columns plus ``gain_t_c_ha_yr`` (the drawn gain),
    ``site_id`` (one per context, for grouped cross-validation) and
    ``origin`` = ``"reference"``. Deterministic for ``seed``.
    """
    rng = np.random.default_rng(seed + 1)
    contexts = reference_contexts(engine, seed, extra_contexts)
    candidates = engine.candidates(contexts)
    picks = rng.integers(0, engine.draws.n_draws, size=(len(candidates), draws_per_pair))
    gains = np.empty((len(candidates), draws_per_pair))
    keys = [ContextKey(*values) for values in contexts[list(ContextKey._fields)].itertuples(index=False)]
    stocks = [None if np.isnan(s) else float(s) for s in contexts["soc_t_ha"]]
    for position, (row, practice_id) in enumerate(zip(candidates["row"], candidates["practice_id"])):
        *_, gains[position] = engine.gain_draws(keys[row], (practice_id,), stocks[row], picks[position])
    expanded = candidates.loc[candidates.index.repeat(draws_per_pair)].reset_index(drop=True)
    expanded["gain_t_c_ha_yr"] = gains.ravel()
    expanded["site_id"] = "reference-" + expanded["row"].astype(str)
    expanded["origin"] = "reference"
    return expanded
