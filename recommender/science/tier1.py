"""The carbon accounting engine: the scientific prior of every estimate.

One footing for every practice: a practice changes the field's *equilibrium*
stock relative to the field's own stock. For a field, IPCC 2019 Tier 1 gives
SOC = SOC_REF x F_LU x F_MG x F_I (Vol. 4 Ch. 2 Eq. 2.25); practices the
tables do not cover multiply it by a published relative effect
(``relative_effects.csv``: agroforestry, hedgerows). Writing F for that
product and S for the field's current stock (measured, or the estimate
SOC_REF x F_current), adopting practices moves the stock to
``S x F_new / F_current``, linearly over the IPCC transition time D = 20 yr::

    gain = S x (F_new / F_current - 1) / D   [t C/ha/yr, for D years]

which is exactly SOC_REF x (F_new - F_current) / D when S is the Tier 1
estimate. Biochar alone is not a change of equilibrium: it follows the IPCC
2019 Appendix 4 method (``recommender.science.biochar``), a rate for the years
of a declared application. Nothing is credited beyond the transition: after D
years the stock stays at its new equilibrium. Gains stop at the soil's
capacity (``recommender.science.capacity``), applied where answers are made.

Uncertainty comes from Monte Carlo draws of every factor, reference stock,
relative effect and biochar figure (``recommender.science.uncertainty``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np

from recommender.inputs.farm import ContextKey
from recommender.knowledge import KnowledgeBase, load_knowledge_base
from recommender.science.capacity import capacity_t_c_ha
from recommender.science.emissions import ch4_t_co2e, n2o_t_co2e
from recommender.science.state import State, apply_practices, baseline_state
from recommender.science.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED, make_draws
from recommender.vocabulary import Degradation, LandUse

QUANTILES = (10, 90)


@dataclass(frozen=True)
class ContextChanges:
    """What adopting each applicable practice of a context does (central values).

    The gain of practice ``i`` on a field of stock S is
    ``S x relative[i] + rate[i]`` t C/ha/yr for ``transition_years``;
    ``n2o``, ``ch4`` are the extra emissions it causes (t CO2e/ha/yr) and
    ``removal_share`` the share of its gain taken from the air on the field.
    None of them depends on the soil's texture (only the capacity does).
    """

    practice_ids: tuple[str, ...]
    relative: np.ndarray
    rate: np.ndarray
    n2o: np.ndarray
    ch4: np.ndarray
    removal_share: np.ndarray
    tier1_stock: float
    state: State


#: Stands for every texture in the cache of what does not depend on it.
ANY_TEXTURE = "any"


class Tier1Engine:
    """The carbon accounting (IPCC 2019 Tier 1 and the relative effects) with Monte Carlo uncertainty.

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
        self.transition_years = float(self.kb.method["transition_years"])
        self.target_fraction = self.kb.method["target_fraction_per_year"]
        self.co2_per_c = self.kb.method["co2_per_c"]
        self.region = dict(self.kb.climate_zones["factor_region"])
        self.current_state = lru_cache(maxsize=65536)(self._current_state)
        self.screen = lru_cache(maxsize=65536)(self._screen)
        self.tier1_stock = lru_cache(maxsize=65536)(self._tier1_stock)
        self._changes_of_soil_free_key = lru_cache(maxsize=65536)(self._changes)
        self._emissions = lru_cache(maxsize=65536)(self._emissions_of)
        self._capacity = lru_cache(maxsize=None)(partial(capacity_t_c_ha, self.kb))
        self._central_change = lru_cache(maxsize=65536)(self._central_change_of_state)
        # The baseline depends on land use and degradation only; the table
        # look-ups behind it are slow next to everything else per context.
        self._baseline = lru_cache(maxsize=None)(partial(baseline_state, self.kb))

    # -- states and applicability -------------------------------------------
    def _current_state(self, key: ContextKey) -> State:
        """The state of the field now: baseline + current practices."""
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
            elif not practice.biochar and _same_equilibrium(apply_practices(current, [practice]), current):
                excluded[practice.id] = ("no change: the field already has what it brings "
                                         f"(input level {current.input})" if current.input else
                                         "no change: the field is already at the level it sets")
            else:
                applicable.append(practice.id)
        return tuple(applicable), excluded

    # -- numbers ------------------------------------------------------------
    def _factor_product(self, state: State, region: str, rows=slice(None)) -> tuple[float, np.ndarray]:
        index = [self.draws.factor_index[(*key, region)] for key in state.factor_keys()]
        index += [self.draws.factor_index[("effect", effect)] for effect in sorted(state.effects)]
        central = float(np.prod(self.draws.factor_central[index]))
        return central, self.draws.factor_draws[rows][:, index].prod(axis=1)

    def _tier1_stock(self, key: ContextKey) -> tuple[float, np.ndarray]:
        """Stock estimate SOC_REF x F_current: central value and draws."""
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
        """The biochar carbon of ``practice_ids``, t C/ha/yr: central value and draws."""
        index = [self.draws.rate_index[p] for p in practice_ids if p in self.draws.rate_index]
        return (
            float(self.draws.rate_central[index].sum()),
            self.draws.rate_draws[rows][:, index].sum(axis=1),
        )

    def gain_draws(
        self, key: ContextKey, practice_ids: Iterable[str], stock: float | None, rows=slice(None)
    ) -> tuple[float, float, float, np.ndarray]:
        """Central stock, relative part, biochar part and Monte Carlo draws of the gain
        (all draws, or those selected by ``rows``)."""
        practice_ids = tuple(practice_ids)
        tier1_stock, tier1_stock_draws = self.tier1_stock(key)
        stock_central = tier1_stock if stock is None else stock
        stock_draws = tier1_stock_draws[rows] if stock is None else stock
        relative, relative_draws = self.relative_change(key, practice_ids, rows)
        rate, rate_draws = self.rate(practice_ids, rows)
        draws = stock_draws * relative_draws + rate_draws
        return float(stock_central), float(stock_central * relative), rate, draws

    # -- many farms at once -------------------------------------------------
    def central_change(self, key: ContextKey, practice_ids: tuple[str, ...]) -> tuple[float, float]:
        """Central ``(F_new / F_current - 1) / D`` and biochar rate of adopting
        ``practice_ids`` together (no Monte Carlo draws)."""
        return self._central_change(self.current_state(key), self.region[key.climate_zone], practice_ids)

    def _central_change_of_state(self, current: State, region: str,
                                 practice_ids: tuple[str, ...]) -> tuple[float, float]:
        # Cached by state, not by context: many contexts share a state and region.
        central = slice(0, 0)
        return self._state_change(current, region, practice_ids, central)[0], self.rate(practice_ids, central)[0]

    def emissions(self, key: ContextKey, practice_ids: tuple[str, ...]) -> tuple[float, float]:
        """Extra N2O and CH4 (t CO2e/ha/yr) of adopting ``practice_ids`` together."""
        paddy = key.land_use == LandUse.PADDY_RICE.value
        # Cached by what they depend on: thousands of contexts share a few climates.
        return self._emissions(practice_ids, key.climate_zone, paddy, key.current_practices if paddy else ())

    def _emissions_of(self, practice_ids: tuple[str, ...], climate_zone: str, paddy: bool,
                      current_amendments: tuple[str, ...]) -> tuple[float, float]:
        n2o = n2o_t_co2e(self.kb, practice_ids, climate_zone, paddy)
        ch4 = ch4_t_co2e(self.kb, practice_ids, current_amendments) if paddy else 0.0
        return n2o, ch4

    def capacity(self, key: ContextKey) -> float:
        """The soil's SOC ceiling, t C/ha (``recommender.science.capacity``)."""
        return self._capacity(key.soil_texture, key.soil_class, key.climate_zone)

    def removal_share(self, practice_ids: Iterable[str]) -> np.ndarray:
        """Each practice's share of its gain that is a removal from the air."""
        return np.array([self.kb.practices[p].origin.removal_share for p in practice_ids], dtype=float)

    def changes(self, key: ContextKey) -> ContextChanges:
        """What adopting each applicable practice does here (the same for every texture)."""
        return self._changes_of_soil_free_key(key._replace(soil_texture=ANY_TEXTURE))

    def _changes(self, key: ContextKey) -> ContextChanges:
        applicable, _ = self.screen(key)
        pairs = [self.central_change(key, (pid,)) for pid in applicable]
        emissions = [self.emissions(key, (pid,)) for pid in applicable]
        return ContextChanges(
            practice_ids=applicable,
            relative=np.array([relative for relative, _ in pairs], dtype=float),
            rate=np.array([rate for _, rate in pairs], dtype=float),
            n2o=np.array([n2o for n2o, _ in emissions], dtype=float),
            ch4=np.array([ch4 for _, ch4 in emissions], dtype=float),
            removal_share=self.removal_share(applicable),
            tier1_stock=float(self.tier1_stock(key)[0]),
            state=self.current_state(key),
        )


def _same_equilibrium(new: State, current: State) -> bool:
    """Whether two states have the same factors (a floor already reached, a
    step already taken or a level already set change nothing)."""
    return (new.land_use, new.factor_keys(), new.effects) == (current.land_use, current.factor_keys(), current.effects)
