"""Throughput of RothC: field-years per second on one core.

Measures, for synthetic fields (each with its own 12-month climate, cover,
inputs, clay and depth, repeated every year):

* the forward monthly simulation (``simulate``, yearly records) of
  ``--fields`` fields over ``--years`` years, each repeating its 12-month
  climate (then the monthly decay factors are reused once the moisture
  deficit cycles), and of ``--distinct-fields`` fields whose weather differs
  every month (nothing to reuse);
* the analytic spin-up (``equilibrium``) of the same fields, in fields/s;
* the linear-response path: ``linear_response`` built once for
  ``--contexts`` distinct contexts, then evaluated for all fields (each mapped
  to a context, with its own start pools and input multipliers) by
  rescaling, which is how the engine evaluates many stocks and practices.

numpy runs single-threaded (thread variables set before it is imported) and
the process is pinned to one CPU where the OS allows it. Figures and the
machine's description are printed; nothing is written.

Usage::

    python benchmarks/bench_rothc.py [--fields 100000] [--years 20] [--distinct-fields 20000]
                                      [--contexts 1000] [--repeat 3]
"""

import argparse
import dataclasses
import os
import platform
import time
from collections.abc import Callable

# One thread for numpy's libraries; set before numpy is imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np

from recommender.science.rothc import (
    Drivers,
    equilibrium,
    linear_response,
    load_parameters,
    simulate,
)

#: A Rothamsted-like year: rainfall and open-pan evaporation (mm) from the table of section 1.6 of the
#: RothC description, temperature (deg C) a smooth seasonal curve.
MONTHLY_TEMPERATURE = 9.5 - 6.5 * np.cos(2 * np.pi * (np.arange(12) + 0.5) / 12)
MONTHLY_RAIN = np.array([74.0, 59, 62, 51, 52, 57, 34, 55, 58, 56, 75, 71])
MONTHLY_EVAPORATION = np.array([8.0, 10, 27, 49, 83, 99, 103, 91, 69, 34, 16, 8])


def machine() -> str:
    """CPU model, cores available and the software versions that matter here."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{model}; {os.cpu_count()} logical cores on the machine, 1 used; Python {platform.python_version()}, "
            f"numpy {np.__version__}; {platform.system()} {platform.release()}")


def synthetic_drivers(n_fields: int, seed: int = 0) -> Drivers:
    """Fields from cool-temperate to warm, wet to dry, cropped and grassland, some manured."""
    rng = np.random.default_rng(seed)

    def per_field(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, (n_fields, 1))

    cover = np.ones((n_fields, 12))
    cover[rng.random(n_fields) < 0.5, 8:11] = 0.0  # bare autumn after a spring crop on half the fields
    plant = np.zeros((n_fields, 12))
    plant[:, 7] = per_field(1.0, 6.0)[:, 0]
    return Drivers(
        temperature=MONTHLY_TEMPERATURE + per_field(-4.0, 12.0),
        rainfall=MONTHLY_RAIN * per_field(0.3, 2.5),
        evaporation=MONTHLY_EVAPORATION * per_field(0.7, 1.8),
        plant_cover=cover, plant_input=plant,
        fym_input=np.where(np.arange(12) == 1, per_field(0.0, 3.0) * (rng.random((n_fields, 1)) < 0.2), 0.0),
        dpm_rpm_ratio=np.where(rng.random((n_fields, 1)) < 0.7, 1.44, 0.67),
        clay=rng.uniform(5.0, 60.0, n_fields), depth=rng.choice([23.0, 25.0, 30.0], n_fields),
    )


def weather_by_year(drivers: Drivers, years: int, seed: int = 3) -> Drivers:
    """The same fields with their own weather every month of ``years`` years (nothing repeats)."""
    rng = np.random.default_rng(seed)
    n_fields, _ = drivers.shape

    def tiled(value: object) -> np.ndarray:
        return np.tile(np.broadcast_to(np.asarray(value, dtype=float), (n_fields, 12)), years)

    shape = (n_fields, 12 * years)
    return dataclasses.replace(
        drivers, temperature=tiled(drivers.temperature) + rng.normal(0.0, 1.5, shape),
        rainfall=tiled(drivers.rainfall) * rng.lognormal(0.0, 0.4, shape),
        evaporation=tiled(drivers.evaporation) * rng.uniform(0.8, 1.2, shape),
        plant_cover=tiled(drivers.plant_cover), plant_input=tiled(drivers.plant_input),
        fym_input=tiled(drivers.fym_input), dpm_rpm_ratio=tiled(drivers.dpm_rpm_ratio))


def best_time(run: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fields", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--distinct-fields", type=int, default=20_000,
                        help="fields of the run whose weather differs every month (no repetition to exploit)")
    parser.add_argument("--contexts", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    params = load_parameters()
    drivers = synthetic_drivers(args.fields)
    start = equilibrium(drivers, 3.0, params)
    field_years = args.fields * args.years
    print(f"RothC throughput, {args.fields:,} fields x {args.years} years, best of {args.repeat}")
    print(f"machine: {machine()}")

    seconds = best_time(lambda: simulate(drivers, start, n_months=12 * args.years, record="year", params=params),
                        args.repeat)
    print(f"forward monthly simulation, each field's 12-month climate repeated: {seconds:.3f} s, "
          f"{field_years / seconds:,.0f} field-years/s")

    distinct = weather_by_year(synthetic_drivers(args.distinct_fields), args.years)
    start_distinct = equilibrium(synthetic_drivers(args.distinct_fields), 3.0, params)
    seconds = best_time(lambda: simulate(distinct, start_distinct, record="year", params=params), args.repeat)
    print(f"forward monthly simulation, weather differing every month ({args.distinct_fields:,} fields): "
          f"{seconds:.3f} s, {args.distinct_fields * args.years / seconds:,.0f} field-years/s")

    seconds = best_time(lambda: equilibrium(drivers, 3.0, params), args.repeat)
    print(f"analytic spin-up (equilibrium): {seconds:.3f} s, {args.fields / seconds:,.0f} fields/s")

    contexts = synthetic_drivers(args.contexts, seed=1)
    seconds = best_time(lambda: linear_response(contexts, args.years, params), args.repeat)
    print(f"linear response of {args.contexts:,} contexts x {args.years} years: {seconds:.3f} s "
          f"({args.contexts * args.years / seconds:,.0f} context-years/s)")
    response = linear_response(contexts, args.years, params)
    rng = np.random.default_rng(2)
    index = rng.integers(0, args.contexts, args.fields)
    stocks = equilibrium(contexts, 3.0, params).active[index] * rng.uniform(0.7, 1.3, (args.fields, 1))
    plant_scale = rng.uniform(0.8, 1.5, args.fields)
    seconds = best_time(lambda: response.soc(stocks, 3.0, plant_scale=plant_scale, index=index), args.repeat)
    print(f"linear-response evaluation (SOC, {args.fields:,} fields): {seconds:.3f} s, "
          f"{field_years / seconds:,.0f} field-years/s")


if __name__ == "__main__":
    main()
