"""The reference training set: what the Tier 1 engine says, with its uncertainty.

Contexts span every climate zone x soil class (with a Table 2.3 stock) x land
use x degradation, plus seeded random contexts with current practices and with
measured stocks. For each applicable practice, ``draws_per_pair`` Monte Carlo
draws of the gain become training rows, so a model fitted on this set
reproduces the engine's central value and its 10-90 % band.
"""

import itertools
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from recommender.inputs.farm import ContextKey
from recommender.model.candidates import Candidates, CandidateSource
from recommender.model.features import Features
from recommender.science.tier1 import Tier1Engine
from recommender.vocabulary import Degradation, LandUse

CONTEXT_COLUMNS = list(ContextKey._fields) + ["soc_t_ha"]


@dataclass(frozen=True)
class ReferenceSetConfig:
    """Size and spread of the reference set (stored in the model's manifest).

    ``measured_share`` of the random contexts carry a "measured" stock, drawn
    log-normally around their Tier 1 stock with ``stock_log_sd``: 0.35 spans
    roughly half to twice the Tier 1 estimate (the 5-95 % range), so that the
    model sees stocks as far from the tables as fields commonly are.
    """

    draws_per_pair: int = 8
    extra_contexts: int = 1500
    measured_share: float = 0.5
    stock_log_sd: float = 0.35

    def as_dict(self) -> dict:
        return asdict(self)


def reference_contexts(engine: Tier1Engine, seed: int = 0, extra: int = 1500,
                       config: ReferenceSetConfig = ReferenceSetConfig()) -> pd.DataFrame:
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
    rows: list[tuple] = [(*key, np.nan) for key in grid]
    for index in rng.integers(0, len(grid), size=extra):
        zone, soil_class, land_use, degradation, _ = grid[index]
        candidates = [p for p in practices.values() if land_use in p.land_uses]
        chosen: list[str] = []
        for position in rng.permutation(len(candidates))[: rng.integers(0, 3)]:
            practice = candidates[position]
            if not practice.conflicts_with & set(chosen):
                chosen.append(practice.id)
        key = ContextKey(zone, soil_class, land_use, degradation, tuple(sorted(chosen)))
        tier1_stock, _ = engine.tier1_stock(key)
        stock = (tier1_stock * float(np.exp(rng.normal(0, config.stock_log_sd)))
                 if rng.random() < config.measured_share else np.nan)
        rows.append((*key, stock))
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


def context_candidates(source: CandidateSource, contexts: pd.DataFrame) -> Candidates:
    """Candidates of a table of contexts (``CONTEXT_COLUMNS``; ``soc_t_ha`` NaN when not measured)."""
    keys = [ContextKey(*values) for values in contexts[list(ContextKey._fields)].itertuples(index=False)]
    distinct = list(dict.fromkeys(keys))
    position = {key: i for i, key in enumerate(distinct)}
    return source.gather(distinct, np.array([position[k] for k in keys], dtype=np.int64),
                         contexts["soc_t_ha"].to_numpy(float))


def reference_probe(source: CandidateSource) -> Features:
    """Model inputs of the reference grid (every zone, soil class, land use and
    degradation): where a converted model is checked against the original."""
    return context_candidates(source, reference_contexts(source.engine, extra=0)).features


def reference_set(engine: Tier1Engine, seed: int = 0,
                  config: ReferenceSetConfig = ReferenceSetConfig()) -> pd.DataFrame:
    """Model inputs of the reference contexts' candidates, one row per Monte Carlo draw.

    Returns the model's input columns plus ``row`` (the context),
    ``gain_t_c_ha_yr`` (the drawn gain), ``site_id`` (one per context, for
    grouped cross-validation) and ``origin`` = ``"reference"``. Deterministic
    for ``seed``.
    """
    rng = np.random.default_rng(seed + 1)
    contexts = reference_contexts(engine, seed, config.extra_contexts, config)
    candidates = context_candidates(CandidateSource(engine), contexts)
    draws = config.draws_per_pair
    picks = rng.integers(0, engine.draws.n_draws, size=(len(candidates), draws))
    gains = np.empty((len(candidates), draws))
    keys = [ContextKey(*values) for values in contexts[list(ContextKey._fields)].itertuples(index=False)]
    stocks = [None if np.isnan(s) else float(s) for s in contexts["soc_t_ha"]]
    practice_ids = candidates.features.categories["practice_id"]
    for position, (row, practice_id) in enumerate(zip(candidates.farm, practice_ids)):
        *_, gains[position] = engine.gain_draws(keys[row], (practice_id,), stocks[row], picks[position])
    table = candidates.features.frame().assign(row=candidates.farm)
    expanded = table.loc[table.index.repeat(draws)].reset_index(drop=True)
    expanded["gain_t_c_ha_yr"] = gains.ravel()
    expanded["site_id"] = "reference-" + expanded["row"].astype(str)
    expanded["origin"] = "reference"
    return expanded
