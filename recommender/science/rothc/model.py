"""The standard (1990) RothC soil-carbon model, run for many fields at once.

RothC (Jenkinson 1990; Coleman & Jenkinson 1996; described by Coleman, Prout
& Milne 2024) splits soil organic carbon into four active pools that decay by
first-order kinetics, DPM, RPM, BIO and HUM, and a small inert pool, IOM.
Each month a pool holding Y t C/ha keeps Y exp(-a b c k / 12), where a, b and
c are the rate modifiers of temperature, topsoil moisture deficit (TSMD) and
plant cover and k the pool's rate constant. Of what decays, a clay-dependent
share becomes CO2 and the rest BIO (46 %) and HUM (54 %). Plant inputs join
DPM and RPM by their DPM/RPM ratio, farmyard manure (FYM) joins DPM, RPM and
HUM, at the end of the month.

Fields are on the first axis of every array, so one call runs thousands of
farm contexts; the only Python loop is over months. Units: t C/ha for pools
and t C/ha per month for inputs, mm of water, deg C, % clay, cm of soil.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .modifiers import Array
from .parameters import RothCParameters, load_parameters
from .step import MONTHS_PER_YEAR, MonthlyTerms

#: Pool order of every pool axis: the four active pools, then IOM.
POOLS = ("DPM", "RPM", "BIO", "HUM", "IOM")


@dataclass(frozen=True)
class Drivers:
    """Monthly drivers of a batch of fields.

    Monthly attributes broadcast, by numpy's rules, to ``(n_fields,
    n_months)``: give ``(n_fields, n_months)`` for values per field and month,
    ``(n_months,)`` for one calendar shared by all fields, ``(n_fields, 1)``
    for one value per field, or a scalar. ``clay`` and ``depth`` are per field,
    ``(n_fields,)`` or scalar. When a run is longer than ``n_months`` the
    drivers repeat, so 12 months of climate normals drive a run of decades.

    Attributes
    ----------
    temperature : mean monthly air temperature, deg C.
    rainfall : monthly rainfall, mm.
    evaporation : monthly open-pan evaporation, mm (RothC takes 0.75 of it as
        evapotranspiration; divide potential evapotranspiration by 0.75).
    plant_cover : 1 (or True) where the soil is vegetated that month, 0 if bare.
    plant_input : plant carbon entering the soil that month, t C/ha.
    clay : clay content, %.
    depth : depth of the soil layer modelled, cm.
    fym_input : farmyard manure carbon applied that month, t C/ha.
    dpm_rpm_ratio : DPM/RPM ratio of the plant input (1.44 for crops, 0.67
        for unimproved grassland, 0.25 for woodland).
    decomposition_scale : extra multiplier of all decomposition rates, 1 in
        standard RothC; the hook for practices that speed up or slow down
        decomposition (tillage, say) without touching the climate.
    modern : 14C content of the inputs, % modern (used only when a run tracks
        radiocarbon).
    """

    temperature: ArrayLike
    rainfall: ArrayLike
    evaporation: ArrayLike
    plant_cover: ArrayLike
    plant_input: ArrayLike
    clay: ArrayLike
    depth: ArrayLike
    fym_input: ArrayLike = 0.0
    dpm_rpm_ratio: ArrayLike = 1.44
    decomposition_scale: ArrayLike = 1.0
    modern: ArrayLike = 100.0

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_fields, n_months)`` after broadcasting."""
        monthly = (self.temperature, self.rainfall, self.evaporation, self.plant_cover, self.plant_input,
                   self.fym_input, self.dpm_rpm_ratio, self.decomposition_scale, self.modern)
        site = np.broadcast_shapes(np.shape(self.clay), np.shape(self.depth))
        shape = np.broadcast_shapes(*(np.shape(value) for value in monthly), site + (1,) * (len(site) > 0))
        if len(site) > 1 or len(shape) > 2:
            raise ValueError(f"drivers broadcast to shape {shape}; expected (n_fields, n_months) "
                             f"with clay and depth of shape (n_fields,)")
        n_fields, n_months = (1,) * (2 - len(shape)) + shape
        return n_fields, n_months


@dataclass(frozen=True)
class State:
    """The state of RothC for n fields at the end of a month.

    Attributes
    ----------
    active : (n, 4) DPM, RPM, BIO, HUM, t C/ha.
    iom : (n,) inert organic matter, t C/ha (never changes).
    tsmd : (n,) accumulated topsoil moisture deficit, mm (0 at field capacity,
        negative when dry); carried over because the next month's moisture
        rate modifier depends on it. Without a better value use 0, the wet
        soil RothC assumes on the 1st of January.
    activity : (n, 4) or None: each active pool weighted by its 14C activity
        relative to modern carbon, when radiocarbon is tracked.
    """

    active: Array
    iom: Array
    tsmd: Array
    activity: Array | None = None

    @property
    def pools(self) -> Array:
        """(n, 5) DPM, RPM, BIO, HUM, IOM, t C/ha."""
        return np.column_stack([self.active, self.iom])

    @property
    def soc(self) -> Array:
        """(n,) total soil organic carbon, t C/ha."""
        return self.active.sum(axis=1) + self.iom

    def delta14c(self, params: RothCParameters | None = None) -> Array:
        """(n,) delta 14C of the soil, per mil (needs ``activity``)."""
        if self.activity is None:
            raise ValueError("this state does not track radiocarbon (activity is None)")
        return soil_delta14c(self.active, self.activity, self.iom, params or load_parameters())


@dataclass(frozen=True)
class Trajectory:
    """What :func:`simulate` records.

    Attributes
    ----------
    pools : (n, n_records, 5) DPM, RPM, BIO, HUM, IOM at the end of each
        recorded month, t C/ha.
    delta14c : (n, n_records) delta 14C of the soil (per mil), or None when
        radiocarbon is not tracked.
    final : the state after the last month, to continue the run from.
    """

    pools: Array
    delta14c: Array | None
    final: State

    @property
    def soc(self) -> Array:
        """(n, n_records) total soil organic carbon, t C/ha."""
        return self.pools.sum(axis=-1)


def falloon_iom(soc: ArrayLike, params: RothCParameters | None = None) -> Array:
    """Inert organic matter from total organic carbon, t C/ha (Falloon et al. 1998).

    IOM = 0.049 SOC^1.139, the usual estimate when no radiocarbon data fix it;
    a rough approximation for surface soils only.
    """
    params = params or load_parameters()
    return params.iom_coefficient * np.asarray(soc, dtype=float) ** params.iom_exponent


def soil_delta14c(active: Array, activity: Array, iom: Array, params: RothCParameters) -> Array:
    """Delta 14C of the whole soil (per mil) from pools and their 14C activity.

    The equivalent radiocarbon age is ln(SOC / activity) / decay constant, with
    IOM at ``iom_age``; delta 14C = 1000 exp(-age / 8035) - 1000 (section 1.8).
    """
    decay = params.radiocarbon_decay
    total = activity.sum(axis=-1) + iom * np.exp(-decay * params.iom_age)
    age = np.log((active.sum(axis=-1) + iom) / total) / decay
    return 1000.0 * np.exp(-age / params.radiocarbon_mean_life) - 1000.0


def simulate(drivers: Drivers, start: State, n_months: int | None = None,
             record: Literal["month", "year"] = "month", params: RothCParameters | None = None) -> Trajectory:
    """Run RothC forward month by month for all fields at once.

    Parameters
    ----------
    drivers : Drivers
        Monthly drivers; repeated when shorter than the run.
    start : State
        Pools, IOM and TSMD at the start (from :func:`~.equilibrium.equilibrium`
        or a previous run's ``final``). Radiocarbon is tracked when
        ``start.activity`` is given.
    n_months : int, optional
        Length of the run; the drivers' length by default.
    record : {"month", "year"}
        Record every month, or every 12th month only (ends of years when the
        run starts in January), which keeps long runs of many fields small.
    params : RothCParameters, optional
        Model constants; those of ``rothc_parameters.csv`` by default.

    Returns
    -------
    Trajectory
    """
    if record not in ("month", "year"):
        raise ValueError(f"record must be 'month' or 'year', not {record!r}")
    params = params or load_parameters()
    cycle = drivers.shape[1]
    n_months = cycle if n_months is None else n_months
    terms = MonthlyTerms.from_drivers(drivers, params, repeated=n_months > cycle)
    n_fields = terms.water_balance.shape[1]
    every = MONTHS_PER_YEAR if record == "year" else 1
    tracked = [start.active] if start.activity is None else [start.active, start.activity]
    pools = np.array(np.broadcast_to(np.stack(tracked), (len(tracked), n_fields, 4)).transpose(2, 0, 1))
    scale = np.ones((len(tracked), 1))
    radioactive = None if start.activity is None else np.array([False, True])
    iom = np.broadcast_to(np.asarray(start.iom, dtype=float), (n_fields,))
    tsmd = np.broadcast_to(np.asarray(start.tsmd, dtype=float), (n_fields,))
    recorded = np.empty((n_months // every, 5, n_fields))
    recorded[:, 4] = iom
    deltas = None if radioactive is None else np.empty((n_months // every, n_fields))
    for month in range(n_months):
        tsmd = terms.advance(pools, tsmd, month % cycle, params, scale, scale, radioactive)
        if (month + 1) % every == 0:
            row = (month + 1) // every - 1
            recorded[row, :4] = pools[:, 0]
            if deltas is not None:
                deltas[row] = soil_delta14c(pools[:, 0].T, pools[:, 1].T, iom, params)
    activity = None if radioactive is None else pools[:, 1].T.copy()
    final = State(active=pools[:, 0].T.copy(), iom=iom.copy(), tsmd=tsmd, activity=activity)
    return Trajectory(pools=np.moveaxis(recorded, 2, 0), delta14c=None if deltas is None else deltas.T, final=final)
