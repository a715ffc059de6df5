"""RothC at equilibrium without a 10,000-year spin-up, and the inputs for a target stock.

Given a year's monthly drivers, RothC is linear in its pools: every month
multiplies the active pools (DPM, RPM, BIO, HUM) by a 4 x 4 matrix (decay,
then humification into BIO and HUM) and adds that month's inputs. A year is
therefore an affine map ``x_next = A x + b`` and the equilibrium that a
spin-up approaches, year after year, is its fixed point
``x* = (I - A)^-1 b``: one batched 4 x 4 solve per field instead of
thousands of simulated years. ``b`` is linear in the inputs, so the
equilibrium can be rescaled for other inputs, and the input that gives a
target stock is a division (:mod:`.response` does the same for every year
of a trajectory).

The drivers given here describe a cycle of 12 c months (one year, or c years
of a rotation) repeated for ever. The moisture deficit is not linear, but it
does not depend on the pools: it is settled first, to the deficit that the
cycle reproduces, as a long spin-up would.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .model import Array, Drivers, State
from .modifiers import periodic_tsmd
from .parameters import RothCParameters, load_parameters
from .step import MONTHS_PER_YEAR, MonthlyTerms

#: Tracer layout of the affine-map runs: 4 unit pools, then the plant and the FYM inputs.
_PLANT, _FYM = 4, 5
_PLANT_SCALE = np.eye(6)[_PLANT][:, None]
_FYM_SCALE = np.eye(6)[_FYM][:, None]


@dataclass(frozen=True)
class AnnualMaps:
    """The affine maps of each year of the cycle, per field.

    Active pools at the end of year ``j`` of the cycle are
    ``transition[:, j] @ x + plant[:, j] + fym[:, j]``, ``x`` those at its start.

    Attributes
    ----------
    transition : (n, c, 4, 4) pools out (rows) per unit of pool in (columns).
    plant, fym : (n, c, 4) pools added by the year's plant and FYM inputs.
    tsmd : (n,) accumulated TSMD at the start of the cycle (mm), the one the
        cycle reproduces.
    """

    transition: Array
    plant: Array
    fym: Array
    tsmd: Array

    def cycle(self) -> tuple[Array, Array]:
        """The map of the whole cycle: ``A`` (n, 4, 4) and ``b`` (n, 4, 2), plant and FYM columns."""
        transition = np.broadcast_to(np.eye(4), self.transition.shape[:1] + (4, 4))
        offset = np.zeros(self.plant.shape[:1] + (4, 2))
        for year in range(self.transition.shape[1]):
            offset = self.transition[:, year] @ offset + np.stack([self.plant[:, year], self.fym[:, year]], -1)
            transition = self.transition[:, year] @ transition
        return transition, offset


@dataclass(frozen=True)
class EquilibriumResponse:
    """Equilibrium active pools due to each kind of input: rescale them at will.

    Attributes
    ----------
    plant, fym : (n, 4) equilibrium DPM, RPM, BIO, HUM (t C/ha) that the
        drivers' plant and FYM inputs sustain (NaN where nothing decomposes).
    annual_plant, annual_fym : (n,) those inputs per year, t C/ha/yr.
    tsmd : (n,) accumulated TSMD at the start of the cycle, mm.
    """

    plant: Array
    fym: Array
    annual_plant: Array
    annual_fym: Array
    tsmd: Array

    def active(self, plant_scale: ArrayLike = 1.0, fym_scale: ArrayLike = 1.0) -> Array:
        """(n, 4) equilibrium active pools with the drivers' inputs multiplied by the scales."""
        return (self.plant * np.asarray(plant_scale, dtype=float)[..., None]
                + self.fym * np.asarray(fym_scale, dtype=float)[..., None])

    def soc_per_input(self) -> tuple[Array, Array]:
        """Equilibrium active SOC (t C/ha, IOM excluded) per t C/ha/yr of plant and of FYM input.

        Each assumes that input spread over the months as in the drivers; NaN
        where the drivers have none of it (no spread to assume).
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.plant.sum(axis=1) / self.annual_plant, self.fym.sum(axis=1) / self.annual_fym

    def state(self, iom: ArrayLike, plant_scale: ArrayLike = 1.0, fym_scale: ArrayLike = 1.0) -> State:
        """The equilibrium :class:`~.model.State` with the drivers' inputs multiplied by the scales."""
        active = self.active(plant_scale, fym_scale)
        return State(active=active, iom=np.broadcast_to(np.asarray(iom, dtype=float), active.shape[:1]).copy(),
                     tsmd=self.tsmd)

    def scale_for_soc(self, target_soc: ArrayLike, iom: ArrayLike,
                      source: Literal["plant", "fym"] = "plant") -> Array:
        """(n,) multiplier of the drivers' ``source`` input whose equilibrium total SOC is ``target_soc``.

        The other input stays as in the drivers. Total SOC is linear in the
        input, so this is a division, not a search. A negative result means
        the target is below what IOM and the other input give on their own;
        NaN means the drivers have none of ``source`` to scale.
        """
        if source not in ("plant", "fym"):
            raise ValueError(f"source must be 'plant' or 'fym', not {source!r}")
        scaled, other = (self.plant, self.fym) if source == "plant" else (self.fym, self.plant)
        needed = np.asarray(target_soc, dtype=float) - np.asarray(iom, dtype=float) - other.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return needed / scaled.sum(axis=1)

    def input_for_soc(self, target_soc: ArrayLike, iom: ArrayLike,
                      source: Literal["plant", "fym"] = "plant") -> Array:
        """(n,) annual ``source`` input (t C/ha/yr, the drivers' monthly spread) for that target.

        See :meth:`scale_for_soc`; e.g. the plant input that keeps a measured
        stock at equilibrium, the usual way RothC is initialised.
        """
        annual = self.annual_plant if source == "plant" else self.annual_fym
        return annual * self.scale_for_soc(target_soc, iom, source)


def annual_maps(drivers: Drivers, params: RothCParameters | None = None, radiocarbon: bool = False) -> AnnualMaps:
    """The affine map of each year of the drivers' cycle, for every field.

    Runs the cycle once from the settled moisture deficit on six sets of
    pools at once: the four unit pools give the columns of ``A``, and empty
    pools receiving the plant or the FYM inputs give ``b``. With
    ``radiocarbon`` the maps are those of the pools' 14C activity, which also
    decays radioactively and enters at the inputs' % modern.
    """
    params = params or load_parameters()
    terms = MonthlyTerms.from_drivers(drivers, params)
    cycle, n_fields = terms.water_balance.shape
    if cycle % MONTHS_PER_YEAR:
        raise ValueError(f"the drivers' cycle must be whole years, got {cycle} months")
    years = cycle // MONTHS_PER_YEAR
    transition = np.empty((n_fields, years, 4, 4))
    plant = np.empty((n_fields, years, 4))
    fym = np.empty((n_fields, years, 4))
    start = tsmd = periodic_tsmd(terms.water_balance, terms.covered, terms.maximum_tsmd, terms.bare_tsmd)
    radioactive = np.ones(6, dtype=bool) if radiocarbon else None
    for year in range(years):
        pools = np.zeros((4, 6, n_fields))
        pools[np.arange(4), np.arange(4)] = 1.0
        for month in range(year * MONTHS_PER_YEAR, (year + 1) * MONTHS_PER_YEAR):
            tsmd = terms.advance(pools, tsmd, month, params, _PLANT_SCALE, _FYM_SCALE, radioactive)
        transition[:, year] = pools[:, :4].transpose(2, 0, 1)
        plant[:, year] = pools[:, _PLANT].T
        fym[:, year] = pools[:, _FYM].T
    return AnnualMaps(transition=transition, plant=plant, fym=fym, tsmd=start)


def _solvable(transition: Array) -> NDArray[np.bool_]:
    """Fields whose cycle map loses carbon from every pool, so that an equilibrium exists.

    Every column of ``A`` sums to less than 1 as soon as anything decomposes
    during the cycle; a field frozen all cycle (or with ``decomposition_scale``
    0) keeps everything and accumulates its inputs for ever.
    """
    return (transition.sum(axis=1) < 1.0).all(axis=1)


def _fixed_point(maps: AnnualMaps) -> Array:
    """(n, 4, 2) ``(I - A)^-1 b`` for the plant and FYM columns; NaN where there is no equilibrium."""
    transition, offset = maps.cycle()
    solvable = _solvable(transition)
    fixed = np.full(offset.shape, np.nan)
    fixed[solvable] = np.linalg.solve(np.eye(4) - transition[solvable], offset[solvable])
    return fixed


def equilibrium_response(drivers: Drivers, params: RothCParameters | None = None) -> EquilibriumResponse:
    """Equilibrium pools sustained by the drivers' plant and FYM inputs, kept apart.

    Everything the inverse questions need: SOC per unit of input, and the
    input that gives a target stock (:meth:`EquilibriumResponse.input_for_soc`).
    """
    maps = annual_maps(drivers, params)
    fixed = _fixed_point(maps)
    years = maps.transition.shape[1]
    plant = np.broadcast_to(np.asarray(drivers.plant_input, dtype=float), drivers.shape).sum(axis=1) / years
    fym = np.broadcast_to(np.asarray(drivers.fym_input, dtype=float), drivers.shape).sum(axis=1) / years
    return EquilibriumResponse(plant=fixed[..., 0], fym=fixed[..., 1], annual_plant=plant, annual_fym=fym,
                               tsmd=maps.tsmd)


def equilibrium(drivers: Drivers, iom: ArrayLike, params: RothCParameters | None = None,
                radiocarbon: bool = False) -> State:
    """The state that repeating the drivers for ever leads to, at the end of the cycle.

    This is the state a RothC spin-up converges to (in the reference code,
    10,000 years or until SOC changes by less than 1e-6 t C/ha in a year),
    computed exactly. ``iom`` (t C/ha, per field or scalar) is carried as is;
    :func:`~.model.falloon_iom` estimates it from a measured stock. With
    ``radiocarbon`` the 14C activity of the pools is brought to equilibrium
    too, so a forward run can report delta 14C.
    """
    params = params or load_parameters()
    maps = annual_maps(drivers, params)
    active = _fixed_point(maps).sum(axis=-1)
    activity = _fixed_point(annual_maps(drivers, params, radiocarbon=True)).sum(axis=-1) if radiocarbon else None
    n_fields, _ = drivers.shape
    return State(active=active, iom=np.broadcast_to(np.asarray(iom, dtype=float), (n_fields,)).copy(),
                 tsmd=maps.tsmd, activity=activity)


def reference_spinup_years(drivers: Drivers, tolerance: float = 1e-6,
                           params: RothCParameters | None = None) -> Array:
    """(n,) years that the reference code's iterative spin-up runs before it stops.

    The reference RothC code (RothC_Py, and the Fortran before it) repeats the
    spin-up year from empty pools until the active SOC changes by less than
    ``tolerance`` t C/ha over a year, and reports the months it ran in the
    first row of its yearly output; this counts the same years on the annual
    maps (with the moisture deficit settled from the first year), so that
    output can be reproduced. It also says how slowly a soil approaches
    equilibrium. NaN where there is no equilibrium.
    """
    maps = annual_maps(drivers, params)
    n_fields, years = maps.transition.shape[:2]
    result = np.full(n_fields, np.nan)
    pending = np.flatnonzero(_solvable(maps.cycle()[0]))
    pools = np.zeros((pending.size, 4))
    previous = np.zeros(pending.size)
    year = 0
    while pending.size:
        index = year % years
        pools = (np.einsum("nij,nj->ni", maps.transition[pending, index], pools)
                 + maps.plant[pending, index] + maps.fym[pending, index])
        year += 1
        total = pools.sum(axis=1)
        settled = np.abs(total - previous) < tolerance
        result[pending[settled]] = year
        pending, pools, previous = pending[~settled], pools[~settled], total[~settled]
    return result
