"""Speed of RothC for a farm (``recommender.science.rothc.farm.FarmRothC``) on one core.

* service: one farm x every practice set applicable to it (single practices
  and a few pairs, ~25 sets) over 0..20 years, cold (first call for the
  context: the model runs) and warm (cached: a measured stock only rescales);
* batch: ``--farms`` farms over ``--contexts`` distinct contexts (climate zone,
  texture, land use, current practices; clay typical or given) each adopting
  one of a few practice sets, through ``paths_many``: farm-paths per second,
  first (cold, the distinct pairs run) and second (warm) call.

numpy runs single-threaded; figures are printed, nothing is written.

Usage::

    python benchmarks/bench_rothc_farm.py [--farms 1000000] [--contexts 5000] [--repeat 20]
"""

import argparse
import os
import time

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

from recommender.inputs.farm import ContextKey  # noqa: E402
from recommender.knowledge import load_knowledge_base  # noqa: E402
from recommender.science.rothc.farm import FarmRothC  # noqa: E402
from recommender.vocabulary import ClimateZone, SoilTexture  # noqa: E402

README = ContextKey("warm_temperate_moist", "silt_loam", "HAC", "cropland", "none", ("reduced_tillage",))
CURRENT = [(), ("reduced_tillage",), ("no_till",), ("cover_crops",), ("manure",), ("reduced_tillage", "manure"),
           ("no_till", "cover_crops"), ("residue_retention",), ("compost",), ("mulching",), ("legume_rotation",),
           ("irrigation_dry_cropland",), ("green_manure",), ("alley_cropping",), ("hedgerows_windbreaks",)]


def service_sets(kb) -> list[tuple[str, ...]]:
    """Business as usual, every cropland practice alone, and a few pairs: ~25 sets."""
    singles = [(p,) for p, practice in kb.practices.items()
               if "cropland" in practice.land_uses and p != "reduced_tillage"]
    return [()] + singles + [("cover_crops", "no_till"), ("manure", "cover_crops"), ("compost", "residue_retention")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--farms", type=int, default=1_000_000)
    parser.add_argument("--contexts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kb = load_knowledge_base()
    rothc = FarmRothC(kb)
    sets = service_sets(kb)
    years = np.arange(21.0)
    start = time.perf_counter()
    rothc.paths(README, [46.368], sets, years)
    cold = time.perf_counter() - start
    timings = []
    for stock in np.linspace(20, 80, args.repeat):
        start = time.perf_counter()
        rothc.paths(README, [stock], sets, years)
        rothc.input_needed_for_4p1000(README, [stock])
        timings.append(time.perf_counter() - start)
    print(f"service: 1 farm x {len(sets)} practice sets x {len(years)} years: cold {cold * 1e3:.1f} ms, "
          f"warm median {np.median(timings) * 1e3:.2f} ms (paths + input_needed_for_4p1000)")

    # Distinct RothC contexts: (zone, texture, current practices) keys, each with a few given clay contents.
    rng = np.random.default_rng(0)
    keys = [ContextKey(zone.value, texture.value, "HAC", "cropland", "none", tuple(sorted(current)))
            for zone in ClimateZone for texture in SoilTexture for current in CURRENT]
    context_key = rng.integers(0, len(keys), args.contexts)
    context_clay = rng.integers(5, 60, args.contexts).astype(float)
    batch_sets = [(), ("cover_crops",), ("manure",), ("biochar",), ("set_aside",)]
    m = args.farms
    context = rng.integers(0, args.contexts, m)
    key_index, clay = context_key[context], context_clay[context]
    set_index = rng.integers(0, len(batch_sets), m)
    stocks = rng.uniform(15, 120, m)
    pairs = len(np.unique(np.column_stack([key_index, clay, set_index]), axis=0))
    fresh = FarmRothC(kb)
    for label in ("cold", "warm"):
        start = time.perf_counter()
        out = fresh.paths_many(keys, key_index, stocks, batch_sets, set_index, years, clay_pct=clay)
        elapsed = time.perf_counter() - start
        print(f"batch ({label}): {m:,} farms, {args.contexts:,} contexts, {pairs:,} (context, set) pairs, "
              f"{len(years)} years: "
              f"{elapsed:.2f} s = {m / elapsed:,.0f} farm-paths/s = {m * (len(years) - 1) / elapsed:,.0f} "
              f"field-years/s; NaN share {np.isnan(out[:, -1]).mean():.3f}")


if __name__ == "__main__":
    main()
