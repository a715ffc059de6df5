"""RothC's rate-modifying factors: temperature, topsoil moisture deficit, plant cover, clay.

Decomposition in month t runs at a b c k, k the pool's rate constant: a for
temperature, b for the accumulated topsoil moisture deficit (TSMD), c for
plant cover (section 1.6 of the description). Clay does not modify the
rate but the share of decomposed carbon kept in the soil (section 1.7). All
functions are elementwise over arrays of fields and months.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .parameters import RothCParameters

Array = NDArray[np.float64]
#: Repetitions of a cycle allowed for the moisture deficit to settle (a few suffice).
_MAX_CYCLES = 1000


def temperature_modifier(temperature: ArrayLike, params: RothCParameters) -> Array:
    """Rate modifier a of mean monthly air temperature (description section 1.6).

    1 at about 9.3 deg C, rising towards 47.91 in the warmth; 0 below
    ``temperature_minimum`` (-5 deg C), as in the released RothC code: the
    formula is nearly 0 there already, and past its pole at -18.27 deg C it
    would jump to its maximum.
    """
    temperature = np.asarray(temperature, dtype=float)
    warm = np.maximum(temperature, params.temperature_minimum)
    a = params.temperature_numerator / (1.0 + np.exp(params.temperature_scale / (warm + params.temperature_offset)))
    return np.where(temperature < params.temperature_minimum, 0.0, a)


def moisture_limits(clay: ArrayLike, depth: ArrayLike, params: RothCParameters) -> tuple[Array, Array]:
    """Maximum TSMD under vegetation and under bare soil for a layer, mm (negative).

    The maximum (-(20 + 1.3 clay - 0.01 clay^2) for 0-23 cm) scales with
    depth; bare soil loses less water, so it stops drying at a fraction of it.
    """
    clay = np.asarray(clay, dtype=float)
    reference = params.tsmd_intercept + params.tsmd_clay * clay - params.tsmd_clay_squared * clay**2
    maximum = -reference * np.asarray(depth, dtype=float) / params.tsmd_reference_depth
    return maximum, params.bare_soil_fraction * maximum


def tsmd_step(tsmd: Array, water_balance: Array, covered: NDArray[np.bool_],
              maximum: Array, bare: Array) -> Array:
    """Accumulated TSMD at the end of a month, from that at its start.

    ``water_balance`` is rainfall - 0.75 open-pan evaporation. The deficit never
    goes above 0 (field capacity) nor below the maximum; bare soil does not dry
    beyond ``bare`` but keeps a deficit it already had beyond it (section 1.6).
    """
    wetter = np.minimum(0.0, tsmd + water_balance)
    floor = np.where(covered, maximum, np.minimum(bare, tsmd))
    return np.maximum(floor, wetter)


def moisture_modifier(tsmd: Array, maximum: Array, params: RothCParameters) -> Array:
    """Rate modifier b of the accumulated TSMD (section 1.6, Figure 3).

    1 down to ``moisture_breakpoint`` x maximum, then linear to
    ``moisture_minimum`` at the maximum deficit.
    """
    breakpoint = params.moisture_breakpoint * maximum
    slope = (1.0 - params.moisture_minimum) / (maximum - breakpoint)
    b = params.moisture_minimum + slope * (maximum - tsmd)
    return np.where(tsmd > breakpoint, 1.0, b)


def cover_modifier(covered: ArrayLike, params: RothCParameters) -> Array:
    """Rate modifier c: growing plants slow decomposition (``cover_factor``), bare soil 1."""
    return np.where(np.asarray(covered, dtype=bool), params.cover_factor, 1.0)


def humified_fraction(clay: ArrayLike, params: RothCParameters) -> Array:
    """Share of decomposed carbon kept as BIO + HUM, 1 / (x + 1) (section 1.7).

    x = CO2 / (BIO + HUM) = 1.67 (1.85 + 1.60 exp(-0.0786 clay)): clay soils
    keep more of what decays.
    """
    exponential = np.exp(-params.co2_ratio_clay_rate * np.asarray(clay, dtype=float))
    ratio = params.co2_ratio_scale * (params.co2_ratio_base + params.co2_ratio_clay_amplitude * exponential)
    return 1.0 / (ratio + 1.0)


def periodic_tsmd(water_balance: Array, covered: NDArray[np.bool_], maximum: Array, bare: Array) -> Array:
    """(n,) accumulated TSMD at the start of a cycle that one pass through the cycle gives back, mm.

    ``water_balance`` (rainfall - 0.75 open-pan evaporation, mm) and
    ``covered`` are ``(n_months, n)``, month-major; ``maximum`` and ``bare``
    are the limits of :func:`moisture_limits`.

    Starts at field capacity (0), as RothC's spin-up does, and repeats the
    cycle until the deficit repeats: once a limit (field capacity, the maximum
    deficit, the bare-soil limit) is reached during the cycle, the deficit
    after it no longer depends on the start. Each month's deficit rises with
    the deficit before it, so from field capacity the start of each cycle is
    drier than the last. While no limit is reached, a cycle only shifts the
    deficit by its net water balance (negative), so the cycles until the
    first limit is reached are skipped in one step: a nearly balanced year
    needs no thousands of iterations.
    """
    cycle, n_fields = water_balance.shape
    start = np.zeros(n_fields)
    pending = np.arange(n_fields)
    for _ in range(_MAX_CYCLES):
        balance, cover = water_balance[:, pending], covered[:, pending]
        floor, bare_floor = maximum[pending], bare[pending]
        path = np.empty((cycle + 1, pending.size))
        path[0] = start[pending]
        shift_only = np.ones(pending.size, dtype=bool)
        for month in range(cycle):
            path[month + 1] = tsmd_step(path[month], balance[month], cover[month], floor, bare_floor)
            shift_only &= path[month + 1] == path[month] + balance[month]
        drift = path[-1] - path[0]
        # How much drier each month could get before meeting its limit (none for bare soil wetting up).
        room = np.where(cover, path[1:] - floor, np.where(balance < 0.0, path[1:] - bare_floor, np.inf)).min(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            skipped = np.where(shift_only & (drift < 0.0), np.floor(room / -drift), 0.0)
        start[pending] = path[-1] + skipped * drift
        pending = pending[np.abs(drift) > 1e-9]
        if pending.size == 0:
            return start
    raise RuntimeError(f"the moisture deficit of {pending.size} field(s) did not settle in {_MAX_CYCLES} cycles")
