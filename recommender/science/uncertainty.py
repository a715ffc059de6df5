"""Monte Carlo draws of every uncertain figure of the knowledge base.

IPCC states factor and reference-stock errors as +/- two standard deviations
in percent of the mean (Vol. 4 Ch. 2, Tables 2.3, 5.5 and 6.2); published rates
come with a 95 % interval. Each figure is drawn once per process from a normal
distribution with a fixed seed, so every result is reproducible, and the same
draw of a factor is used on both sides of a difference (a factor shared by the
current and the new state cancels, as it should).
"""

from dataclasses import dataclass

import numpy as np

from recommender.knowledge import KnowledgeBase

DEFAULT_SEED = 2019
DEFAULT_DRAWS = 2000
#: A 95 % interval spans 2 x 1.96 standard deviations of a normal distribution.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Draws:
    """Draws (rows) of factors, reference stocks and rates (columns)."""

    factor_index: dict
    factor_central: np.ndarray
    factor_draws: np.ndarray
    stock_index: dict
    stock_central: np.ndarray
    stock_draws: np.ndarray
    rate_index: dict
    rate_central: np.ndarray
    rate_draws: np.ndarray

    @property
    def n_draws(self) -> int:
        return self.factor_draws.shape[0]


def _relative(rng, central: np.ndarray, error_pct: np.ndarray, n: int, floor: float) -> np.ndarray:
    sd = central * error_pct / 100.0 / 2.0
    return np.maximum(central + sd * rng.standard_normal((n, central.size)), floor * central)


def make_draws(kb: KnowledgeBase, n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> Draws:
    """Draw every uncertain figure ``n_draws`` times with ``seed``."""
    rng = np.random.default_rng(seed)
    # A factor or a stock cannot reach zero (method.csv: draw_floor_fraction).
    floor = kb.method["draw_floor_fraction"]
    factors = kb.factors
    factor_central = factors["value"].to_numpy(float)
    stocks = kb.reference_stocks
    stock_central = stocks["soc_ref_t_c_ha"].to_numpy(float)
    rated = [(p.id, p.rate) for p in kb.practices.values() if p.rate is not None]
    rate_central = np.array([rate.mean for _, rate in rated], dtype=np.float64)
    rate_sd = np.array([(rate.high - rate.low) / (2 * Z95) for _, rate in rated], dtype=np.float64)
    return Draws(
        factor_index={key: i for i, key in enumerate(factors.index)},
        factor_central=factor_central,
        factor_draws=_relative(rng, factor_central, factors["error_pct"].to_numpy(float), n_draws, floor),
        stock_index={key: i for i, key in enumerate(stocks.index)},
        stock_central=stock_central,
        stock_draws=_relative(
            rng, stock_central, np.nan_to_num(stocks["error_pct"].to_numpy(float)), n_draws, floor
        ),
        rate_index={pid: i for i, (pid, _) in enumerate(rated)},
        rate_central=rate_central,
        rate_draws=rate_central + rate_sd * rng.standard_normal((n_draws, len(rated))),
    )
