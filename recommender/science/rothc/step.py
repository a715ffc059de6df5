"""One month of RothC for many fields and several sets of pools at once.

:class:`MonthlyTerms` turns drivers into the month-major arrays the monthly
step reads, once per run; :meth:`MonthlyTerms.advance` is the step itself,
shared by the forward run (:func:`~.model.simulate`) and the construction of
the annual affine maps (:func:`~.equilibrium.annual_maps`), so both follow
exactly the same arithmetic.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .modifiers import (
    Array,
    cover_modifier,
    humified_fraction,
    moisture_limits,
    moisture_modifier,
    temperature_modifier,
    tsmd_step,
)
from .parameters import RothCParameters

if TYPE_CHECKING:
    from .model import Drivers

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class MonthlyTerms:
    """Month-major ``(n_months, n_fields)`` arrays derived once from drivers.

    Stepping month by month reads one contiguous row per month, and what does
    not change from year to year (temperature, cover, the input split) is not
    recomputed every month. When the drivers are repeated, ``change_cache``
    (``(n_months, 4, n_fields)``) keeps each pool's change factor of the
    month's last pass, for the moisture modifier ``cached_moisture`` it was
    computed with: the exponentials are most of the cost of a month, and once
    the moisture deficit cycles with the drivers they are all reused.
    """

    climate_rate: Array
    water_balance: Array
    covered: NDArray[np.bool_]
    plant_dpm: Array
    plant_rpm: Array
    fym: Array
    modern: Array
    maximum_tsmd: Array
    bare_tsmd: Array
    humified: Array
    change_cache: Array | None = None
    cached_moisture: Array | None = None

    @classmethod
    def from_drivers(cls, drivers: "Drivers", params: RothCParameters, repeated: bool = False) -> "MonthlyTerms":
        """The terms of ``drivers``; ``repeated`` when a run goes through them more than once."""
        n_fields, n_months = drivers.shape

        def month_major(value: ArrayLike) -> Array:
            monthly = np.broadcast_to(np.asarray(value, dtype=float), (n_fields, n_months))
            return np.ascontiguousarray(monthly.T)

        clay = np.broadcast_to(np.asarray(drivers.clay, dtype=float), (n_fields,))
        depth = np.broadcast_to(np.asarray(drivers.depth, dtype=float), (n_fields,))
        covered = month_major(drivers.plant_cover) != 0.0
        plant = month_major(drivers.plant_input)
        ratio = month_major(drivers.dpm_rpm_ratio)
        plant_dpm = plant * ratio / (ratio + 1.0)
        rate = (temperature_modifier(month_major(drivers.temperature), params) * cover_modifier(covered, params)
                * month_major(drivers.decomposition_scale))
        maximum, bare = moisture_limits(clay, depth, params)
        return cls(
            climate_rate=rate,
            water_balance=month_major(drivers.rainfall) - params.evaporation_factor * month_major(drivers.evaporation),
            covered=covered, plant_dpm=plant_dpm, plant_rpm=plant - plant_dpm,
            fym=month_major(drivers.fym_input), modern=month_major(drivers.modern) / 100.0,
            maximum_tsmd=maximum, bare_tsmd=bare, humified=humified_fraction(clay, params),
            change_cache=np.ascontiguousarray(_change(rate, params).transpose(1, 0, 2)) if repeated else None,
            cached_moisture=np.ones_like(rate) if repeated else None,
        )

    def advance(self, pools: Array, tsmd: Array, month: int, params: RothCParameters,
                plant_scale: Array, fym_scale: Array, radioactive: NDArray[np.bool_] | None) -> Array:
        """Run ``month`` of the cycle on ``pools`` (in place) and return the new TSMD.

        ``pools`` is ``(4, k, n)``: k sets of pools evolve under the same rates
        ("tracers": the carbon, its 14C activity, or the unit pools and inputs
        whose responses make the annual affine map). Tracer j receives
        ``plant_scale[j]`` and ``fym_scale[j]`` times the month's inputs; the
        ``radioactive`` tracers also decay as 14C and get inputs at % modern.
        """
        tsmd = tsmd_step(tsmd, self.water_balance[month], self.covered[month], self.maximum_tsmd, self.bare_tsmd)
        moisture = moisture_modifier(tsmd, self.maximum_tsmd, params)
        if self.change_cache is None or self.cached_moisture is None:
            change = _change(self.climate_rate[month] * moisture, params)
        else:
            change = self.change_cache[month]
            stale = np.flatnonzero(moisture != self.cached_moisture[month])
            change[:, stale] = _change(self.climate_rate[month, stale] * moisture[stale], params)
            self.cached_moisture[month, stale] = moisture[stale]
        lost = pools * change[:, None]
        pools += lost
        formed = lost.sum(axis=0)
        formed *= -self.humified
        pools[2] += params.bio_fraction * formed
        pools[3] += (1.0 - params.bio_fraction) * formed
        if radioactive is not None:
            pools[:, radioactive] *= np.exp(-params.radiocarbon_decay / MONTHS_PER_YEAR)
            modern = np.where(radioactive[:, None], self.modern[month], 1.0)
            plant_scale, fym_scale = plant_scale * modern, fym_scale * modern
        fym = fym_scale * self.fym[month]
        pools[0] += plant_scale * self.plant_dpm[month] + params.fym_dpm * fym
        pools[1] += plant_scale * self.plant_rpm[month] + params.fym_rpm * fym
        pools[3] += params.fym_hum * fym
        return tsmd


def _change(rate: Array, params: RothCParameters) -> Array:
    """``exp(-k rate / 12) - 1`` per pool, on a new first axis: minus the share of each pool that decomposes."""
    change = np.multiply.outer(params.rate_constants / -MONTHS_PER_YEAR, rate)
    np.exp(change, out=change)
    change -= 1.0
    return change
