"""The IPCC 2019 Tier 1 carbon engine: the scientific prior of every estimate.

For a field, SOC = SOC_REF x F_LU x F_MG x F_I (Vol. 4 Ch. 2 Eq. 2.25) and a
change of state moves the stock to its new equilibrium over D = 20 years.
Writing the current stock S (measured, or the Tier 1 estimate
SOC_REF x F_current) the annual gain of adopting practices is::

    gain = S x (F_new / F_current - 1) / D  +  sum of published rates

which is exactly SOC_REF x (F_new - F_current) / D when S is the Tier 1
estimate. Published rates cover what Tier 1 does not (cover crops, trees,
biochar, ...). Intervals are the 10th-90th percentiles of Monte Carlo draws of
every factor, reference stock and rate (``recommender.uncertainty``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np

from recommender.inputs.farm import ContextKey, FarmContext
from recommender.knowledge import KnowledgeBase, load_knowledge_base
from recommender.science.state import State, apply_practices, baseline_state
from recommender.science.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, make_draws
from recommender.vocabulary import Degradation, LandUse

QUANTILES = (10, 90)


@dataclass(frozen=True)
class Gain:
    """Expected soil-carbon gain of adopting one practice or a bundle."""

    practice_ids: tuple[str, ...]
    gain_t_c_ha_yr: float
    interval_t_c_ha_yr: tuple[float, float]
    gain_t_co2e_ha_yr: float
    gain_over_horizon_t_c_ha: float
    horizon_years: float
    share_of_target: float
    years_to_saturation: float
    tier1_factor_part_t_c_ha_yr: float
    published_rate_part_t_c_ha_yr: float


@dataclass(frozen=True)
class ContextChanges:
    """Central Tier 1 change of adopting each applicable practice of a context.

    The gain of practice ``i`` on a field of stock S is
    ``S x relative[i] + rate[i]`` t C/ha/yr (S: measured, or ``tier1_stock``).
    """

    practice_ids: tuple[str, ...]
    relative: np.ndarray
    rate: np.ndarray
    tier1_stock: float
    state: State


@dataclass(frozen=True)
class Assessment:
    """Everything Tier 1 says about one field."""

    context: FarmContext
    soil_class: str
    state: State
    stock_t_c_ha: float
    stock_measured: bool
    stock_interval_t_c_ha: tuple[float, float]
    target_t_c_ha_yr: float
    gains: tuple[Gain, ...]
    excluded: dict[str, str]


class Tier1Engine:
    """IPCC 2019 Tier 1 engine with Monte Carlo uncertainty.

    Parameters
    ----------
    kb : KnowledgeBase, optional
        Defaults to the packaged knowledge base.
    n_draws, seed : int
        Monte Carlo draws and their seed; results are deterministic for a seed.
    """

    def __init__(
        self, kb: KnowledgeBase | None = None, n_draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
    ):
        self.kb = kb or load_knowledge_base()
        self.draws = make_draws(self.kb, n_draws, seed)
        self.transition_years = self.kb.method["transition_years"]
        self.target_fraction = self.kb.method["target_fraction_per_year"]
        self.co2_per_c = self.kb.method["co2_per_c"]
        self.region = dict(self.kb.climate_zones["factor_region"])
        self.current_state = lru_cache(maxsize=8192)(self._current_state)
        self.screen = lru_cache(maxsize=8192)(self._screen)
        self.tier1_stock = lru_cache(maxsize=8192)(self._tier1_stock)
        self.changes = lru_cache(maxsize=8192)(self._changes)
        self._central_change = lru_cache(maxsize=65536)(self._central_change_of_state)
        # The baseline depends on land use and degradation only; the table
        # look-ups behind it are slow next to everything else per context.
        self._baseline = lru_cache(maxsize=None)(partial(baseline_state, self.kb))

    # -- states and applicability -------------------------------------------
    def _current_state(self, key: ContextKey) -> State:
        """The Tier 1 state of the field now: baseline + current practices."""
        state = self._baseline(LandUse(key.land_use), Degradation(key.degradation))
        return apply_practices(state, (self.kb.practices[p] for p in key.current_practices))

    def _screen(self, key: ContextKey) -> tuple[tuple[str, ...], dict[str, str]]:
        """Applicable practice ids, and the reason each other practice is excluded."""
        current = self.current_state(key)
        applicable, excluded = [], {}
        for practice in self.kb.practices.values():
            clash = sorted(practice.conflicts_with & set(key.current_practices))
            if practice.id in key.current_practices:
                excluded[practice.id] = "already a current practice"
            elif clash:
                excluded[practice.id] = f"conflicts with current practice(s) {clash}"
            elif key.land_use not in practice.land_uses:
                uses = sorted(u.value for u in practice.land_uses)
                excluded[practice.id] = f"applies to land use {uses}, not '{key.land_use}'"
            elif key.climate_zone not in practice.climate_zones:
                excluded[practice.id] = f"not suited to climate zone '{key.climate_zone}'"
            elif key.degradation not in practice.degradation:
                levels = sorted(d.value for d in practice.degradation)
                excluded[practice.id] = f"applies to degradation {levels}, not '{key.degradation}'"
            elif practice.rate is None and apply_practices(current, [practice]) == current:
                excluded[practice.id] = (
                    "no change under Tier 1: the field is already at "
                    + ", ".join(f"{k}={getattr(current, k)}" for k in practice.sets)
                )
            else:
                applicable.append(practice.id)
        return tuple(applicable), excluded

    # -- numbers ------------------------------------------------------------
    def _factor_product(self, state: State, region: str, rows=slice(None)) -> tuple[float, np.ndarray]:
        index = [self.draws.factor_index[(*key, region)] for key in state.factor_keys()]
        central = float(np.prod(self.draws.factor_central[index]))
        return central, self.draws.factor_draws[rows][:, index].prod(axis=1)

    def _tier1_stock(self, key: ContextKey) -> tuple[float, np.ndarray]:
        """Tier 1 stock estimate SOC_REF x F_current: central value and draws."""
        region = self.region[key.climate_zone]
        i = self.draws.stock_index[(key.climate_zone, key.soil_class)]
        factor, factor_draws = self._factor_product(self.current_state(key), region)
        return self.draws.stock_central[i] * factor, self.draws.stock_draws[:, i] * factor_draws

    def relative_change(self, key: ContextKey, practice_ids: Iterable[str], rows=slice(None)):
        """``(F_new / F_current - 1) / D`` per year: central value and draws
        (all draws, or those selected by ``rows``)."""
        return self._state_change(self.current_state(key), self.region[key.climate_zone], practice_ids, rows)

    def _state_change(self, current: State, region: str, practice_ids: Iterable[str], rows=slice(None)):
        new = apply_practices(current, (self.kb.practices[p] for p in practice_ids))
        before, before_draws = self._factor_product(current, region, rows)
        after, after_draws = self._factor_product(new, region, rows)
        years = self.transition_years
        return (after / before - 1) / years, (after_draws / before_draws - 1) / years

    def rate(self, practice_ids: Iterable[str], rows=slice(None)) -> tuple[float, np.ndarray]:
        """Sum of the published rates of ``practice_ids``: central value and draws."""
        index = [self.draws.rate_index[p] for p in practice_ids if p in self.draws.rate_index]
        return (
            float(self.draws.rate_central[index].sum()),
            self.draws.rate_draws[rows][:, index].sum(axis=1),
        )

    def gain_draws(
        self, key: ContextKey, practice_ids: Sequence[str], stock: float | None, rows=slice(None)
    ) -> tuple[float, float, float, np.ndarray]:
        """Central stock, factor part, rate part and Monte Carlo draws of the gain
        (all draws, or those selected by ``rows``)."""
        tier1_stock, tier1_stock_draws = self.tier1_stock(key)
        stock_central = tier1_stock if stock is None else stock
        stock_draws = tier1_stock_draws[rows] if stock is None else stock
        relative, relative_draws = self.relative_change(key, practice_ids, rows)
        rate, rate_draws = self.rate(practice_ids, rows)
        draws = stock_draws * relative_draws + rate_draws
        return float(stock_central), float(stock_central * relative), rate, draws

    def gain(
        self, key: ContextKey, practice_ids: Sequence[str], stock: float | None, horizon_years: float
    ) -> Gain:
        """Gain of adopting ``practice_ids`` together (factors multiply, rates add)."""
        stock_central, factor_part, rate, draws = self.gain_draws(key, practice_ids, stock)
        central = factor_part + rate
        low, high = (float(q) for q in np.percentile(draws, QUANTILES))
        practices = [self.kb.practices[p] for p in practice_ids]
        horizon = factor_part * min(horizon_years, self.transition_years) + sum(
            p.rate.mean * min(horizon_years, p.years_to_saturation) for p in practices if p.rate
        )
        return Gain(
            practice_ids=tuple(practice_ids),
            gain_t_c_ha_yr=float(central),
            # The central estimate is the tables' own figure; a skewed draw
            # distribution must not leave it outside its interval.
            interval_t_c_ha_yr=(min(low, central), max(high, central)),
            gain_t_co2e_ha_yr=central * self.co2_per_c,
            gain_over_horizon_t_c_ha=horizon,
            horizon_years=horizon_years,
            share_of_target=central / (self.target_fraction * stock_central),
            years_to_saturation=max(p.years_to_saturation for p in practices),
            tier1_factor_part_t_c_ha_yr=factor_part,
            published_rate_part_t_c_ha_yr=rate,
        )

    def assess(self, context: FarmContext, horizon_years: float | None = None) -> Assessment:
        """Stock, 4 per 1000 target and the gain of every applicable practice."""
        horizon_years = horizon_years or self.transition_years
        key = context.key
        applicable, excluded = self.screen(key)
        stock, stock_draws = self.tier1_stock(key)
        measured = context.soc_t_ha is not None
        if context.soc_t_ha is not None:
            stock, interval = context.soc_t_ha, (context.soc_t_ha, context.soc_t_ha)
        else:
            low, high = np.percentile(stock_draws, QUANTILES)
            interval = (float(low), float(high))
        return Assessment(
            context=context,
            soil_class=key.soil_class,
            state=self.current_state(key),
            stock_t_c_ha=float(stock),
            stock_measured=measured,
            stock_interval_t_c_ha=interval,
            target_t_c_ha_yr=self.target_fraction * float(stock),
            gains=tuple(
                self.gain(key, (pid,), context.soc_t_ha, horizon_years) for pid in applicable
            ),
            excluded=dict(excluded),
        )

    # -- many farms at once -------------------------------------------------
    def central_change(self, key: ContextKey, practice_ids: tuple[str, ...]) -> tuple[float, float]:
        """Central ``(F_new / F_current - 1) / D`` and summed published rate of
        adopting ``practice_ids`` (no Monte Carlo draws)."""
        return self._central_change(self.current_state(key), self.region[key.climate_zone], practice_ids)

    def _central_change_of_state(self, current: State, region: str,
                                 practice_ids: tuple[str, ...]) -> tuple[float, float]:
        # Cached by state, not by context: many contexts share a state and region.
        central = slice(0, 0)
        return self._state_change(current, region, practice_ids, central)[0], self.rate(practice_ids, central)[0]

    def _changes(self, key: ContextKey) -> "ContextChanges":
        """What adopting each applicable practice does here (``changes`` is the cached call)."""
        applicable, _ = self.screen(key)
        pairs = [self.central_change(key, (pid,)) for pid in applicable]
        return ContextChanges(
            practice_ids=applicable,
            relative=np.array([relative for relative, _ in pairs], dtype=float),
            rate=np.array([rate for _, rate in pairs], dtype=float),
            tier1_stock=float(self.tier1_stock(key)[0]),
            state=self.current_state(key),
        )
