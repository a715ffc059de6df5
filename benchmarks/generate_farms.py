"""Synthetic farm surveys for benchmarking batch scoring.

A survey repeats contexts a lot: a country spans a few climate zones, most
fields have no or one improved practice, and texture classes are uneven.
The generator draws every column from such skewed, seeded distributions, so
a million farms hold a few thousand distinct categorical contexts, as a real
census would. With ``--measured`` each farm also carries a measured stock
(``soc_t_ha``, lab precision 0.1 t C/ha, around the IPCC reference of its
zone and soil class) and a clay content (whole %).

``--bad-rows K`` replaces K rows by the mistakes surveys contain (unknown
zone, empty texture, duplicate or missing farm_id, broken or conflicting
practice lists, bad numbers), so the rejects path is exercised too.

Usage::

    python benchmarks/generate_farms.py 1000000 -o farms.parquet [--measured] [--bad-rows 20]
"""

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recommender.inputs.soils import derive_soil_class
from recommender.knowledge import load_knowledge_base
from recommender.vocabulary import ClimateZone, Degradation, LandUse, SoilTexture

#: Rows per Parquet row group: the unit of parallelism of the Dask engine.
ROW_GROUP = 100_000
#: Share of farms with no / one / two current practices.
PRACTICE_COUNT_SHARES = (0.5, 0.35, 0.15)
#: A measured stock scatters around the reference by this log-normal sigma.
STOCK_SIGMA = 0.35
BAD_VALUES = (
    ("climate_zone", "tropcal_dry"),
    ("soil_texture", ""),
    ("farm_id", "<duplicate>"),
    ("current_practices", "cover_crops,no_till"),
    ("current_practices", "no_till;reduced_tillage"),
    ("soc_t_ha", "abc"),
    ("current_practices", "rice_straw_management"),
    ("farm_id", ""),
    ("clay_pct", "140"),
)


def _skewed(rng: np.random.Generator, values: list[str], size: int, alpha: float = 1.2) -> np.ndarray:
    """``size`` draws of ``values`` with Zipf-like weights over a seeded order."""
    weights = 1.0 / np.arange(1, len(values) + 1) ** alpha
    order = rng.permutation(len(values))
    return np.asarray(values, dtype=object)[order][rng.choice(len(values), size, p=weights / weights.sum())]


def _practice_lists(rng: np.random.Generator, land_use: np.ndarray) -> np.ndarray:
    """';'-separated compatible current practices per farm, skewed per land use."""
    kb = load_knowledge_base()
    out = np.empty(len(land_use), dtype=object)
    for use in LandUse:
        at = np.flatnonzero(land_use == use.value)
        fits = [p for p in kb.practices.values() if use in p.land_uses]
        singles = [(p.id,) for p in fits]
        pairs = [(a.id, b.id) for a, b in itertools.combinations(fits, 2) if b.id not in a.conflicts_with]
        count = rng.choice(3, size=len(at), p=PRACTICE_COUNT_SHARES)
        out[at] = ""
        for k, combos in ((1, singles), (2, pairs)):
            chosen = at[count == k]
            if combos and len(chosen):
                out[chosen] = _skewed(rng, [";".join(c) for c in combos], len(chosen))
    return out


def generate_farms(n: int, seed: int = 0, measured: bool = False, bad_rows: int = 0) -> pd.DataFrame:
    """A survey of ``n`` farms (one row each, columns of the README's farm table).

    ``current_practices`` is a ';'-separated string; ``soc_t_ha`` (t C/ha,
    0-30 cm) and ``clay_pct`` (%) are empty unless ``measured``.
    """
    rng = np.random.default_rng(seed)
    kb = load_knowledge_base()
    zone = _skewed(rng, [z.value for z in ClimateZone if not z.value.startswith("polar")], n, alpha=1.5)
    texture = _skewed(rng, [t.value for t in SoilTexture], n, alpha=0.8)
    land_use = rng.choice([u.value for u in LandUse], n, p=(0.5, 0.12, 0.08, 0.3))
    degradation = rng.choice([d.value for d in Degradation], n, p=(0.7, 0.2, 0.1))
    farms = pd.DataFrame(
        {
            "farm_id": [f"F{i:08d}" for i in range(n)],
            "climate_zone": zone,
            "soil_texture": texture,
            "soil_class": "",
            "land_use": land_use,
            "degradation": degradation,
            "current_practices": _practice_lists(rng, land_use),
            "clay_pct": np.nan,
            "soc_t_ha": np.nan,
            "area_ha": np.round(rng.lognormal(np.log(3.0), 1.0, n), 2),
        }
    )
    if measured:
        farms["clay_pct"] = rng.integers(2, 60, n).astype(float)
        keys = farms[["climate_zone", "soil_texture"]].assign(sandy_clay=farms["clay_pct"] >= 8)
        distinct = keys.drop_duplicates()
        distinct["reference"] = [
            kb.reference_stocks.loc[
                (zone, derive_soil_class(kb, texture, zone, 8.0 if clay else 0.0).value), "soc_ref_t_c_ha"
            ]
            for zone, texture, clay in distinct.itertuples(index=False)
        ]
        reference = keys.merge(distinct, how="left", on=list(keys.columns))["reference"].to_numpy()
        farms["soc_t_ha"] = np.round(reference * rng.lognormal(0.0, STOCK_SIGMA, n), 1).clip(1.0, 900.0)
    return _spoil(farms, rng, bad_rows)


def _spoil(farms: pd.DataFrame, rng: np.random.Generator, bad_rows: int) -> pd.DataFrame:
    """Replace ``bad_rows`` rows (after the first) by the mistakes of ``BAD_VALUES``."""
    if bad_rows == 0:
        return farms
    farms = farms.astype({"clay_pct": object, "soc_t_ha": object})
    rows = np.sort(rng.choice(np.arange(1, len(farms)), size=bad_rows, replace=False))
    for i, row in enumerate(rows):
        column, value = BAD_VALUES[i % len(BAD_VALUES)]
        if value == "<duplicate>":
            value = farms.at[int(rng.integers(0, row)), "farm_id"]
        elif column == "current_practices" and value == "rice_straw_management":
            farms.at[row, "land_use"] = LandUse.CROPLAND.value
        farms.at[row, column] = value
    return farms


def write(farms: pd.DataFrame, path: Path, lists: bool = False) -> None:
    """Write ``farms`` as CSV, or as Parquet (row groups of ``ROW_GROUP`` rows;
    ``current_practices`` as a list column when ``lists``)."""
    if path.suffix.lower() == ".csv":
        farms.to_csv(path, index=False)
        return
    table = pa.Table.from_pandas(farms.astype({"clay_pct": "string", "soc_t_ha": "string"})
                                 if farms["soc_t_ha"].dtype == object else farms, preserve_index=False)
    if lists:
        practices = farms["current_practices"].map(lambda s: s.split(";") if s else [])
        table = table.set_column(
            table.schema.get_field_index("current_practices"), "current_practices",
            pa.array(practices.tolist(), type=pa.list_(pa.string())),
        )
    pq.write_table(table, path, row_group_size=ROW_GROUP)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("farms", type=int, help="number of farms (rows)")
    parser.add_argument("-o", "--output", type=Path, required=True, help=".csv or .parquet file")
    parser.add_argument("--measured", action="store_true", help="add measured soc_t_ha and clay_pct")
    parser.add_argument("--bad-rows", type=int, default=0, help="rows with typical mistakes")
    parser.add_argument("--lists", action="store_true", help="Parquet: current_practices as list<string>")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write(generate_farms(args.farms, args.seed, args.measured, args.bad_rows), args.output, args.lists)
    print(f"{args.farms:,} farms written to {args.output}")


if __name__ == "__main__":
    main()
